"""Importing a calendar file (.ics): what each of its entries would do, and doing it.

`plan_import(project, ics_bytes, host, kind)` reads the file and decides, entry by entry
(VEVENT), whether it creates an event, updates the event of this project imported before
with the same UID (`Event.import_uid`), leaves that event unchanged, or is skipped for a
problem it names. It writes nothing. `apply_import(plan)` carries a plan out through the
events services (validation, revision, activity log, search and outbox behave as for the
forms) in the caller's transaction: the caller commits once, or rolls everything back.

Nothing is guessed. A floating time (no TZID, no Z), a TZID that is no IANA zone name
(Outlook's "W. Europe Standard Time", which icalendar would quietly map to Europe/Berlin,
or a zone the file defines itself), a repeating entry, an entry with no UID or no start,
an end before its start, a time the clocks skip and a year the programme does not plan for
are listed as problems and not imported. A TZID that is an IANA name is read with zoneinfo
even when the file carries its own VTIMEZONE for it (Google and Thunderbird write both).
Times in UTC (Z) and all-day dates have no zone of their own: a new event takes its host's
zone, an event imported before keeps its own.

An imported event that is already over, or that arrives cancelled, writes no message to
anyone (`mail.outbox.keep_quiet`): importing a partnership's past calendar must not send
its contact people an invitation for every meeting of the last years.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from icalendar.error import BrokenCalendarProperty
from sqlalchemy import select

from app.db_types import utcnow
from app.enums import EventStatus
from app.errors import DomainError
from app.events.models import Event
from app.events.services import cancel, create_event, event_span, plan_agenda, update_event
from app.extensions import db
from app.formatting import format_date, format_local
from app.input_rules import fits, one_line, text_block, uploaded_text
from app.mail.outbox import keep_quiet
from app.partners.models import Partner, Project
from app.timezones import in_zone, local_to_utc, zone

MAX_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 2000

CREATE, UPDATE, UNCHANGED, PROBLEM = "create", "update", "unchanged", "problem"
ACTIONS = (CREATE, UPDATE, UNCHANGED, PROBLEM)

#: TZIDs that say UTC in words: read like a time written with Z.
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Zulu", "Etc/Zulu"})
#: CLASS values that keep an event off the public programme and feed.
PRIVATE_CLASSES = frozenset({"PRIVATE", "CONFIDENTIAL"})

#: The fields an entry sets, as the preview names the ones an update changes.
FIELD_LABELS = {
    "title": _l("title"),
    "description": _l("description"),
    "location": _l("place"),
    "is_public": _l("public or not"),
    "starts_at": _l("start"),
    "ends_at": _l("end"),
    "all_day": _l("all day or not"),
    "timezone": _l("time zone"),
    "status": _l("cancelled"),
}
TEXT_FIELDS = ("title", "description", "location", "is_public")
TIME_FIELDS = ("starts_at", "ends_at", "all_day", "timezone")


@dataclass
class Entry:
    """One VEVENT of the file and what importing it would do."""

    number: int  # its place in the file, from 1
    uid: str
    title: str  # as the file gives it (SUMMARY), for the preview
    action: str = PROBLEM
    problem: str = ""
    zone_name: str = ""
    start: datetime | date | None = None  # local wall-clock time (fold set), or first day
    end: datetime | date | None = None  # local wall-clock time, or last day (inclusive)
    starts_at: datetime | None = None  # UTC
    ends_at: datetime | None = None
    all_day: bool = False
    values: dict = field(default_factory=dict)  # title, description, location, is_public
    cancelled: bool = False
    event: Event | None = None  # the event imported before from this UID
    changed: list[str] = field(default_factory=list)
    given_start: str = ""  # for an entry with a problem: its DTSTART and DTEND as written,
    given_end: str = ""
    given_zone: str = ""  # and the TZID they name

    @property
    def local_start(self) -> str:
        """The start as the host's calendar shows it, without the zone (a column of its own)."""
        if self.starts_at is None:
            return ""
        if self.all_day:
            return format_date(self.start)
        return format_local(self.starts_at, self.zone_name, with_zone=False)

    @property
    def local_end(self) -> str:
        """The end, or the last day of an all-day event."""
        if self.ends_at is None:
            return ""
        if self.all_day:
            return format_date(self.end)
        return format_local(self.ends_at, self.zone_name, with_zone=False)

    @property
    def changed_labels(self) -> list[str]:
        return [str(FIELD_LABELS[name]) for name in self.changed]


@dataclass
class ImportPlan:
    project: Project
    host: Partner
    kind: str
    text: str  # the file's text, which the confirmation carries back
    entries: list[Entry] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for entry in self.entries if entry.action == action)

    @property
    def writes(self) -> bool:
        return bool(self.count(CREATE) or self.count(UPDATE))

    @property
    def digest(self) -> str:
        """What was previewed, as a hash: the file, the host and kind, and each entry's
        decision with the version of the stored event it compared with. The confirmation
        writes only a plan with the same digest."""
        parts = [hashlib.sha256(self.text.encode()).hexdigest(), str(self.host.id), self.kind]
        for entry in self.entries:
            event = entry.event
            parts.append(
                "|".join(
                    [
                        entry.uid,
                        entry.action,
                        str(event.id) if event is not None else "",
                        str(event.version) if event is not None else "",
                    ]
                )
            )
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


# --- Reading the file --------------------------------------------------------------


def read_text(data: bytes) -> str:
    """The file's text; refused when too large or not text."""
    return uploaded_text(data, MAX_BYTES, _not_a_calendar())


def _not_a_calendar() -> str:
    return _(
        "This is not a calendar file: export the calendar as iCalendar (.ics) and upload that file."
    )


def read_calendar(text: str) -> list:
    """The VEVENTs of the calendar in `text`; DomainError for anything else."""
    try:
        calendar = Calendar.from_ical(text)
    except (ValueError, TypeError, KeyError, IndexError):
        raise DomainError(_not_a_calendar(), "file") from None
    if calendar.name != "VCALENDAR":
        raise DomainError(_not_a_calendar(), "file")
    entries = [item for item in calendar.subcomponents if item.name == "VEVENT"]
    if not entries:
        raise DomainError(_("The calendar file holds no events."), "file")
    if len(entries) > MAX_ENTRIES:
        raise DomainError(
            _("At most %(count)d events at a time, please.", count=MAX_ENTRIES), "file"
        )
    return entries


def _one(component, name: str):
    """The property `name`, or None; DomainError when the entry gives it twice."""
    value = component.get(name)
    if isinstance(value, list):
        raise DomainError(_("%(name)s appears more than once.", name=name), name)
    return value


def _text(component, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        return ""  # told as a problem by _one when it matters
    return str(value) if value is not None else ""


@dataclass
class _Moment:
    value: datetime | date  # aware UTC datetime, naive wall-clock datetime, or a date
    zone_name: str | None  # the IANA zone of a wall-clock time; None for UTC and dates


def _moment(component, name: str) -> _Moment | None:
    """DTSTART or DTEND as given: a wall-clock time in an IANA zone, a UTC instant or a
    date. Refuses what would need a guess."""
    prop = _one(component, name)
    if prop is None:
        return None
    try:
        value = prop.dt
    except BrokenCalendarProperty:  # icalendar keeps what it cannot read as vBroken
        value = None
    if not isinstance(value, date):  # datetime is a date too
        raise DomainError(_("%(name)s is not a date or a date and time.", name=name), name)
    if not isinstance(value, datetime):
        return _Moment(value, None)
    tzid = str(prop.params.get("TZID", "") or "")
    if tzid in UTC_NAMES:
        return _Moment(value.replace(tzinfo=UTC), None)
    if not tzid and value.tzinfo is not None:  # written with Z
        return _Moment(value.astimezone(UTC), None)
    if not tzid:
        raise DomainError(
            _(
                "%(name)s is a floating time (no time zone, no Z): the file does not say "
                "where %(time)s is, so the import cannot tell when it is.",
                name=name,
                time=format_local_wall(value),
            ),
            name,
        )
    try:
        zone(tzid)
    except DomainError:
        raise DomainError(
            _(
                "The time zone “%(tzid)s” of %(name)s is not an IANA zone name (such as "
                "Europe/Rome): the import does not guess which zone it means. Export the "
                "calendar with IANA zone names, or schedule this event by hand.",
                tzid=tzid,
                name=name,
            ),
            name,
        ) from None
    return _Moment(value.replace(tzinfo=None), tzid)


def format_local_wall(value: datetime) -> str:
    """A wall-clock time as the file writes it, whatever zone it names: '16 Jun 2020, 09:30'."""
    return format_local(value.replace(tzinfo=UTC), "UTC", with_zone=False)


def _wall(instant: datetime, zone_name: str) -> datetime:
    """The wall-clock time of `instant` in `zone_name`, naive, with its fold."""
    return in_zone(instant, zone_name).replace(tzinfo=None)


def _instant(moment: _Moment) -> datetime:
    if moment.zone_name is None:
        return moment.value
    return local_to_utc(moment.value, moment.zone_name, "starts_at")


def _span(component, default_zone: str) -> tuple[datetime | date, datetime | date, str]:
    """Local start and end (an all-day event's last day inclusive) and the event's zone."""
    start = _moment(component, "DTSTART")
    if start is None:
        raise DomainError(_("No start (DTSTART): the import cannot place this entry."), "DTSTART")
    end = _moment(component, "DTEND")
    duration = _one(component, "DURATION")
    if end is None and duration is not None and isinstance(duration.dt, timedelta):
        if isinstance(start.value, datetime):
            end = _Moment(_instant(start) + duration.dt, None)
        else:
            end = _Moment(start.value + timedelta(days=duration.dt.days), None)
    if not isinstance(start.value, datetime):  # all day: dates in the host's zone
        if end is None:
            end = _Moment(start.value + timedelta(days=1), None)
        if isinstance(end.value, datetime):
            raise DomainError(_("Give both start and end as dates, or both with a time."), "DTEND")
        # DTEND is the day after the last (RFC 5545); the services take the last day.
        return start.value, end.value - timedelta(days=1), default_zone
    if end is None:
        raise DomainError(_("No end (DTEND or DURATION): add the time the event ends."), "DTEND")
    if not isinstance(end.value, datetime):
        raise DomainError(_("Give both start and end as dates, or both with a time."), "DTEND")
    zone_name = start.zone_name or default_zone
    start_wall = start.value if start.zone_name else _wall(start.value, zone_name)
    if end.zone_name == zone_name:
        end_wall = end.value
    else:  # UTC, or another zone than the start's: the same instant in the event's zone
        end_wall = _wall(_instant(end), zone_name)
    return start_wall, end_wall, zone_name


def _values(component) -> dict:
    """Title, description, place and visibility, cleaned as the events services clean
    them (the services check again when writing)."""
    for name in ("SUMMARY", "DESCRIPTION", "LOCATION", "CLASS", "STATUS"):
        _one(component, name)
    title = fits(one_line(_text(component, "SUMMARY")), 200, "title")
    if not title:
        raise DomainError(_("No title (SUMMARY): an event needs a title."), "title")
    return {
        "title": title,
        "description": text_block(_text(component, "DESCRIPTION")),
        "location": fits(one_line(_text(component, "LOCATION")), 300, "location"),
        "is_public": _text(component, "CLASS").strip().upper() not in PRIVATE_CLASSES,
    }


def _repeats(component) -> None:
    if component.get("RECURRENCE-ID") is not None:
        raise DomainError(
            _(
                "A changed occurrence of a repeating event: repeating events are not "
                "imported; schedule each meeting as an event of its own."
            ),
            "RECURRENCE-ID",
        )
    if component.get("RRULE") is not None or component.get("RDATE") is not None:
        raise DomainError(
            _(
                "A repeating event (RRULE or RDATE): not imported; schedule each meeting "
                "as an event of its own."
            ),
            "RRULE",
        )


def _session_of(component) -> None:
    """Entries that are part of another one (our own feeds' agenda sessions) are skipped."""
    related = component.get("RELATED-TO")
    for prop in related if isinstance(related, list) else [related] if related else []:
        reltype = str(prop.params.get("RELTYPE", "PARENT")).upper()
        if reltype == "PARENT":
            raise DomainError(
                _(
                    "Part of another entry (RELATED-TO %(uid)s), such as a session of an "
                    "event: not imported; add sessions on the event's page.",
                    uid=str(prop),
                ),
                "RELATED-TO",
            )


# --- Planning ------------------------------------------------------------------------


def _stored(project: Project, uids: list[str]) -> dict[str, Event]:
    """The events of `project` imported before from these UIDs (one query)."""
    if not uids:
        return {}
    found = db.session.scalars(
        select(Event).where(Event.project_id == project.id, Event.import_uid.in_(uids))
    )
    return {event.import_uid: event for event in found}


def _plan_entry(entry: Entry, component, host: Partner, event: Event | None) -> None:
    _repeats(component)
    _session_of(component)
    entry.event = event
    start, end, zone_name = _span(component, event.timezone if event else host.timezone)
    starts_at, ends_at, all_day = event_span(start, end, zone_name)
    entry.start, entry.end, entry.zone_name = start, end, zone_name
    entry.starts_at, entry.ends_at, entry.all_day = starts_at, ends_at, all_day
    entry.values = _values(component)
    entry.cancelled = _text(component, "STATUS").strip().upper() == "CANCELLED"
    if event is None:
        entry.action = CREATE
        return
    now = {
        **entry.values,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "all_day": all_day,
        "timezone": zone_name,
    }
    entry.changed = [name for name, value in now.items() if getattr(event, name) != value]
    was_cancelled = event.status == EventStatus.CANCELLED
    if was_cancelled and not entry.cancelled:
        raise DomainError(
            _(
                "The event imported from this entry is cancelled here, but not in the file: "
                "the import does not restore a cancelled event."
            ),
            "STATUS",
        )
    if entry.cancelled and not was_cancelled:
        if event.status == EventStatus.HELD:
            raise DomainError(_("An event already held cannot be cancelled."), "STATUS")
        entry.changed.append("status")
    if set(entry.changed) & set(TIME_FIELDS):
        plan_agenda(event, starts_at, ends_at, zone_name)  # sessions left outside: refused
    entry.action = UPDATE if entry.changed else UNCHANGED


def plan_import(project: Project, ics_bytes: bytes, host: Partner, kind: str) -> ImportPlan:
    """What importing the file would do, entry by entry; writes nothing.

    Raises DomainError (field "file") for a file that is no calendar, too large or empty.
    """
    text = read_text(ics_bytes)
    components = read_calendar(text)
    plan = ImportPlan(project=project, host=host, kind=kind, text=text)
    uids = [_text(c, "UID").strip() for c in components]
    stored = _stored(project, [uid for uid in uids if uid])
    first_with: dict[str, int] = {}
    for number, (component, uid) in enumerate(zip(components, uids, strict=True), start=1):
        entry = Entry(number, uid, one_line(_text(component, "SUMMARY")))
        plan.entries.append(entry)
        try:
            _one(component, "UID")
            if not uid:
                raise DomainError(
                    _("No UID: the import could not tell this entry again next time."), "UID"
                )
            fits(uid, 255, "UID")
            if uid in first_with and component.get("RECURRENCE-ID") is None:
                raise DomainError(
                    _("The same UID as entry %(number)d of the file.", number=first_with[uid]),
                    "UID",
                )
            first_with.setdefault(uid, number)
            _plan_entry(entry, component, host, stored.get(uid))
        except DomainError as error:
            _skip(entry, component, error.message)
        except (OverflowError, ValueError):  # a date at the edge of what Python counts
            _skip(entry, component, _("A date outside the years this programme plans for."))
    return plan


def _skip(entry: Entry, component, problem: str) -> None:
    """Mark the entry not imported, keeping what the file says of its times for the list."""
    entry.action, entry.problem = PROBLEM, problem
    entry.starts_at = entry.ends_at = None
    entry.given_start, start_zone = _as_written(component, "DTSTART")
    entry.given_end, end_zone = _as_written(component, "DTEND")
    entry.given_zone = start_zone or end_zone


def _as_written(component, name: str) -> tuple[str, str]:
    """A DTSTART or DTEND as the file writes it, and its TZID ("UTC" for Z)."""
    prop = component.get(name)
    if prop is None or isinstance(prop, list):
        return "", ""
    try:
        value = prop.dt
    except BrokenCalendarProperty:
        return "", ""
    if isinstance(value, datetime):
        tzid = str(prop.params.get("TZID", "") or "")
        return format_local_wall(value), tzid or ("UTC" if value.tzinfo else "")
    if isinstance(value, date):
        return format_date(value), ""
    return "", ""


# --- Applying --------------------------------------------------------------------------


def _over(*instants: datetime) -> bool:
    now = utcnow()
    return all(instant <= now for instant in instants)


def apply_import(plan: ImportPlan) -> ImportResult:
    """Create and update the events of a plan (not committed); entries with problems and
    unchanged ones are left alone. A DomainError from a service leaves the caller to roll
    back: all or nothing."""
    session = db.session
    result = ImportResult(unchanged=plan.count(UNCHANGED), skipped=plan.count(PROBLEM))
    for entry in plan.entries:
        if entry.action == CREATE:
            event = create_event(
                plan.project,
                kind=plan.kind,
                host=plan.host,
                start=entry.start,
                end=entry.end,
                timezone=entry.zone_name,
                status=(EventStatus.CANCELLED if entry.cancelled else EventStatus.PLANNED).value,
                import_uid=entry.uid,
                **entry.values,
            )
            if entry.cancelled or _over(event.ends_at):
                keep_quiet(session, event)
            result.created += 1
        elif entry.action == UPDATE:
            event = entry.event
            if _over(event.ends_at, entry.ends_at):
                keep_quiet(session, event)
            fields = {name: entry.values[name] for name in TEXT_FIELDS if name in entry.changed}
            if set(entry.changed) & set(TIME_FIELDS):
                fields.update(start=entry.start, end=entry.end, timezone=entry.zone_name)
            if fields:
                update_event(event, **fields)
            if "status" in entry.changed:
                cancel(event)
            result.updated += 1
    session.flush()
    return result
