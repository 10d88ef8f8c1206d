"""Error pages in the site's layout, and 503 while the database cannot be reached.

An error page must not fail itself: the 503 page is rendered as for an anonymous visitor
(the signed-in user is loaded from the database), and any page that cannot be rendered
falls back to plain text. Calendar feeds get plain text, which calendar apps show as is.
The engine's `pool_pre_ping` replaces dead connections, so the site recovers on its own
once the database is back.

Titles and messages are lazy: they are put into words when the page is rendered, after
an offline page has forgotten the user, so choosing the language (which may ask the
account's) never reads the database that is away.
"""

from flask import Blueprint, Flask, current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, NotFound

from app.extensions import db, login_manager

bp = Blueprint("errors", __name__)

RETRY_AFTER_SECONDS = 30

UNAVAILABLE = _l(
    "The database behind this site cannot be reached just now. Nothing you entered "
    "before this page was lost. Try again in a minute."
)
UNREADABLE = _l("This request could not be read")

#: Other HTTP errors, in werkzeug's English words (which English pages keep): title and
#: message by status code. A description an abort() gives of its own is kept as given.
_OTHER_ERRORS = {
    401: (
        _l("Unauthorized"),
        _l(
            "The server could not verify that you are authorized to access the URL requested. "
            "You either supplied the wrong credentials (e.g. a bad password), or your browser "
            "doesn't understand how to supply the credentials required."
        ),
    ),
    403: (
        _l("Forbidden"),
        _l(
            "You don't have the permission to access the requested resource. It is either "
            "read-protected or not readable by the server."
        ),
    ),
    405: (_l("Method Not Allowed"), _l("The method is not allowed for the requested URL.")),
    413: (
        _l("Request Entity Too Large"),
        _l("The data value transmitted exceeds the capacity limit."),
    ),
    429: (
        _l("Too Many Requests"),
        _l("This user has exceeded an allotted request count. Try again later."),
    ),
}


def _wants_plain_text() -> bool:
    return request.path.endswith(".ics")


def _wants_json() -> bool:
    """The JSON API (/api/...) answers its errors in JSON: {"message", "field", "status"}."""
    return request.path.startswith("/api/")


def _forget_user() -> None:
    """Render as an anonymous visitor: finding the signed-in user would ask the database."""
    g._login_user = login_manager.anonymous_user()


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone; the pool replaces it
        pass


def _page(status: int, title, message, headers: dict | None = None, offline=False):
    headers = dict(headers or {})
    if offline:
        _forget_user()
    if _wants_json():
        body = {"message": _plain_text(title, message).strip(), "field": None, "status": status}
        return jsonify(body), status, headers
    if _wants_plain_text():
        headers["Content-Type"] = "text/plain; charset=utf-8"
        return _plain_text(title, message), status, headers
    try:
        return render_template("errors/page.html", title=title, message=message), status, headers
    except SQLAlchemyError:
        # The layout asked the database about the user and failed: say it without the layout.
        _rollback()
        _forget_user()
    try:
        return render_template("errors/page.html", title=title, message=message), status, headers
    except Exception:  # noqa: BLE001 - an error page must answer whatever else broke
        headers["Content-Type"] = "text/plain; charset=utf-8"
        return _plain_text(title, message), status, headers


def _plain_text(title, message) -> str:
    try:
        return f"{title}. {message}\n"
    except SQLAlchemyError:  # choosing the language asked the database about the user
        _rollback()
        _forget_user()
        return f"{title}. {message}\n"


# SQLite's primary result codes for "busy, locked, out of memory, I/O, disk full, cannot
# open"; its other OperationalErrors ("no such table") are bugs, not outages.
_SQLITE_UNAVAILABLE = {5, 6, 7, 10, 13, 14}
# PostgreSQL's SQLSTATE classes for connection trouble, too many clients, shutting down.
_POSTGRES_UNAVAILABLE = {"08", "53", "57"}


def database_unreachable(error: Exception) -> bool:
    """Errors that say the database is down or busy, not that our query is wrong."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlite_code = getattr(error.orig, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in _SQLITE_UNAVAILABLE
    state = getattr(error.orig, "sqlstate", None)
    return state is None or state[:2] in _POSTGRES_UNAVAILABLE


@bp.app_errorhandler(BadRequest)
def bad_request(error: BadRequest):
    message = error.description
    if not message or message == BadRequest.description:
        message = _l("The request could not be read. Go back, check what you entered, and retry.")
    return _page(400, UNREADABLE, message)


@bp.app_errorhandler(NotFound)
def not_found(error: NotFound):
    return _page(
        404,
        _l("Page not found"),
        _l("There is no page at this address. It may have been removed, or the link is mistyped."),
    )


@bp.app_errorhandler(DataError)
def data_refused(error: DataError):
    """A value the database refuses (out of range, malformed): the request's fault, 400."""
    _rollback()
    current_app.logger.warning("Database refused a value: %s", error.orig)
    return _page(
        400,
        UNREADABLE,
        _l("A value in the request is out of range or not allowed. Go back and check it."),
    )


@bp.app_errorhandler(DBAPIError)
@bp.app_errorhandler(PoolTimeout)
def database_error(error: SQLAlchemyError):
    _rollback()
    if not database_unreachable(error):
        raise error  # a bug, not an outage: the 500 page below answers
    current_app.logger.error("Database unreachable: %s", error)
    return _page(
        503,
        _l("Temporarily unavailable"),
        UNAVAILABLE,
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
        offline=True,
    )


@bp.app_errorhandler(InternalServerError)
def server_error(error: InternalServerError):
    _rollback()
    original = getattr(error, "original_exception", None)
    if original is not None and database_unreachable(original):
        return database_error(original)
    return _page(
        500,
        _l("Something went wrong"),
        _l(
            "The page could not be shown because of an error on our side. It has been logged; "
            "try again, and tell the coordinator if it keeps happening."
        ),
    )


@bp.app_errorhandler(HTTPException)
def other_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    # Keep what the error says in headers (Allow on 405, WWW-Authenticate on 401).
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    title, message = error.name, error.description or ""
    if error.code in _OTHER_ERRORS:
        title = _OTHER_ERRORS[error.code][0]
        if message == type(error).description:
            message = _OTHER_ERRORS[error.code][1]
    return _page(error.code, title, message, headers)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
