"""Time-zone helpers: every zone name that enters the database passes through here."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import get_timezone_location
from flask_babel import gettext as _

from app.errors import DomainError
from app.formatting import DEFAULT_LANGUAGE, format_clock, format_long_date, language


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`, or a DomainError saying the name is unknown."""
    if not name or name not in _known_zones():
        raise DomainError(
            _(
                "Unknown time zone %(name)s: use an IANA name such as Europe/Tallinn.",
                name=repr(name),
            ),
            field="timezone",
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - defensive
        raise DomainError(
            _("Unknown time zone %(name)s.", name=repr(name)), field="timezone"
        ) from exc


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
        _(
            "%(time)s happens twice in %(place)s on %(date)s, when the clocks go back: "
            "choose the earlier (%(earlier)s) or the later (%(later)s).",
            time=format_clock(wall),
            place=_place(zone_name),
            date=format_long_date(wall),
            earlier=labels[0],
            later=labels[1],
        ),
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
    words = dict(
        time=format_clock(wall),
        place=_place(zone_name),
        date=format_long_date(wall),
        before=format_clock(clocks_from),
        after=format_clock(clocks_to),
    )
    if clocks_from.date() != clocks_to.date():  # a whole day skipped (Samoa, 2011)
        return _(
            "%(time)s does not exist in %(place)s on %(date)s: clocks go from %(before)s on "
            "%(before_date)s to %(after)s on %(after_date)s.",
            before_date=format_long_date(clocks_from),
            after_date=format_long_date(clocks_to),
            **words,
        )
    return _(
        "%(time)s does not exist in %(place)s on %(date)s: clocks go from %(before)s to %(after)s.",
        **words,
    )


def _place(zone_name: str) -> str:
    """The zone's city, as the reader's language writes it ("Roma" in Italian); in English
    (and where CLDR names none) the city of the IANA id."""
    lang = language()
    if lang != DEFAULT_LANGUAGE and "/" in zone_name:
        try:
            return get_timezone_location(zone_name, locale=lang, return_city=True)
        except LookupError:  # pragma: no cover - a zone CLDR does not know
            pass
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
