"""Time-zone helpers: every zone name that enters the database passes through here."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from app.errors import DomainError
from app.formatting import format_clock, format_long_date


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or a DomainError saying the name is unknown."""
    if not name or name not in _known_zones():
        raise DomainError(
            f"Unknown time zone {name!r}: use an IANA name such as Europe/Tallinn.",
            field="timezone",
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - defensive
        raise DomainError(f"Unknown time zone {name!r}.", field="timezone") from exc


_ZONES: frozenset[str] | None = None


def _known_zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def local_to_utc(wall: datetime, zone_name: str, field: str | None = None) -> datetime:
    """A wall-clock time in `zone_name` as an aware UTC instant.

    A time the clocks skip (spring forward) is refused with a DomainError naming the gap.
    A time that happens twice (autumn) is read by `wall.fold`: 0 the earlier, 1 the later;
    forms and the CLI ask which with `choose_fold` before they call a service.
    """
    tz = zone(zone_name)
    instant = wall.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None, fold=0) != wall.replace(tzinfo=None, fold=0):
        raise DomainError(_gap_message(wall, zone_name), field)
    return instant


#: The answers to "which of the two?" for a time that happens twice, as forms and the CLI
#: take them, and the `datetime.fold` each stands for.
FOLDS = {"earlier": 0, "later": 1}


class RepeatedTime(DomainError):
    """A wall-clock time that happens twice, given without saying which of the two."""


def repeated_hour(wall: datetime, zone_name: str) -> tuple[str, str] | None:
    """For a time that happens twice: the earlier and the later as 'CEST, UTC+2'; else None."""
    tz = zone(zone_name)
    earlier, later = (wall.replace(tzinfo=tz, fold=fold) for fold in (0, 1))
    if earlier.utcoffset() == later.utcoffset():
        return None
    if earlier.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall.replace(fold=0):
        return None  # a gap, not a repeat: local_to_utc refuses it
    return tuple(f"{moment.tzname()}, {_offset_label(moment)}" for moment in (earlier, later))


def choose_fold(wall: datetime, zone_name: str, fold: str | None, field: str | None = None):
    """`wall` with the occurrence chosen ("earlier" or "later"); RepeatedTime when a time that
    happens twice comes with no choice. Times that happen once pass unchanged."""
    if fold in FOLDS:
        return wall.replace(fold=FOLDS[fold])
    labels = repeated_hour(wall, zone_name)
    if labels is None:
        return wall
    raise RepeatedTime(
        f"{format_clock(wall)} happens twice in {_place(zone_name)} on "
        f"{format_long_date(wall)}, when the clocks go back: choose the earlier ({labels[0]}) "
        f"or the later ({labels[1]}).",
        field,
    )


def _gap_message(wall: datetime, zone_name: str) -> str:
    tz = zone(zone_name)
    # Read with the offsets before and after the change, the wall time names two instants;
    # the clocks jump somewhere between them.
    low, high = sorted(wall.replace(tzinfo=tz, fold=fold).astimezone(UTC) for fold in (0, 1))
    before = low.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    change = high.replace(microsecond=0)
    clocks_from = (change + before).replace(tzinfo=None)
    clocks_to = change.astimezone(tz)
    jump = f"from {format_clock(clocks_from)} to {format_clock(clocks_to)}"
    if clocks_from.date() != clocks_to.date():  # a whole day skipped (Samoa, 2011)
        jump = (
            f"from {format_clock(clocks_from)} on {format_long_date(clocks_from)} "
            f"to {format_clock(clocks_to)} on {format_long_date(clocks_to)}"
        )
    return (
        f"{format_clock(wall)} does not exist in {_place(zone_name)} on "
        f"{format_long_date(wall)}: clocks go {jump}."
    )


def _place(zone_name: str) -> str:
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def _offset_label(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    hours, minutes = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def day_bounds_utc(first: date, last: date, zone_name: str) -> tuple[datetime, datetime]:
    """Instants of local midnight at the start of `first` and after `last`."""
    tz = zone(zone_name)
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def in_zone(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(zone(zone_name))
