"""What every feed the suite produces must satisfy, checked on the body a client gets.

- Each session entry names its event's entry (RELATED-TO), and that entry is in the feed:
  a subscriber never loses the event's entry because the event gained an agenda.
- Each session entry lies within its event's span. For an all-day event the span is its
  local days in the event's zone, read from the session's TZID (a session written in UTC
  is held to the widest day, UTC-12 to UTC+14).
"""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar

_EARLIEST, _LATEST = timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))


def _bound(value: date | datetime, tz, latest: bool = False) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    zone = tz if isinstance(tz, ZoneInfo) else (_LATEST if latest else _EARLIEST)
    return datetime.combine(value, time(0), zone).astimezone(UTC)


def feed_problems(body: bytes) -> list[str]:
    """Every way `body` breaks the invariants above, in words; empty when it keeps them."""
    calendar = Calendar.from_ical(body)
    entries = {str(c["UID"]): c for c in calendar.walk("VEVENT")}
    problems = []
    for uid, entry in entries.items():
        if not uid.startswith("session-"):
            continue
        parent = str(entry.get("RELATED-TO", ""))
        if parent not in entries:
            problems.append(f"{uid}: its event's entry {parent or '(none named)'} is missing")
            continue
        start, end = entry["DTSTART"].dt, entry["DTEND"].dt
        zone = next((v.tzinfo for v in (start, end) if isinstance(v.tzinfo, ZoneInfo)), None)
        first = _bound(entries[parent]["DTSTART"].dt, zone)
        last = _bound(entries[parent]["DTEND"].dt, zone, latest=True)
        if _bound(start, zone) < first or _bound(end, zone) > last:
            problems.append(f"{uid}: {start} to {end} lies outside {parent} ({first} to {last})")
    return problems
