"""A partner's public holidays, and the warnings an event's dates raise with them.

Answers "which days are public holidays or official days off for this partner?" from the
`holidays` library: the partner's country, and its region (`Partner.region`, a subdivision
code of the library) where holidays differ by region. Categories are the country's public
holidays plus its de facto days off where the library records them (Sweden's midsummer,
Christmas and New Year's eves). Names are in the reader's language where the library has
it, else English.

Stays cheap: one calendar per (country, region, year, language) is built once per process
and kept (`_year_holidays`); nothing is stored in the database, and feeds never carry them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from flask_babel import gettext as _

from app.formatting import country_name, format_long_date, language
from app.holidays.regions import country_supported, region_code
from app.partners.models import Partner
from app.timezones import in_zone

#: The library's categories that are days off: public holidays, and de facto days off
#: (where a country has them), whichever the country supports.
DAY_OFF_CATEGORIES = ("public", "de_facto")

#: English as the library spells it, in order of preference: the app writes British English.
ENGLISH = ("en_GB", "en_US", "en")


def library_language(country: str, lang: str | None = None) -> str | None:
    """The library's language code for `lang` (the reader's, by default) in `country`:
    'it' → 'it_IT', 'sv' → 'sv'; English where the country has no names in `lang`."""
    lang = language(lang)
    calendar_class = holidays.country_holidays(country).__class__
    supported = tuple(getattr(calendar_class, "supported_languages", ()) or ())
    if lang in supported:
        return lang
    for code in supported:
        if code.split("_")[0] == lang and lang != "en":
            return code
    for code in ENGLISH:
        if code in supported:
            return code
    return None


@lru_cache(maxsize=512)
def _year_holidays(
    country: str, region: str | None, year: int, lib_language: str | None
) -> tuple[tuple[date, tuple[str, ...]], ...]:
    """One year's days off of a country (and region), with their names, in date order."""
    calendar_class = holidays.country_holidays(country).__class__
    supported = getattr(calendar_class, "supported_categories", ("public",))
    categories = tuple(c for c in DAY_OFF_CATEGORIES if c in supported) or ("public",)
    calendar = holidays.country_holidays(
        country, subdiv=region, years=year, language=lib_language, categories=categories
    )
    return tuple(
        (day, tuple(calendar.get_list(day))) for day in sorted(calendar) if calendar.get_list(day)
    )


def country_holidays_between(
    country: str, region: str | None, first: date, last: date, lang: str | None = None
) -> dict[date, list[str]]:
    """Days off from `first` to `last` (both included) in `country` (and `region`)."""
    country = (country or "").upper()
    if not country_supported(country) or last < first:
        return {}
    lib_language = library_language(country, lang)
    found: dict[date, list[str]] = {}
    for year in range(first.year, last.year + 1):
        for day, names in _year_holidays(country, region, year, lib_language):
            if first <= day <= last:
                found[day] = list(names)
    return found


def holidays_between(
    partner: Partner, first: date, last: date, language: str | None = None
) -> dict[date, list[str]]:
    """The partner's public holidays and official days off from `first` to `last` (both
    included): day → the holiday's names (usually one), in `language` (the reader's by
    default) where the library has it, else English."""
    return country_holidays_between(partner.country, partner.region, first, last, language)


def holidays_by_partner(
    partners: Iterable[Partner], first: date, last: date, language: str | None = None
) -> dict[int, dict[date, list[str]]]:
    """`holidays_between` for several partners at once: partner id → day → names."""
    return {p.id: holidays_between(p, first, last, language) for p in partners}


def event_days(starts_at: datetime, ends_at: datetime | None, zone_name: str) -> list[date]:
    """Every local day in `zone_name` an event touches; an end at local midnight does not
    touch the day it opens (an all-day event ends at the midnight after its last day)."""
    first = in_zone(starts_at, zone_name)
    if ends_at is None:
        return [first.date()]
    end = in_zone(ends_at, zone_name)
    last = end.date()
    if end.time() == datetime.min.time() and last > first.date():
        last -= timedelta(days=1)
    return [first.date() + timedelta(days=n) for n in range((last - first.date()).days + 1)]


def holiday_warnings(
    partners: Iterable[Partner],
    starts_at: datetime,
    ends_at: datetime | None,
    zone_name: str,
) -> list[str]:
    """One warning per (day, country) an event touches that is a public holiday or an
    official day off for one of `partners` (the host and the visiting partners): "20 August
    2026 is a public holiday in Hungary: State Foundation Day". Days are the event's own,
    in its zone, every day of a multi-day event; in date order, then by country. In the
    current language (the request's, or one forced with `flask_babel.force_locale`)."""
    days = event_days(starts_at, ends_at, zone_name)
    lang = language()
    found: dict[tuple[date, str], list[str]] = {}
    seen: set[tuple[str, str | None]] = set()
    for partner in sorted(partners, key=lambda p: (p.country, p.region or "")):
        key = (partner.country, partner.region)
        if key in seen:
            continue
        seen.add(key)
        for day, names in holidays_between(partner, days[0], days[-1], lang).items():
            known = found.setdefault((day, partner.country), [])
            known += [name for name in names if name not in known]
    return [
        # Translators: "20 August 2026 is a public holiday in Hungary: State Foundation Day".
        _(
            "%(date)s is a public holiday in %(country)s: %(holiday)s.",
            date=format_long_date(day, lang),
            country=country_name(country, lang),
            holiday=", ".join(names),
        )
        for (day, country), names in sorted(found.items())
    ]


def set_region(partner: Partner, region: str | None) -> bool:
    """Set the partner's region (a subdivision code of its country, or none); refuses a
    region its country does not have, before writing. True when it changed; the caller
    commits."""
    code = region_code(partner.country, region)
    if code == partner.region:
        return False
    partner.region = code
    return True


def chosen_partners(
    partners: list[Partner], codes: list[str], own_partner_id: int | None
) -> list[Partner]:
    """The partners whose holidays a calendar shades: those whose codes the reader chose,
    else the reader's own partner, else none."""
    chosen = [p for p in partners if p.code in set(codes)]
    if not codes and own_partner_id is not None:
        chosen = [p for p in partners if p.id == own_partner_id]
    return chosen


def holidays_by_day(
    partners: Iterable[Partner], first: date, last: date
) -> dict[date, list[tuple[Partner, list[str]]]]:
    """Day → (partner, the holiday's names) for each of `partners` off that day, from
    `first` to `last`; partners in the order given."""
    found: dict[date, list[tuple[Partner, list[str]]]] = {}
    for partner in partners:
        for day, names in holidays_between(partner, first, last).items():
            found.setdefault(day, []).append((partner, names))
    return found


@dataclass
class EventHoliday:
    """A public holiday an event falls on, in one country: for the dashboard's list."""

    day: date
    event: object  # app.events.models.Event
    country: str
    partners: list[Partner]
    names: list[str]

    @property
    def country_name(self) -> str:
        return country_name(self.country)


def event_holidays(events: Iterable, first: date, last: date) -> list[EventHoliday]:
    """For each event, each day of it from `first` to `last` (in its own zone) that is a
    public holiday for its host or a visiting partner: one row per (day, event, country),
    in date order."""
    found: list[EventHoliday] = []
    for event in events:
        days = [
            d
            for d in event_days(event.starts_at, event.ends_at, event.timezone)
            if first <= d <= last
        ]
        if not days:
            continue
        rows: dict[tuple[date, str], EventHoliday] = {}
        for partner in sorted(event.participants, key=lambda p: (p.country, p.city)):
            for day, names in holidays_between(partner, days[0], days[-1]).items():
                row = rows.setdefault(
                    (day, partner.country), EventHoliday(day, event, partner.country, [], [])
                )
                row.partners.append(partner)
                row.names += [name for name in names if name not in row.names]
        found += rows.values()
    return sorted(found, key=lambda r: (r.day, r.event.starts_at, r.event.id, r.country))
