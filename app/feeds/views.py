"""iCal feeds: the public calendar, one event, a private feed per user, and its page.

A feed is read by a calendar app, not a browser, so the page's language does not apply:
its own words are in the language `?lang=xx` names; without it, a private feed speaks its
owner's account language and the other feeds English (existing subscriptions keep theirs).
"""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.http import is_resource_modified

from app.auth.permissions import can_see_internal, can_see_meeting_link
from app.errors import DomainError
from app.feeds import logmask, services
from app.feeds import models as _models  # noqa: F401  (the feed_state table and its listener)
from app.feeds.queries import the_project
from app.formatting import DEFAULT_LANGUAGE
from app.i18n import LANGUAGES, current_language
from app.redirects import safe_next

bp = Blueprint("feeds", __name__)


@bp.record_once
def _mask_tokens_in_logs(state) -> None:
    logmask.install(state.app.logger)


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def feed_language(owner=None) -> str:
    """The language of a feed's own words: `?lang=xx`, else the private feed's owner's
    account language, else English. Never the cookie or Accept-Language."""
    code = request.args.get("lang", "")
    if code in LANGUAGES:
        return code
    if owner is not None and getattr(owner, "language", None) in LANGUAGES:
        return owner.language
    return DEFAULT_LANGUAGE


def _project_or_404(lang: str):
    project = the_project()
    if project is None:
        with force_locale(lang):
            abort(_plain(_("There is no partnership yet, so no calendar."), 404))
    return project


def _serve(
    spec: services.FeedSpec, filename: str, private: bool = False, missing: str | None = None
) -> Response:
    """The feed with its validators; 304 when the client has it; 404 if `missing` and empty."""

    def client_has(etag, last_modified) -> bool:
        return not is_resource_modified(request.environ, etag=etag, last_modified=last_modified)

    feed = services.feed_for(spec, client_has)
    if missing and feed.count == 0:
        return _plain(missing, 404)
    if feed.body is None:
        response = Response(status=304)
    else:
        response = Response(feed.body, status=200)
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.set_etag(feed.etag)
    if feed.last_modified is not None:
        response.last_modified = feed.last_modified
    response.cache_control.no_cache = True
    if private:
        response.cache_control.private = True
        response.headers["Referrer-Policy"] = "no-referrer"
    else:
        response.cache_control.public = True
    if feed.body is not None:
        response = response.make_conditional(request)
    return response


@bp.get("/calendar.ics")
def public_calendar():
    """The partnership's public events; ?partner=CODE and ?kind=KIND narrow it."""
    lang = feed_language()
    project = _project_or_404(lang)
    try:
        spec = services.public_feed(
            project, request.args.get("partner"), request.args.get("kind"), lang=lang
        )
    except DomainError as error:
        return _plain(error.message, 404)
    return _serve(spec, f"{project.acronym.lower()}.ics")


@bp.get("/events/<int:event_id>.ics")
def event_calendar(event_id: int):
    """One event (an internal one, and the meeting link, only for signed-in readers)."""
    lang = feed_language()
    project = _project_or_404(lang)
    signed_in = can_see_internal()
    spec = services.event_feed(
        project,
        event_id,
        include_internal=signed_in,
        meeting_links=can_see_meeting_link(),
        lang=lang,
    )
    with force_locale(lang):
        missing = _("There is no event %(number)s.", number=event_id)
    response = _serve(
        spec, f"event-{event_id}.ics", private=signed_in or spec.meeting_links, missing=missing
    )
    response.vary.add("Cookie")  # what it holds depends on who is signed in
    return response


@bp.get("/calendar/private/<token>.ics")
def private_calendar(token: str):
    """Public and internal events, at a URL only its owner knows."""
    project = _project_or_404(feed_language())
    user = services.user_by_feed_token(token)
    if user is None:
        with force_locale(feed_language()):
            return _plain(_("This calendar address is not (or no longer) valid."), 404)
    lang = feed_language(user)
    try:
        spec = services.private_feed(
            project, user, request.args.get("partner"), request.args.get("kind"), lang=lang
        )
    except DomainError as error:
        return _plain(error.message, 404)
    return _serve(spec, f"{project.acronym.lower()}-private.ics", private=True)


@bp.get("/account/calendar")
@login_required
def account_calendar():
    return render_template("feeds/account_calendar.html", project=the_project())


def _back(target: str | None) -> str:
    return safe_next(target, default=url_for("feeds.account_calendar"))


@bp.get("/account/calendar/reset")
@login_required
def confirm_reset_private_calendar():
    """Ask first: the old address stops working for every calendar subscribed with it."""
    return render_template(
        "feeds/confirm_reset.html", project=the_project(), back=_back(request.args.get("next"))
    )


@bp.post("/account/calendar/reset")
@login_required
def reset_private_calendar():
    if request.form.get("confirm") != "yes":
        back = _back(request.form.get("next"))
        return redirect(url_for("feeds.confirm_reset_private_calendar", next=back)), 303
    services.reset_feed_token(current_user)
    current_app.logger.info("User %s reset their private calendar address.", current_user.id)
    flash(
        _(
            "Your private calendar has a new address. The old one no longer works: "
            "subscribe again with the new one."
        )
    )
    return redirect(_back(request.form.get("next")))


def in_reader_language(path: str) -> str:
    """A feed path that carries the reader's current language (`?lang=xx`), so the
    subscribed calendar reads as the page did; English, the feeds' default, adds nothing."""
    lang = current_language()
    if lang == DEFAULT_LANGUAGE:
        return path
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@bp.app_template_global()
def calendar_links(path: str) -> dict[str, str]:
    """Subscribe links for a feed path, in the reader's language: https (to copy), webcal
    (Apple, Outlook), Google."""
    return services.subscribe_links(in_reader_language(path))


@bp.app_template_global()
def feed_url(endpoint: str, **values) -> str:
    """`url_for` a feed, in the reader's language (the event page's "Add to calendar")."""
    return in_reader_language(url_for(endpoint, **values))


@bp.app_template_global()
def private_calendar_path(user) -> str:
    return url_for("feeds.private_calendar", token=user.feed_token)
