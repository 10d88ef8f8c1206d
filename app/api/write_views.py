"""Changing the programme through the API: the same services and permission checks as the
event pages. A token with the write scope is needed; `If-Match: <version>` refuses a change
made on top of someone else's (412), as the forms do with their version field."""

from datetime import date, datetime

from flask import request
from flask_babel import gettext as _
from spectree import Response
from sqlalchemy.orm.exc import StaleDataError

from app.api import queries, schemas, serialize
from app.api.auth import require_write
from app.api.read_views import TAG_PROGRAMME, project_or_404, visible_event_or_404
from app.api.spec import WRITE_ERRORS, api, api_error
from app.api.views import bp
from app.auth import permissions as can
from app.errors import DomainError
from app.events import services
from app.events.models import Event, EventSession
from app.extensions import db
from app.partners.models import Partner, Project
from app.timezones import choose_fold, zone

#: Service field names, as the API's bodies call them.
FIELD_NAMES = {
    "starts_at": "start",
    "start_date": "start",
    "start_time": "start",
    "ends_at": "end",
    "end_date": "end",
    "end_time": "end",
    "online_url": "online_url",
}


def _refused(error: DomainError):
    db.session.rollback()
    field = FIELD_NAMES.get(error.field or "", error.field)
    api_error(400, error.message, field)


def _local(value: str, zone_name: str, fold: str | None, field: str) -> date | datetime:
    """'2026-03-05' (a day) or '2026-03-05T10:00' (a wall-clock time in `zone_name`)."""
    try:
        moment = date.fromisoformat(value) if "T" not in value else datetime.fromisoformat(value)
    except ValueError:
        api_error(400, _("%(value)s is not a date or a time.", value=repr(value)), field)
    services.check_year(moment, field)
    if not isinstance(moment, datetime):
        return moment
    return choose_fold(moment, zone_name, fold, field)


def _partners(project: Project, codes: list[str]) -> list[Partner]:
    return [queries.partner_or_400(project, code, "participants") for code in codes]


def _editable(event_id: int) -> Event:
    require_write()
    event = visible_event_or_404(event_id)
    if not can.can_edit_event(event):
        api_error(403, _("Only the host's editors and coordinators change this event."))
    _check_if_match(event)
    return event


def _check_if_match(event: Event) -> None:
    """`If-Match: <version>` (quoted or not, or the ETag of the event's GET): refuse when
    the event changed since."""
    wanted = request.headers.get("If-Match")
    if not wanted or wanted.strip() == "*":
        return
    given = {part.strip().removeprefix("W/").strip('"') for part in wanted.split(",")}
    if str(event.version) not in given:
        api_error(
            412,
            _(
                "Someone else changed this event after you read it (it is at version "
                "%(version)d): read it again and retry.",
                version=event.version,
            ),
            "If-Match",
        )


def _commit(event: Event) -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        api_error(409, _("Someone else changed this event at the same moment: read it again."))


def _written(event: Event, warnings: list[str], status: int = 200):
    db.session.refresh(event)
    event = visible_event_or_404(event.id)
    return schemas.EventWritten(event=serialize.event(event), warnings=warnings), status


@bp.post("/events")
@api.validate(
    json=schemas.EventIn,
    resp=Response(HTTP_201=schemas.EventWritten, **WRITE_ERRORS),
    tags=[TAG_PROGRAMME],
)
def create_event(json: schemas.EventIn):
    """Schedule an event. Times are wall-clock times where it happens; the answer lists what
    the form would have warned about (overlaps, public holidays, reporting periods)."""
    require_write()
    if not can.can_create_events():
        api_error(403, _("Only coordinators and partner editors schedule events."))
    project = project_or_404()
    host = queries.partner_or_400(project, json.host, "host")
    if not can.can_host_events_for(host.id):
        api_error(403, _("You may schedule only events your own partner hosts."), "host")
    try:
        zone_name = json.timezone or host.timezone
        zone(zone_name)
        start = _local(json.start, zone_name, json.fold, "start")
        end = _local(json.end, zone_name, json.fold, "end")
        visitors = _partners(project, json.participants)
        starts_at, ends_at, _all_day = services.event_span(start, end, zone_name)
        warnings = services.scheduling_warnings(
            project,
            starts_at=starts_at,
            ends_at=ends_at,
            partners=[host, *visitors],
            expected_attendance=json.expected_attendance,
            zone_name=zone_name,
        ) + services.period_warnings(project, starts_at, zone_name)
        event = services.create_event(
            project,
            kind=json.kind.value,
            title=json.title,
            host=host,
            start=start,
            end=end,
            timezone=zone_name,
            participants=visitors,
            number=json.number,
            format=json.format.value,
            status=json.status,
            is_public=json.is_public,
            description=json.description,
            location=json.location,
            online_platform=json.online_platform,
            online_url=json.online_url,
            expected_attendance=json.expected_attendance,
        )
        db.session.flush()
    except DomainError as error:
        _refused(error)
    _commit(event)
    return _written(event, [str(w) for w in warnings], 201)


@bp.patch("/events/<int:event_id>")
@api.validate(
    json=schemas.EventChange,
    resp=Response(HTTP_200=schemas.EventWritten, **WRITE_ERRORS),
    tags=[TAG_PROGRAMME],
)
def edit_event(event_id: int, json: schemas.EventChange):
    """Change an event: only the fields sent. New dates move its agenda along."""
    event = _editable(event_id)
    project = event.project
    given = json.model_dump(exclude_unset=True)
    times = {name: given.pop(name) for name in ("start", "end", "fold") if name in given}
    outside = given.pop("outside_sessions", None)
    codes = given.pop("participants", None)
    given = {name: value for name, value in given.items() if value is not None}
    for name in ("kind", "format"):
        if name in given:
            given[name] = str(given[name])
    try:
        start = end = None
        if "start" in times or "end" in times:
            if times.get("start") is None or times.get("end") is None:
                raise DomainError(_("Give both the start and the end."), "end")
            start = _local(times["start"], event.timezone, times.get("fold"), "start")
            end = _local(times["end"], event.timezone, times.get("fold"), "end")
        participants = _partners(project, codes) if codes is not None else None
        warnings = []
        if start is not None:
            starts_at, ends_at, _all_day = services.event_span(start, end, event.timezone)
            warnings = services.change_warnings(
                event,
                starts_at=starts_at,
                ends_at=ends_at,
                zone_name=event.timezone,
                host=event.host,
                partners=participants if participants is not None else list(event.participants),
                venue=event.venue,
                expected_attendance=given.get("expected_attendance", event.expected_attendance),
            )
        services.update_event(
            event,
            start=start,
            end=end,
            participants=participants,
            outside_sessions=outside,
            **given,
        )
        db.session.flush()
    except DomainError as error:
        _refused(error)
    _commit(event)
    return _written(event, [str(w) for w in warnings])


@bp.post("/events/<int:event_id>/postpone")
@api.validate(
    json=schemas.PostponeIn,
    resp=Response(HTTP_200=schemas.EventWritten, **WRITE_ERRORS),
    tags=[TAG_PROGRAMME],
)
def postpone_event(event_id: int, json: schemas.PostponeIn):
    """Postpone, to new dates or to be decided; the first plan is kept."""
    event = _editable(event_id)
    try:
        start = end = None
        if json.start is not None or json.end is not None:
            if json.start is None or json.end is None:
                raise DomainError(_("Give both the new start and the new end."), "end")
            start = _local(json.start, event.timezone, json.fold, "start")
            end = _local(json.end, event.timezone, json.fold, "end")
        warnings = services.postpone_warnings(event, start, end)
        services.postpone(event, start, end, outside_sessions=json.outside_sessions)
        db.session.flush()
    except DomainError as error:
        _refused(error)
    _commit(event)
    return _written(event, [str(w) for w in warnings])


@bp.post("/events/<int:event_id>/cancel")
@api.validate(resp=Response(HTTP_200=schemas.EventWritten, **WRITE_ERRORS), tags=[TAG_PROGRAMME])
def cancel_event(event_id: int):
    """Cancel: the event stays, marked cancelled, so calendars show it cancelled."""
    event = _editable(event_id)
    try:
        services.cancel(event)
        db.session.flush()
    except DomainError as error:
        _refused(error)
    _commit(event)
    return _written(event, [])


def _session_of(event: Event, session_id: int) -> EventSession:
    for session in event.sessions:
        if session.id == session_id:
            return session
    api_error(404, _("The event has no session with the id %(id)d.", id=session_id))


def _session_times(event: Event, json: schemas.SessionIn) -> tuple[datetime, datetime]:
    start = _local(json.start, event.timezone, json.fold, "start")
    end = _local(json.end, event.timezone, json.fold, "end")
    return start, end


def _session_written(event: Event, session_id: int, status: int = 200):
    event = visible_event_or_404(event.id)
    session = _session_of(event, session_id)
    return (
        schemas.SessionWritten(
            session=serialize.session(session, event.timezone), event=serialize.event(event)
        ),
        status,
    )


@bp.post("/events/<int:event_id>/sessions")
@api.validate(
    json=schemas.SessionIn,
    resp=Response(HTTP_201=schemas.SessionWritten, **WRITE_ERRORS),
    tags=[TAG_PROGRAMME],
)
def add_session(event_id: int, json: schemas.SessionIn):
    """Add a session to the agenda; times are wall-clock times in the event's zone."""
    event = _editable(event_id)
    try:
        start, end = _session_times(event, json)
        session = services.add_session(
            event,
            title=json.title,
            start=start,
            end=end,
            kind=json.kind.value,
            description=json.description,
        )
        db.session.flush()
    except DomainError as error:
        _refused(error)
    session_id = session.id
    _commit(event)
    return _session_written(event, session_id, 201)


@bp.put("/events/<int:event_id>/sessions/<int:session_id>")
@api.validate(
    json=schemas.SessionIn,
    resp=Response(HTTP_200=schemas.SessionWritten, **WRITE_ERRORS),
    tags=[TAG_PROGRAMME],
)
def replace_session(event_id: int, session_id: int, json: schemas.SessionIn):
    """Change a session (its experts stay as they are)."""
    event = _editable(event_id)
    session = _session_of(event, session_id)
    try:
        start, end = _session_times(event, json)
        services.update_session(
            event,
            session,
            title=json.title,
            start=start,
            end=end,
            kind=json.kind.value,
            description=json.description,
            experts=list(session.experts),
        )
        db.session.flush()
    except DomainError as error:
        _refused(error)
    _commit(event)
    return _session_written(event, session_id)


@bp.delete("/events/<int:event_id>/sessions/<int:session_id>")
@api.validate(resp=Response("HTTP_204", **WRITE_ERRORS), tags=[TAG_PROGRAMME])
def remove_session(event_id: int, session_id: int):
    """Remove a session (restorable from the event's history for 30 days)."""
    event = _editable(event_id)
    session = _session_of(event, session_id)
    try:
        services.remove_session(event, session)
        db.session.flush()
    except DomainError as error:
        _refused(error)
    _commit(event)
    return "", 204
