"""Time-zone helpers: every zone name that enters the database passes through here."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from app.errors import DomainError


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


def local_to_utc(wall: datetime, zone_name: str) -> datetime:
    """A wall-clock time in `zone_name` as an aware UTC instant."""
    return wall.replace(tzinfo=zone(zone_name)).astimezone(UTC)


def day_bounds_utc(first: date, last: date, zone_name: str) -> tuple[datetime, datetime]:
    """Instants of local midnight at the start of `first` and after `last`."""
    tz = zone(zone_name)
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def in_zone(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(zone(zone_name))
