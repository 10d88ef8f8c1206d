"""Creating events from local wall-clock input; the CLI and the screens call these."""

from datetime import date, datetime, timedelta

from blinker import Namespace
from sqlalchemy import select

from app.enums import EventFormat, EventKind, EventStatus
from app.errors import DomainError
from app.events.models import Attendance, Event, EventSession
from app.extensions import db
from app.input_rules import fits, one_line, text_block, web_address
from app.partners.models import Partner, Person, Project, Venue
from app.timezones import day_bounds_utc, in_zone, local_to_utc, zone


def partner_by_code(project: Project, code: str) -> Partner:
    partner = db.session.scalar(
        select(Partner).where(Partner.project_id == project.id, Partner.code == code)
    )
    if partner is None:
        raise DomainError(f"No partner has the code {code!r}.", "partner")
    return partner


# Dates outside these years are typing mistakes; beyond them calendars and date arithmetic
# fail, so no event or session is stored there.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def event_span(
    start: datetime | date, end: datetime | date, zone_name: str
) -> tuple[datetime, datetime, bool]:
    """UTC instants for a local start and end; dates (not datetimes) make an all-day event.

    For an all-day event `end` is the last day, inclusive.
    """
    zone(zone_name)
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise DomainError("Give both start and end as dates, or both with a time.", "ends_at")
    for day, field in ((start, "starts_at"), (end, "ends_at")):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise DomainError(
                f"{day.year} is outside the years this programme plans for: "
                f"give a date from {FIRST_YEAR} to {LAST_YEAR}.",
                field,
            )
    if isinstance(start, datetime):
        starts_at = local_to_utc(start, zone_name, "start_time")
        ends_at = local_to_utc(end, zone_name, "end_time")
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
    title = fits(one_line(title), 200, "title")
    if not title:
        raise DomainError("An event needs a title.", "title")
    _clean_texts(fields)
    starts_at, ends_at, all_day = event_span(start, end, timezone)
    event = Event(
        project=project,
        kind=kind,
        number=number,
        title=title,
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


def _clean_texts(fields: dict) -> None:
    """Free text every feed and page can carry: no control characters; a link that is one."""
    for name, limit in (("location", 300), ("online_platform", 80)):
        if name in fields:
            fields[name] = fits(one_line(fields[name]), limit, name)
    if "description" in fields:
        fields["description"] = text_block(fields["description"])
    if "online_url" in fields:
        link = web_address(fields["online_url"], "online_url", "The meeting link")
        fields["online_url"] = fits(link, 500, "online_url")


# --- Changing an event: the screens call these; each validates before it changes anything.

_signals = Namespace()
#: Sent as `event_held.send(event)` by `mark_held`, before the caller commits. Other areas
#: (practices: a study visit held moves its transfers to "studied") connect to it.
event_held = _signals.signal("event-held")
#: Sent as `event_changed.send(event, changes=[field, ...])` after any change a calendar sees.
event_changed = _signals.signal("event-changed")

# Fields a subscribed calendar must see change: each change bumps Event.revision (SEQUENCE).
CALENDAR_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "all_day",
    "timezone",
    "format",
    "venue_id",
    "location",
    "online_platform",
    "online_url",
    "status",
    "is_public",
)

STALE_MESSAGE = (
    "Someone else saved a change to this event after you opened the form. "
    "Reload the page to see their change, then make yours again."
)


def version_of(event: Event) -> str:
    """What a form remembers of the event it was loaded from (see `check_fresh`)."""
    stamp = event.updated_at.isoformat() if event.updated_at else ""
    return f"{event.revision}/{stamp}"


def check_fresh(event: Event, seen: str | None) -> None:
    """Refuse a form loaded before someone else's save, rather than overwrite their change."""
    if seen and seen != version_of(event):
        raise DomainError(STALE_MESSAGE, "version")


def _touch(event: Event) -> None:
    from app.db_types import utcnow

    event.updated_at = utcnow()


def _agenda_changed(event: Event) -> None:
    """Sessions are calendar entries of their own (SEQUENCE from the event's revision):
    any change to the agenda is a change subscribed calendars must see."""
    event.revision = (event.revision or 1) + 1
    _touch(event)
    event_changed.send(event, changes=["sessions"])


def _apply(event: Event, values: dict) -> list[str]:
    """Assign `values`; bump the revision once if a calendar-visible field changed."""
    changed = [name for name, value in values.items() if getattr(event, name) != value]
    for name in changed:
        setattr(event, name, values[name])
    visible = [name for name in changed if name in CALENDAR_FIELDS]
    if visible:
        event.revision = (event.revision or 1) + 1
    if changed:
        _touch(event)
    if visible:
        event_changed.send(event, changes=visible)
    return changed


def scheduling_warnings(
    project: Project,
    *,
    starts_at: datetime,
    ends_at: datetime,
    partners: list[Partner],
    venue: Venue | None = None,
    expected_attendance: int | None = None,
    exclude_event_id: int | None = None,
) -> list[str]:
    """What a coordinator should know before saving: overlaps and a too-small venue."""
    from app.events.models import event_participant

    warnings = []
    ids = {p.id for p in partners}
    if ids:
        query = (
            select(Event)
            .join(event_participant, event_participant.c.event_id == Event.id)
            .where(
                Event.project_id == project.id,
                event_participant.c.partner_id.in_(ids),
                Event.starts_at < ends_at,
                Event.ends_at > starts_at,
                Event.status != EventStatus.CANCELLED.value,
            )
            .order_by(Event.starts_at)
            .distinct()
        )
        if exclude_event_id is not None:
            query = query.where(Event.id != exclude_event_id)
        for other in db.session.scalars(query):
            busy = sorted(p.city for p in other.participants if p.id in ids)
            warnings.append(
                f"{', '.join(busy)} already {'has' if len(busy) == 1 else 'have'} "
                f"an overlapping event: {other.display_title} "
                f"({in_zone(other.starts_at, other.timezone):%-d %b %Y})."
            )
    if venue is not None and venue.capacity and expected_attendance:
        if expected_attendance > venue.capacity:
            warnings.append(
                f"{venue.name} seats {venue.capacity}, fewer than the "
                f"{expected_attendance} people expected."
            )
    return warnings


def update_event(
    event: Event,
    *,
    seen_version: str | None = None,
    start: datetime | date | None = None,
    end: datetime | date | None = None,
    participants: list[Partner] | None = None,
    **fields,
) -> list[str]:
    """Change an event's fields (and its time, from local wall-clock input in its zone).

    Returns the names of the changed fields. Raises DomainError before changing anything.
    """
    check_fresh(event, seen_version)
    if "kind" in fields:
        try:
            EventKind(fields["kind"])
        except ValueError:
            raise DomainError(f"Unknown event kind {fields['kind']!r}.", "kind") from None
    if "title" in fields:
        fields["title"] = fits(one_line(fields["title"]), 200, "title")
        if not fields["title"]:
            raise DomainError("An event needs a title.", "title")
    _clean_texts(fields)
    zone_name = fields.get("timezone", event.timezone)
    zone(zone_name)
    if start is not None or end is not None:
        if start is None or end is None:
            raise DomainError("Give both the start and the end.", "ends_at")
        starts_at, ends_at, all_day = event_span(start, end, zone_name)
        fields.update(starts_at=starts_at, ends_at=ends_at, all_day=all_day)
    changed = _apply(event, fields)
    if participants is not None:
        host = fields.get("host") or event.host
        new = sorted({host, *participants}, key=lambda p: p.code)
        if [p.id for p in new] != [p.id for p in event.participants]:
            event.participants = new
            changed.append("participants")
            _touch(event)
    return changed


def reschedule(event: Event, start: datetime | date, end: datetime | date) -> list[str]:
    """Move an event to a new local start and end in its own zone."""
    starts_at, ends_at, all_day = event_span(start, end, event.timezone)
    return _apply(event, {"starts_at": starts_at, "ends_at": ends_at, "all_day": all_day})


def _keep_original(event: Event) -> None:
    """Remember where and when the event was first planned; set once, never overwritten."""
    if event.original_starts_at is None:
        event.original_starts_at = event.starts_at
        event.original_ends_at = event.ends_at
        event.original_all_day = event.all_day
    if not event.original_location:
        event.original_location = event.place


def _require_open(event: Event, action: str) -> None:
    if event.status == EventStatus.CANCELLED:
        raise DomainError(f"A cancelled event cannot be {action}.", "status")
    if event.status == EventStatus.HELD:
        raise DomainError(f"An event already held cannot be {action}.", "status")


def postpone(
    event: Event,
    start: datetime | date | None = None,
    end: datetime | date | None = None,
    *,
    seen_version: str | None = None,
) -> list[str]:
    """Mark postponed, to new dates when given (else to be decided); keep the original plan."""
    check_fresh(event, seen_version)
    _require_open(event, "postponed")
    values: dict = {"status": EventStatus.POSTPONED.value}
    if start is not None or end is not None:
        if start is None or end is None:
            raise DomainError("Give both the new start and the new end.", "ends_at")
        starts_at, ends_at, all_day = event_span(start, end, event.timezone)
        values.update(starts_at=starts_at, ends_at=ends_at, all_day=all_day)
    _keep_original(event)
    return _apply(event, values)


def move_online(
    event: Event, platform: str = "", url: str = "", *, seen_version: str | None = None
) -> list[str]:
    """Hold the event online; the place it was planned at is kept."""
    check_fresh(event, seen_version)
    _require_open(event, "moved online")
    url = fits(web_address(url, "online_url", "The meeting link"), 500, "online_url")
    platform = fits(one_line(platform), 80, "online_platform")
    if not event.original_location:
        event.original_location = event.place
    return _apply(
        event,
        {
            "format": EventFormat.ONLINE.value,
            "online_platform": platform,
            "online_url": url,
        },
    )


def cancel(event: Event, *, seen_version: str | None = None) -> list[str]:
    """Cancel: the event stays, marked cancelled, so calendars show it cancelled."""
    check_fresh(event, seen_version)
    if event.status == EventStatus.CANCELLED:
        raise DomainError("The event is cancelled already.", "status")
    if event.status == EventStatus.HELD:
        raise DomainError("An event already held cannot be cancelled.", "status")
    return _apply(event, {"status": EventStatus.CANCELLED.value})


def mark_held(event: Event, *, seen_version: str | None = None, now: datetime | None = None):
    """Record that the event took place. Sends `event_held` for other areas to follow up."""
    from app.db_types import utcnow

    check_fresh(event, seen_version)
    if event.status == EventStatus.CANCELLED:
        raise DomainError("A cancelled event cannot be marked held.", "status")
    if event.status == EventStatus.HELD:
        raise DomainError("The event is marked held already.", "status")
    if event.starts_at > (now or utcnow()):
        raise DomainError("An event can be marked held only once it has started.", "status")
    changed = _apply(event, {"status": EventStatus.HELD.value})
    event_held.send(event)
    return changed


def add_session(
    event: Event,
    *,
    title: str,
    start: datetime,
    end: datetime,
    kind: str = "seminar",
    description: str = "",
    experts: list[Person] = (),
) -> EventSession:
    """Add an agenda item; times are local wall-clock times in the event's zone."""
    session = EventSession(**_session_values(event, title, kind, start, end, description, experts))
    event.sessions.append(session)
    _agenda_changed(event)
    return session


def _session_values(event, title, kind, start, end, description, experts) -> dict:
    from app.enums import SessionKind

    title = fits(one_line(title), 300, "title")
    if not title:
        raise DomainError("A session needs a title.", "title")
    try:
        SessionKind(kind)
    except ValueError:
        raise DomainError(f"Unknown session kind {kind!r}.", "kind") from None
    starts_at, ends_at, _ = event_span(start, end, event.timezone)
    slack = timedelta(hours=12)
    if starts_at < event.starts_at - slack or ends_at > event.ends_at + slack:
        raise DomainError(
            "The session must fall within the event's dates "
            f"({in_zone(event.starts_at, event.timezone):%-d %b %Y} to "
            f"{in_zone(event.ends_at, event.timezone):%-d %b %Y}).",
            "start_date",
        )
    return dict(
        title=title,
        kind=kind,
        description=text_block(description),
        starts_at=starts_at,
        ends_at=ends_at,
        experts=list(experts),
    )


def update_session(
    event: Event,
    session: EventSession,
    *,
    title: str,
    start: datetime,
    end: datetime,
    kind: str = "seminar",
    description: str = "",
    experts: list[Person] = (),
) -> EventSession:
    """Change an agenda item; validated as a whole before anything changes."""
    if session not in event.sessions:
        raise DomainError("That session belongs to another event.", "session")
    values = _session_values(event, title, kind, start, end, description, experts)
    for name, value in values.items():
        setattr(session, name, value)
    _agenda_changed(event)
    return session


def remove_session(event: Event, session: EventSession) -> None:
    if session not in event.sessions:
        raise DomainError("That session belongs to another event.", "session")
    event.sessions.remove(session)
    _agenda_changed(event)


def set_attendance(event: Event, partner: Partner, staff: int, stakeholders: int) -> Attendance:
    """How many of a partner's staff and local stakeholders took part."""
    for value, name in ((staff, "staff_count"), (stakeholders, "stakeholder_count")):
        if value is None or value < 0:
            raise DomainError("Give a number of people, 0 or more.", name)
    if partner.id not in {p.id for p in event.participants}:
        raise DomainError(f"{partner.city} does not take part in this event.", "partner")
    row = next((a for a in event.attendance if a.partner_id == partner.id), None)
    if row is None:
        row = Attendance(partner=partner, staff_count=0, stakeholder_count=0)
        event.attendance.append(row)
    row.staff_count, row.stakeholder_count = staff, stakeholders
    _touch(event)
    return row
