"""Who is calling the API: a personal token (`Authorization: Bearer …`) or nobody.

Cookies are never read here: a browser's session cannot be borrowed by a page that posts
to the API, so the API needs no CSRF token. Anonymous callers read what the public reads.
"""

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from app.api.models import ApiToken
from app.api.spec import api_error
from app.api.tokens import note_use, token_for
from app.extensions import db, login_manager


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not value.strip():
        return ""
    return value.strip()


def authenticate() -> None:
    """Before every API request: set the caller as Flask-Login's user for this request."""
    raw = _bearer()
    g.api_token = None
    if raw is None:
        g._login_user = login_manager.anonymous_user()
        return
    token = token_for(raw)
    if token is None:
        g._login_user = login_manager.anonymous_user()
        api_error(
            401,
            _("The API token is unknown or revoked: create one on your account page."),
            "Authorization",
            {"WWW-Authenticate": 'Bearer realm="api"'},
        )
    g.api_token = token
    g._login_user = token.user
    if note_use(token):
        db.session.commit()


def calling_token() -> ApiToken | None:
    return g.get("api_token")


def require_write() -> None:
    """Changes need a token with the write scope (401 without a token, 403 with a read one)."""
    token = calling_token()
    if token is None or not current_user.is_authenticated:
        api_error(
            401,
            _("Changes need an API token: send it as “Authorization: Bearer <token>”."),
            "Authorization",
            {"WWW-Authenticate": 'Bearer realm="api"'},
        )
    if not token.may_write:
        api_error(403, _("This API token may only read: create one that may write."), None)
