"""Creating events from local wall-clock input; the CLI and the screens call these."""

from datetime import date, datetime

from sqlalchemy import select

from app.enums import EventFormat, EventKind, EventStatus
from app.errors import DomainError
from app.events.models import Event
from app.extensions import db
from app.partners.models import Partner, Project
from app.timezones import day_bounds_utc, local_to_utc, zone


def partner_by_code(project: Project, code: str) -> Partner:
    partner = db.session.scalar(
        select(Partner).where(Partner.project_id == project.id, Partner.code == code)
    )
    if partner is None:
        raise DomainError(f"No partner has the code {code!r}.", "partner")
    return partner


def event_span(
    start: datetime | date, end: datetime | date, zone_name: str
) -> tuple[datetime, datetime, bool]:
    """UTC instants for a local start and end; dates (not datetimes) make an all-day event.

    For an all-day event `end` is the last day, inclusive.
    """
    zone(zone_name)
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise DomainError("Give both start and end as dates, or both with a time.", "ends_at")
    if isinstance(start, datetime):
        starts_at, ends_at = local_to_utc(start, zone_name), local_to_utc(end, zone_name)
        if ends_at <= starts_at:
            raise DomainError("The end is before the start.", "ends_at")
        return starts_at, ends_at, False
    if end < start:
        raise DomainError("The last day is before the first day.", "ends_at")
    starts_at, ends_at = day_bounds_utc(start, end, zone_name)
    return starts_at, ends_at, True


def create_event(
    project: Project,
    *,
    kind: str,
    title: str,
    host: Partner,
    start: datetime | date,
    end: datetime | date,
    timezone: str,
    participants: list[Partner] = (),
    number: int | None = None,
    format: str = EventFormat.IN_PERSON.value,
    status: str = EventStatus.PLANNED.value,
    is_public: bool = True,
    **fields,
) -> Event:
    """Validate and add an event to the session (the caller commits)."""
    try:
        EventKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in EventKind)
        raise DomainError(f"Unknown event kind {kind!r}: use one of {kinds}.", "kind") from None
    if not title.strip():
        raise DomainError("An event needs a title.", "title")
    starts_at, ends_at, all_day = event_span(start, end, timezone)
    event = Event(
        project=project,
        kind=kind,
        number=number,
        title=title.strip(),
        host=host,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        all_day=all_day,
        format=format,
        status=status,
        is_public=is_public,
        **fields,
    )
    event.participants = sorted({host, *participants}, key=lambda p: p.code)
    db.session.add(event)
    return event
