"""iCal feeds: the public calendar, one event, a private feed per user, and its page."""

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
from flask_login import current_user, login_required
from werkzeug.http import is_resource_modified

from app.auth.permissions import can_see_internal, can_see_meeting_link
from app.errors import DomainError
from app.feeds import logmask, services
from app.feeds import models as _models  # noqa: F401  (the feed_state table and its listener)
from app.feeds.queries import the_project
from app.redirects import safe_next

bp = Blueprint("feeds", __name__)


@bp.record_once
def _mask_tokens_in_logs(state) -> None:
    logmask.install(state.app.logger)


def _plain(message: str, status: int) -> Response:
    return Response(message + "\n", status=status, mimetype="text/plain")


def _project_or_404():
    project = the_project()
    if project is None:
        abort(_plain("There is no partnership yet, so no calendar.", 404))
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
    project = _project_or_404()
    try:
        spec = services.public_feed(project, request.args.get("partner"), request.args.get("kind"))
    except DomainError as error:
        return _plain(error.message, 404)
    return _serve(spec, f"{project.acronym.lower()}.ics")


@bp.get("/events/<int:event_id>.ics")
def event_calendar(event_id: int):
    """One event (an internal one, and the meeting link, only for signed-in readers)."""
    project = _project_or_404()
    signed_in = can_see_internal()
    spec = services.event_feed(
        project, event_id, include_internal=signed_in, meeting_links=can_see_meeting_link()
    )
    response = _serve(
        spec,
        f"event-{event_id}.ics",
        private=signed_in or spec.meeting_links,
        missing=f"There is no event {event_id}.",
    )
    response.vary.add("Cookie")  # what it holds depends on who is signed in
    return response


@bp.get("/calendar/private/<token>.ics")
def private_calendar(token: str):
    """Public and internal events, at a URL only its owner knows."""
    project = _project_or_404()
    user = services.user_by_feed_token(token)
    if user is None:
        return _plain("This calendar address is not (or no longer) valid.", 404)
    try:
        spec = services.private_feed(
            project, user, request.args.get("partner"), request.args.get("kind")
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
        "Your private calendar has a new address. The old one no longer works: "
        "subscribe again with the new one."
    )
    return redirect(_back(request.form.get("next")))


@bp.app_template_global()
def calendar_links(path: str) -> dict[str, str]:
    """Subscribe links for a feed path: https (to copy), webcal (Apple, Outlook), Google."""
    return services.subscribe_links(path)


@bp.app_template_global()
def private_calendar_path(user) -> str:
    return url_for("feeds.private_calendar", token=user.feed_token)
