"""VTIMEZONE components that every client reads the same way.

icalendar's own VTIMEZONEs list each transition in a comma-separated RDATE, which
vobject and ical.js read only the first date of (docs/../shared/CALENDARS.md). Here a
zone's transitions are read from zoneinfo and written as yearly rules instead: one
STANDARD and one DAYLIGHT block with `RRULE:FREQ=YEARLY;BYMONTH=..;BYDAY=..` for a zone
whose rule held over the years a feed covers (every EU zone, the UK), one STANDARD block
for a zone without daylight saving, and for a zone whose rules changed within those
years one block per change under the old rules (vobject misreads a rule ended by
UNTIL) followed by the current rules as yearly blocks.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

EARLIEST_YEAR = 1970
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    at: datetime  # UTC instant
    before: timedelta  # UTC offset before
    after: timedelta  # UTC offset after
    name: str  # abbreviation after (e.g. CEST)

    @property
    def local(self) -> datetime:
        """Wall-clock time of the change, read in the offset before it (RFC 5545 DTSTART)."""
        return (self.at + self.before).replace(tzinfo=None)

    @property
    def rule(self) -> tuple:
        """What the change has in common with the same change in other years."""
        local = self.local
        last = (local + timedelta(days=7)).month != local.month
        nth = -1 if last else (local.day - 1) // 7 + 1
        byday = f"{nth}{_WEEKDAYS[local.weekday()]}"
        return (local.month, byday, local.time(), self.before, self.after, self.name)


def _offset(tz: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(tz).utcoffset()


def _name(tz: ZoneInfo, instant: datetime) -> str:
    return instant.astimezone(tz).tzname() or ""


@lru_cache(maxsize=512)
def transitions_in(zone_name: str, year: int) -> tuple[Transition, ...]:
    """The zone's offset changes in one (UTC) year, found by scanning days and bisecting."""
    tz = ZoneInfo(zone_name)
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=12)
    previous = _offset(tz, day)
    while day < end:
        following = day + step
        offset = _offset(tz, following)
        if offset != previous:
            low, high = day, following  # offset(low) == previous, offset(high) != previous
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle <= low:
                    break
                if _offset(tz, middle) == previous:
                    low = middle
                else:
                    high = middle
            found.append(Transition(high, previous, offset, _name(tz, high)))
            previous = offset
        day = following
    return tuple(found)


def _signature(zone_name: str, year: int) -> tuple:
    return tuple(t.rule for t in transitions_in(zone_name, year))


def _observance(transition: Transition, *, yearly: bool, daylight: bool):
    block = TimezoneDaylight() if daylight else TimezoneStandard()
    block.add("dtstart", transition.local)
    block.add("tzoffsetfrom", transition.before)
    block.add("tzoffsetto", transition.after)
    if transition.name:
        block.add("tzname", transition.name)
    if yearly:
        month, byday, *_ = transition.rule
        block.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": byday}))
    return block


@lru_cache(maxsize=256)
def _vtimezone_bytes(zone_name: str, first_year: int, last_year: int) -> bytes:
    return build_vtimezone(zone_name, first_year, last_year).to_ical()


def vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """A fresh VTIMEZONE for `zone_name`, right for every instant from `first_year` on."""
    return Timezone.from_ical(_vtimezone_bytes(zone_name, first_year, last_year))


def build_vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    tz = ZoneInfo(zone_name)
    last_year = max(last_year, first_year)
    requested_first = first_year
    # Stretches of consecutive years whose changes follow the same rules.
    stretches: list[list] = []  # [first, last, signature]
    for year in range(first_year, last_year + 1):
        signature = _signature(zone_name, year)
        if stretches and stretches[-1][2] == signature:
            stretches[-1][1] = year
        else:
            stretches.append([year, year, signature])
    # The first stretch reaches back as far as its rules held (clients compute the years
    # before a DTSTART with the first block's offsets, so start it early).
    first = stretches[0]
    while first[0] > EARLIEST_YEAR and _signature(zone_name, first[0] - 1) == first[2]:
        first[0] -= 1

    component = Timezone()
    component.add("tzid", zone_name)
    if not any(signature for _, _, signature in stretches):
        # No changes at all in these years: one STANDARD block with the fixed offset.
        start = datetime(first[0], 1, 1, tzinfo=UTC)
        offset = _offset(tz, start)
        block = TimezoneStandard()
        block.add("dtstart", datetime(EARLIEST_YEAR, 1, 1))
        block.add("tzoffsetfrom", offset)
        block.add("tzoffsetto", offset)
        block.add("tzname", _name(tz, start) or zone_name)
        component.add_component(block)
        return component

    for index, (start_year, end_year, signature) in enumerate(stretches):
        if not signature:
            continue
        if index == len(stretches) - 1:
            # The rules in force now: one block per change, repeating yearly.
            changes = transitions_in(zone_name, start_year)
            two_way = len(changes) == 2
            for change in changes:
                daylight = two_way and change.after > change.before
                component.add_component(_observance(change, yearly=True, daylight=daylight))
            continue
        # Rules no longer in force: each change of the covered years as its own block
        # (vobject misreads a yearly rule ended by UNTIL, so none is written).
        for year in range(max(start_year, requested_first), end_year + 1):
            changes = transitions_in(zone_name, year)
            two_way = len(changes) == 2
            for change in changes:
                daylight = two_way and change.after > change.before
                component.add_component(_observance(change, yearly=False, daylight=daylight))
    _cover_earlier_years(component, tz, requested_first)
    return component


def _cover_earlier_years(component: Timezone, tz: ZoneInfo, first_year: int) -> None:
    """ical.js reads a time before every block's DTSTART as UTC: when the first block
    starts within the covered years, put a fixed-offset block before it."""
    blocks = component.subcomponents
    if not blocks:
        return
    first = min(blocks, key=lambda block: block.DTSTART)
    if first.DTSTART.year < first_year:
        return
    offset = first["TZOFFSETFROM"].td
    base = TimezoneStandard()
    base.add("dtstart", datetime(EARLIEST_YEAR, 1, 1))
    base.add("tzoffsetfrom", offset)
    base.add("tzoffsetto", offset)
    name = _name(tz, datetime(first.DTSTART.year, 1, 1, tzinfo=UTC))
    base.add("tzname", name or tz.key)
    component.subcomponents.insert(0, base)


def years_covering(days: list[date]) -> tuple[int, int]:
    """The span of years a feed's VTIMEZONEs must be right for."""
    if not days:
        year = date.today().year
        return year, year
    return min(days).year, max(days).year + 1
