"""Which regions (subdivisions) the `holidays` library knows for a country.

This module sits below the models (Partner validates its region here): it imports nothing
from the app's models.
"""

from functools import cache

import holidays
from flask_babel import gettext as _
from holidays.utils import list_supported_countries

from app.errors import DomainError

#: How many of a country's subdivision codes a refusal lists before "…".
CODES_SHOWN = 12


@cache
def _supported() -> dict[str, list[str]]:
    return list_supported_countries()


@cache
def _aliases(country: str) -> dict[str, str]:
    """Subdivision names the library also accepts ('England', 'Genova'), upper-cased → code."""
    calendar = holidays.country_holidays(country)
    aliases = getattr(calendar, "subdivisions_aliases", {}) or {}
    return {name.upper(): code for name, code in aliases.items()}


def country_supported(country: str) -> bool:
    """Whether the library has public holidays for `country` (ISO 3166-1 alpha-2)."""
    return (country or "").upper() in _supported()


def subdivisions(country: str) -> list[str]:
    """The subdivision codes the library has for `country` (empty: holidays are national)."""
    return list(_supported().get((country or "").upper(), []))


def region_code(country: str, region: str | None) -> str | None:
    """`region` as the library's subdivision code of `country`, or None for no region.

    Accepts the code in any case, with the ISO 3166-2 country prefix ("GB-ENG") or one of
    the library's names for it ("England", "Genova"); refuses anything else with a
    DomainError naming the codes that exist.
    """
    region = (region or "").strip()
    if not region:
        return None
    country = (country or "").upper()
    codes = subdivisions(country)
    if not codes:
        raise DomainError(
            _(
                "%(country)s has no regions in the public-holiday calendar: its holidays are "
                "the same everywhere, so leave the region empty.",
                country=country,
            ),
            "region",
        )
    wanted = region.upper()
    if wanted.startswith(country + "-"):
        wanted = wanted[len(country) + 1 :]
    by_upper = {code.upper(): code for code in codes}
    if wanted in by_upper:
        return by_upper[wanted]
    if wanted in _aliases(country):
        return _aliases(country)[wanted]
    shown = ", ".join(codes[:CODES_SHOWN]) + (", …" if len(codes) > CODES_SHOWN else "")
    raise DomainError(
        _(
            "%(region)s is not a region of %(country)s in the public-holiday calendar: use "
            "one of its codes (%(codes)s).",
            region=repr(region),
            country=country,
            codes=shown,
        ),
        "region",
    )


def region_names(country: str) -> dict[str, str]:
    """Each subdivision code of `country` with the library's name for it where it has one
    ('GE' → 'Genova', 'ENG' → 'England'); the code itself otherwise."""
    names: dict[str, str] = {}
    calendar = holidays.country_holidays(country) if subdivisions(country) else None
    aliases = getattr(calendar, "subdivisions_aliases", {}) or {}
    for name, code in aliases.items():
        names.setdefault(code, name)
    return {code: names.get(code, code) for code in subdivisions(country)}
