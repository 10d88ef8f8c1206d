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
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from flask_babel import gettext as _

from app.formatting import country_name, format_long_date, language
from app.holidays.regions import country_supported
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
