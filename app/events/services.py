"""Creating events from local wall-clock input; the CLI and the screens call these."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from blinker import Namespace
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.enums import AttendanceSource, EventFormat, EventKind, EventStatus
from app.errors import DomainError, UnknownPeriod
from app.events.models import Attendance, Event, EventSession
from app.extensions import db
from app.formatting import format_clock, format_date, format_local
from app.holidays.services import holiday_warnings
from app.input_rules import fits, one_line, text_block, web_address
from app.partners.models import Partner, Person, Project, Venue
from app.timezones import day_bounds_utc, in_zone, local_to_utc, zone
from app.upserts import save_pair
from app.versioning import check_version, version_of  # noqa: F401  (forms call version_of)


def partner_by_code(project: Project, code: str) -> Partner:
    partner = db.session.scalar(
        select(Partner).where(Partner.project_id == project.id, Partner.code == code)
    )
    if partner is None:
        raise DomainError(_("No partner has the code %(code)s.", code=repr(code)), "partner")
    return partner


# Dates outside these years are typing mistakes; beyond them calendars and date arithmetic
# fail, so no event or session is stored there.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def check_year(day: date, field_name: str) -> None:
    """Refuse a day outside FIRST_YEAR to LAST_YEAR, before any zone arithmetic on it."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError(
            _(
                "%(year)d is outside the years this programme plans for: give a date "
                "from %(first)d to %(last)d.",
                year=day.year,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            ),
            field_name,
        )


def event_span(
    start: datetime | date, end: datetime | date, zone_name: str
) -> tuple[datetime, datetime, bool]:
    """UTC instants for a local start and end; dates (not datetimes) make an all-day event.

    For an all-day event `end` is the last day, inclusive.
    """
    zone(zone_name)
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise DomainError(_("Give both start and end as dates, or both with a time."), "ends_at")
    for day, field_name in ((start, "starts_at"), (end, "ends_at")):
        check_year(day, field_name)
    if isinstance(start, datetime):
        starts_at = local_to_utc(start, zone_name, "start_time")
        ends_at = local_to_utc(end, zone_name, "end_time")
        if ends_at <= starts_at:
            raise DomainError(_("The end is before the start."), "ends_at")
        return starts_at, ends_at, False
    if end < start:
        raise DomainError(_("The last day is before the first day."), "ends_at")
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
        raise DomainError(
            _("Unknown event kind %(kind)s: use one of %(kinds)s.", kind=repr(kind), kinds=kinds),
            "kind",
        ) from None
    title = fits(one_line(title), 200, "title")
    if not title:
        raise DomainError(_("An event needs a title."), "title")
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
        link = web_address(fields["online_url"], "online_url", _("The meeting link"))
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


def check_fresh(event: Event, seen: str | None) -> None:
    """Refuse a form loaded before someone else's save, rather than overwrite their change.

    `seen` None means no form (the CLI, other services); a form passes its field, and an
    empty or missing one is refused like a stale one. The database enforces the version
    again when the change is written (see app.versioning).
    """
    if seen is not None:
        check_version(event, seen)


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
    zone_name: str | None = None,
) -> list[str]:
    """What a coordinator should know before saving: overlaps, a too-small venue and, given
    the event's zone, the public holidays of `partners` (host and visitors) on its days."""
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
                # Translators: %(partners)s is one city or several, "Tartu, Gävle".
                ngettext(
                    "%(partners)s already has an overlapping event: %(event)s (%(date)s).",
                    "%(partners)s already have an overlapping event: %(event)s (%(date)s).",
                    len(busy),
                    partners=", ".join(busy),
                    event=other.display_title,
                    date=format_date(in_zone(other.starts_at, other.timezone)),
                )
            )
    if venue is not None and venue.capacity and expected_attendance:
        if expected_attendance > venue.capacity:
            warnings.append(
                _(
                    "%(venue)s seats %(capacity)d, fewer than the %(expected)d people expected.",
                    venue=venue.name,
                    capacity=venue.capacity,
                    expected=expected_attendance,
                )
            )
    if zone_name is not None:
        warnings += holiday_warnings(partners, starts_at, ends_at, zone_name)
    return warnings


def new_holiday_warnings(
    event: Event,
    *,
    starts_at: datetime,
    ends_at: datetime,
    zone_name: str,
    partners: list[Partner],
) -> list[str]:
    """The public holidays a change of days, zone or partners brings up: those of the new
    days and partners the event's present days and partners did not already fall on."""
    before = set(
        holiday_warnings(event.participants, event.starts_at, event.ends_at, event.timezone)
    )
    return [w for w in holiday_warnings(partners, starts_at, ends_at, zone_name) if w not in before]


def period_warnings(project: Project, starts_at: datetime, zone_name: str) -> list[str]:
    """An event may start outside the project's reporting periods (a preparatory meeting,
    a follow-up visit), but then it counts in no semester report: say so before saving."""
    day = in_zone(starts_at, zone_name).date()
    try:
        project.period_for(day)
    except UnknownPeriod:
        last = project.end_date - timedelta(days=1)
        return [
            # Translators: %(project)s is the project's acronym, "BETTER".
            _(
                "%(date)s is outside %(project)s's reporting periods (%(first)s to %(last)s): "
                "the event counts in no semester report.",
                date=format_date(day),
                project=project.acronym,
                first=format_date(project.start_date),
                last=format_date(last),
            )
        ]
    return []


def change_warnings(
    event: Event,
    *,
    starts_at: datetime,
    ends_at: datetime,
    zone_name: str,
    host: Partner,
    partners: list[Partner],
    venue: Venue | None = None,
    expected_attendance: int | None = None,
) -> list[str]:
    """The warnings an edit raises: only those its own change brings up. Overlaps when the
    time, host or participants change; capacity when the venue or expected attendance
    does; the reporting periods when the start day does; public holidays the new days or
    partners fall on that the old ones did not. A coordinator who saved anyway is not asked
    again for a title or description edit."""
    moved = (starts_at, ends_at) != (event.starts_at, event.ends_at)
    people = host.id != event.host_partner_id or {p.id for p in partners} != {
        p.id for p in event.participants
    }
    room = (venue.id if venue else None) != event.venue_id or (
        expected_attendance != event.expected_attendance
    )
    warnings = scheduling_warnings(
        event.project,
        starts_at=starts_at,
        ends_at=ends_at,
        partners=partners if moved or people else [],
        venue=venue if room else None,
        expected_attendance=expected_attendance,
        exclude_event_id=event.id,
    )
    warnings += new_holiday_warnings(
        event, starts_at=starts_at, ends_at=ends_at, zone_name=zone_name, partners=partners
    )
    if in_zone(starts_at, zone_name).date() != event.local_start.date():
        warnings += period_warnings(event.project, starts_at, zone_name)
    return warnings


def postpone_warnings(
    event: Event, start: datetime | date | None, end: datetime | date | None
) -> list[str]:
    """What to know before postponing to new dates: public holidays of its partners the new
    days fall on (and the old did not), and whether they count in a report."""
    if start is None or end is None:
        return []
    starts_at, ends_at, _all_day = event_span(start, end, event.timezone)
    return new_holiday_warnings(
        event,
        starts_at=starts_at,
        ends_at=ends_at,
        zone_name=event.timezone,
        partners=list(event.participants),
    ) + period_warnings(event.project, starts_at, event.timezone)


def update_event(
    event: Event,
    *,
    seen_version: str | None = None,
    start: datetime | date | None = None,
    end: datetime | date | None = None,
    participants: list[Partner] | None = None,
    outside_sessions: str | None = None,
    **fields,
) -> list[str]:
    """Change an event's fields (and its time, from local wall-clock input in its zone).

    A move takes the agenda along (see `plan_agenda`; `outside_sessions` says what to do
    with sessions the new span leaves out). Returns the names of the changed fields.
    Raises DomainError before changing anything.
    """
    check_fresh(event, seen_version)
    if "kind" in fields:
        try:
            EventKind(fields["kind"])
        except ValueError:
            raise DomainError(
                _("Unknown event kind %(kind)s.", kind=repr(fields["kind"])), "kind"
            ) from None
    if "title" in fields:
        fields["title"] = fits(one_line(fields["title"]), 200, "title")
        if not fields["title"]:
            raise DomainError(_("An event needs a title."), "title")
    _clean_texts(fields)
    zone_name = fields.get("timezone", event.timezone)
    zone(zone_name)
    if start is not None or end is not None:
        if start is None or end is None:
            raise DomainError(_("Give both the start and the end."), "ends_at")
        starts_at, ends_at, all_day = event_span(start, end, zone_name)
        fields.update(starts_at=starts_at, ends_at=ends_at, all_day=all_day)
        agenda = plan_agenda(event, starts_at, ends_at, zone_name, outside_sessions)
    changed = _apply(event, fields)
    if start is not None:
        _move_agenda(event, agenda, changed)
    if participants is not None:
        host = fields.get("host") or event.host
        new = sorted({host, *participants}, key=lambda p: p.code)
        if [p.id for p in new] != [p.id for p in event.participants]:
            event.participants = new
            changed.append("participants")
            _touch(event)
    return changed


def reschedule(
    event: Event,
    start: datetime | date,
    end: datetime | date,
    *,
    outside_sessions: str | None = None,
) -> list[str]:
    """Move an event, and its agenda, to a new local start and end in its own zone."""
    starts_at, ends_at, all_day = event_span(start, end, event.timezone)
    agenda = plan_agenda(event, starts_at, ends_at, event.timezone, outside_sessions)
    changed = _apply(event, {"starts_at": starts_at, "ends_at": ends_at, "all_day": all_day})
    _move_agenda(event, agenda, changed)
    return changed


def _keep_original(event: Event) -> None:
    """Remember where and when the event was first planned; set once, never overwritten."""
    if event.original_starts_at is None:
        event.original_starts_at = event.starts_at
        event.original_ends_at = event.ends_at
        event.original_all_day = event.all_day
    if not event.original_location:
        event.original_location = event.stored_place


def _require_open(event: Event, action: str) -> None:
    """Refuse to postpone (`action` "postponed") or move online ("moved online") an event
    cancelled or held."""
    if event.status == EventStatus.CANCELLED:
        if action == "postponed":
            raise DomainError(_("A cancelled event cannot be postponed."), "status")
        raise DomainError(_("A cancelled event cannot be moved online."), "status")
    if event.status == EventStatus.HELD:
        if action == "postponed":
            raise DomainError(_("An event already held cannot be postponed."), "status")
        raise DomainError(_("An event already held cannot be moved online."), "status")


def postpone(
    event: Event,
    start: datetime | date | None = None,
    end: datetime | date | None = None,
    *,
    seen_version: str | None = None,
    outside_sessions: str | None = None,
) -> list[str]:
    """Mark postponed, to new dates when given (else to be decided); keep the original plan.

    New dates take the agenda along (see `plan_agenda`).
    """
    check_fresh(event, seen_version)
    _require_open(event, "postponed")
    values: dict = {"status": EventStatus.POSTPONED.value}
    agenda = None
    if start is not None or end is not None:
        if start is None or end is None:
            raise DomainError(_("Give both the new start and the new end."), "ends_at")
        starts_at, ends_at, all_day = event_span(start, end, event.timezone)
        values.update(starts_at=starts_at, ends_at=ends_at, all_day=all_day)
        agenda = plan_agenda(event, starts_at, ends_at, event.timezone, outside_sessions)
    _keep_original(event)
    changed = _apply(event, values)
    if agenda is not None:
        _move_agenda(event, agenda, changed)
    return changed


def move_online(
    event: Event, platform: str = "", url: str = "", *, seen_version: str | None = None
) -> list[str]:
    """Hold the event online; the place it was planned at is kept."""
    check_fresh(event, seen_version)
    _require_open(event, "moved online")
    url = fits(web_address(url, "online_url", _("The meeting link")), 500, "online_url")
    platform = fits(one_line(platform), 80, "online_platform")
    if not event.original_location:
        event.original_location = event.stored_place
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
        raise DomainError(_("The event is cancelled already."), "status")
    if event.status == EventStatus.HELD:
        raise DomainError(_("An event already held cannot be cancelled."), "status")
    return _apply(event, {"status": EventStatus.CANCELLED.value})


def mark_held(event: Event, *, seen_version: str | None = None, now: datetime | None = None):
    """Record that the event took place. Sends `event_held` for other areas to follow up."""
    from app.db_types import utcnow

    check_fresh(event, seen_version)
    if event.status == EventStatus.CANCELLED:
        raise DomainError(_("A cancelled event cannot be marked held."), "status")
    if event.status == EventStatus.HELD:
        raise DomainError(_("The event is marked held already."), "status")
    if event.starts_at > (now or utcnow()):
        raise DomainError(_("An event can be marked held only once it has started."), "status")
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
    seen_version: str | None = None,
) -> EventSession:
    """Add an agenda item; times are local wall-clock times in the event's zone."""
    check_fresh(event, seen_version)
    session = EventSession(**_session_values(event, title, kind, start, end, description, experts))
    event.sessions.append(session)
    _agenda_changed(event)
    return session


def _session_values(event, title, kind, start, end, description, experts) -> dict:
    from app.enums import SessionKind

    title = fits(one_line(title), 300, "title")
    if not title:
        raise DomainError(_("A session needs a title."), "title")
    try:
        SessionKind(kind)
    except ValueError:
        raise DomainError(_("Unknown session kind %(kind)s.", kind=repr(kind)), "kind") from None
    starts_at, ends_at, _all_day = event_span(start, end, event.timezone)
    if not _within(starts_at, ends_at, event.starts_at, event.ends_at):
        raise DomainError(
            _(
                "The session must fall within the event's dates (%(dates)s).",
                dates=_event_span_words(event),
            ),
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


def _event_span_words(event: Event) -> str:
    """The event's span in its zone, for messages: days, or times with the zone."""
    start, end = event.local_start, event.local_end
    if event.all_day:
        return _(
            "%(first)s to %(last)s",
            first=format_date(start),
            last=format_date(end - timedelta(days=1)),
        )
    # Translators: an event's span in a message, "16 Jun 2020, 09:30 to 18 Jun 2020, 17:00,
    # Europe/London".
    return _(
        "%(start)s to %(end)s, %(zone)s",
        start=format_local(event.starts_at, event.timezone, with_zone=False),
        end=format_local(event.ends_at, event.timezone, with_zone=False),
        zone=event.timezone,
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
    seen_version: str | None = None,
) -> EventSession:
    """Change an agenda item; validated as a whole before anything changes."""
    if session not in event.sessions:
        raise DomainError(_("That session belongs to another event."), "session")
    if seen_version is not None:
        check_version(session, seen_version)
    values = _session_values(event, title, kind, start, end, description, experts)
    for name, value in values.items():
        setattr(session, name, value)
    _agenda_changed(event)
    return session


def remove_session(event: Event, session: EventSession, *, seen_version: str | None = None) -> None:
    if session not in event.sessions:
        raise DomainError(_("That session belongs to another event."), "session")
    if seen_version is not None:
        check_version(session, seen_version, form=False)
    event.sessions.remove(session)
    _agenda_changed(event)


# --- Moving the agenda with its event: each session keeps its local wall-clock time and its
# day offset from the event's first local day, in the event's zone, across DST changes.

#: What to do with sessions a shorter span would leave outside it (the form asks first).
REMOVE_OUTSIDE = "remove"
KEEP_OUTSIDE = "keep"
OUTSIDE_CHOICES = (REMOVE_OUTSIDE, KEEP_OUTSIDE)


@dataclass
class AgendaPlan:
    """Where each session goes when its event moves, and which sessions are removed."""

    moves: list[tuple[EventSession, datetime, datetime]] = field(default_factory=list)
    removals: list[EventSession] = field(default_factory=list)


def _within(starts_at: datetime, ends_at: datetime, first: datetime, last: datetime) -> bool:
    """A session lies within its event: an all-day event's bounds are its local midnights."""
    return first <= starts_at and ends_at <= last


def _shift(instant: datetime, old_zone: str, new_zone: str, days: int) -> datetime:
    """The same wall-clock time (and fold, for a repeated hour) `days` later, in UTC.

    A time the clocks skip on the new day is refused (DomainError naming the gap)."""
    local = in_zone(instant, old_zone)
    wall = datetime.combine(local.date() + timedelta(days=days), local.time().replace(tzinfo=None))
    return local_to_utc(wall.replace(fold=local.fold), new_zone, "start_date")


def _first_day(starts_at: datetime, zone_name: str) -> date:
    return in_zone(starts_at, zone_name).date()


def moved_agenda(
    event: Event, starts_at: datetime, ends_at: datetime, zone_name: str
) -> list[tuple[EventSession, datetime, datetime]]:
    """Each session's instants once the event starts at `starts_at` in `zone_name`."""
    offset = (_first_day(starts_at, zone_name) - event.local_start.date()).days
    moved = []
    for session in event.sessions:
        try:
            moved.append(
                (
                    session,
                    _shift(session.starts_at, event.timezone, zone_name, offset),
                    _shift(session.ends_at, event.timezone, zone_name, offset),
                )
            )
        except DomainError as exc:
            raise DomainError(
                _(
                    "The session “%(title)s” would move to a time that does not exist: %(reason)s",
                    title=session.title,
                    reason=exc.message,
                ),
                exc.field,
            ) from None
    return moved


def sessions_outside(
    event: Event, starts_at: datetime, ends_at: datetime, zone_name: str
) -> list[EventSession]:
    """The sessions a move to [starts_at, ends_at) would leave outside the event."""
    return [
        session
        for session, start, end in moved_agenda(event, starts_at, ends_at, zone_name)
        if not _within(start, end, starts_at, ends_at)
    ]


def outside_after_move(
    event: Event, start: datetime | date, end: datetime | date, zone_name: str | None = None
) -> list[str]:
    """The sessions a move to local `start`-`end` would leave outside, described for a form."""
    zone_name = zone_name or event.timezone
    starts_at, ends_at, _all_day = event_span(start, end, zone_name)
    return [
        describe_session(event, session)
        for session in sessions_outside(event, starts_at, ends_at, zone_name)
    ]


def describe_session(event: Event, session: EventSession) -> str:
    """'Site visit (day 3, 10:30–12:00)': what carries over when the event moves."""
    start, end = (
        in_zone(session.starts_at, event.timezone),
        in_zone(session.ends_at, event.timezone),
    )
    day = (start.date() - event.local_start.date()).days + 1
    # Translators: a session of an event that moves: "Site visit (day 3, 10:30–12:00)".
    return _(
        "%(title)s (day %(day)d, %(start)s–%(end)s)",
        title=session.title,
        day=day,
        start=format_clock(start),
        end=format_clock(end),
    )


def _nearest_fit(
    start: datetime, end: datetime, starts_at: datetime, ends_at: datetime, zone_name: str
) -> tuple[datetime, datetime] | None:
    """The session at the same hours on the nearest day of the span that holds it."""
    first, last = _first_day(starts_at, zone_name), in_zone(ends_at, zone_name).date()
    day = in_zone(start, zone_name).date()
    days = range((last - day).days, (first - day).days - 1, -1)
    if start < starts_at:
        days = range(max((first - day).days, 0), (last - day).days + 1)
    for shift in days:
        try:
            moved = (
                _shift(start, zone_name, zone_name, shift),
                _shift(end, zone_name, zone_name, shift),
            )
        except DomainError:
            continue  # those hours do not exist on that day (clocks go forward)
        if _within(*moved, starts_at, ends_at):
            return moved
    return None


def plan_agenda(
    event: Event,
    starts_at: datetime,
    ends_at: datetime,
    zone_name: str,
    outside_sessions: str | None = None,
) -> AgendaPlan:
    """Where the agenda goes when the event moves; changes nothing.

    Sessions the new span leaves outside need a choice: REMOVE_OUTSIDE, or KEEP_OUTSIDE
    (same hours on the nearest day of the new span, the last day for those past its end).
    Without one, or when a kept session fits on no day, raises DomainError naming them.
    """
    if outside_sessions and outside_sessions not in OUTSIDE_CHOICES:
        raise DomainError(
            _("Unknown choice %(choice)s for the sessions.", choice=repr(outside_sessions)),
            "agenda",
        )
    plan, outside, unfit = AgendaPlan(), [], []
    for session, start, end in moved_agenda(event, starts_at, ends_at, zone_name):
        if _within(start, end, starts_at, ends_at):
            plan.moves.append((session, start, end))
        elif outside_sessions == REMOVE_OUTSIDE:
            plan.removals.append(session)
        elif outside_sessions == KEEP_OUTSIDE:
            fit = _nearest_fit(start, end, starts_at, ends_at, zone_name)
            if fit is None:
                unfit.append(session)
            else:
                plan.moves.append((session, *fit))
        else:
            outside.append(session)
    if outside:
        names = "; ".join(describe_session(event, s) for s in outside)
        raise DomainError(
            _(
                "These sessions would fall outside the new dates: %(sessions)s. Choose whether "
                "to remove them or keep them on the last day, or change the dates.",
                sessions=names,
            ),
            "agenda",
        )
    if unfit:
        names = "; ".join(describe_session(event, s) for s in unfit)
        raise DomainError(
            _(
                "These sessions fit on no day of the new dates at their hours: %(sessions)s. "
                "Remove them, or change the dates.",
                sessions=names,
            ),
            "agenda",
        )
    return plan


def _move_agenda(event: Event, plan: AgendaPlan, changed: list[str]) -> None:
    """Carry out a plan; the revision goes up once, with the event's own change if any."""
    moved = False
    for session, start, end in plan.moves:
        if (session.starts_at, session.ends_at) != (start, end):
            session.starts_at, session.ends_at = start, end
            moved = True
    for session in plan.removals:
        event.sessions.remove(session)
        moved = True
    if moved and not set(changed) & set(CALENDAR_FIELDS):
        _agenda_changed(event)


def set_attendance(
    event: Event,
    partner: Partner,
    staff: int,
    stakeholders: int,
    *,
    seen_version: str | None = None,
    source: str = AttendanceSource.HEAD_COUNT.value,
) -> Attendance:
    """How many of a partner's staff and local stakeholders took part.

    `source` says where the figures come from: a head count typed by hand, or the people
    checked in (app.delegations.services.check_in). Once a partner's figures come from
    check-in, a typed head count is refused: the check-in is what to change.

    Saved with `save_pair`, so simultaneous saves for the same partner never collide on the
    row's key; the event row is touched too, so its version refuses all but one of them.
    """
    check_fresh(event, seen_version)
    typed = source == AttendanceSource.HEAD_COUNT
    current = db.session.get(Attendance, (event.id, partner.id)) if event.id else None
    if typed and current is not None and current.source == AttendanceSource.CHECK_IN:
        raise DomainError(
            _(
                "The attendance of %(partner)s is counted from check-in; "
                "change who is checked in instead.",
                partner=partner.city,
            ),
            "staff_count",
        )
    for value, name in ((staff, "staff_count"), (stakeholders, "stakeholder_count")):
        if value is None or value < 0:
            raise DomainError(_("Give a number of people, 0 or more."), name)
    if partner.id not in {p.id for p in event.participants}:
        raise DomainError(
            _("%(partner)s does not take part in this event.", partner=partner.city), "partner"
        )
    db.session.flush()  # the event's id, and pending attendance rows, before the insert
    row = save_pair(
        Attendance,
        {"event_id": event.id, "partner_id": partner.id},
        {"staff_count": staff, "stakeholder_count": stakeholders, "source": source},
    )
    _touch(event)
    db.session.expire(event, ["attendance"])
    return row
