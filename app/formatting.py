"""Dates, times, spans and numbers as the reader's language writes them, by Babel (CLDR).

Every page, feed, message and report formats through these functions; nothing else in the
app writes a date pattern. The language is the request's (`flask_babel.get_locale`, chosen
by app.i18n), or the one forced with `flask_babel.force_locale` (CLI, feeds, PDF report),
or English outside any request; each function also takes `lang=` to say it explicitly.

English keeps the compact British style the partnership has always read ("16 Jun 2020",
"16–18 Jun 2020", "09:30 BST (Europe/London)"); the other languages use CLDR's long date
("16. juuni 2020", "2020. június 16.") and name the zone in their own words beside its
IANA id ("Briti suveaeg (Europe/London)").

This module sits below the models: it imports nothing from the app.
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import get_timezone_name
from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale

DEFAULT_LANGUAGE = "en"

#: The CLDR locale each interface language formats with. English patterns are fixed below
#: (day before month, 24-hour clock); CLDR's plain "en" gives their names ("Sep", not "Sept").
BABEL_LOCALES = {"en": "en", "et": "et", "hu": "hu", "it": "it", "sv": "sv"}

#: English patterns, fixed so English pages read as they always have.
ENGLISH = {
    "date": "d MMM y",  # 16 Jun 2020
    "long_date": "d MMMM y",  # 16 June 2020
    "day": "EEE d MMM y",  # Tue 16 Jun 2020
    "month": "MMMM y",  # June 2020
    "short_month": "MMM y",  # Jun 2020
    "day_month": "d MMM",  # 16 Jun
    "time": "HH:mm",
    "datetime": "{1}, {0}",
}
#: English date spans, by the largest field that differs: the first day's pattern, the last's.
ENGLISH_SPANS = {
    "d": ("d'–'", "d MMM y"),  # 16–18 Jun 2020
    "M": ("d MMM y' – '", "d MMM y"),  # 30 Jun 2020 – 2 Jul 2020
    "y": ("d MMM y' – '", "d MMM y"),
}
#: A number as recorded: thousands grouped, at most two decimals.
NUMBER_PATTERN = "#,##0.##"


def language(lang: str | None = None) -> str:
    """`lang` when given, else the current request's (or forced) language, else English."""
    if lang:
        return lang if lang in BABEL_LOCALES else DEFAULT_LANGUAGE
    current = get_locale()
    code = current.language if current is not None else DEFAULT_LANGUAGE
    return code if code in BABEL_LOCALES else DEFAULT_LANGUAGE


def _locale(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[lang])


def _pattern(kind: str, lang: str) -> str:
    """The date pattern of `kind` in `lang`: English's own, else CLDR's for the locale."""
    if lang == DEFAULT_LANGUAGE:
        return ENGLISH[kind]
    locale = _locale(lang)
    if kind == "date" or kind == "long_date":
        return locale.date_formats["long"].pattern
    if kind == "day":
        return locale.date_formats["full"].pattern
    if kind == "month":
        return locale.datetime_skeletons["yMMMM"].pattern
    if kind == "short_month":
        return locale.datetime_skeletons["yMMM"].pattern
    if kind == "day_month":
        return locale.datetime_skeletons["MMMd"].pattern
    if kind == "time":
        return locale.time_formats["short"].pattern
    if kind == "datetime":
        return locale.datetime_formats["medium"]
    raise KeyError(kind)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _in_zone(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone_name))


def format_date(value: date | datetime, lang: str | None = None) -> str:
    """A day: '16 Jun 2020', '16. juuni 2020', '2020. június 16.', '16 giugno 2020'."""
    lang = language(lang)
    return _babel_date(_day(value), _pattern("date", lang), locale=_locale(lang))


def format_long_date(value: date | datetime, lang: str | None = None) -> str:
    """A day with the month written out, for prose: '16 June 2020', '16 juni 2020'."""
    lang = language(lang)
    return _babel_date(_day(value), _pattern("long_date", lang), locale=_locale(lang))


def format_weekday_date(value: date | datetime, lang: str | None = None) -> str:
    """A day with its weekday: 'Tue 16 Jun 2020', 'martedì 16 giugno 2020'."""
    lang = language(lang)
    return _babel_date(_day(value), _pattern("day", lang), locale=_locale(lang))


def format_month(value: date | datetime, lang: str | None = None) -> str:
    """A month: 'June 2020', 'juuni 2020', '2020. június'."""
    lang = language(lang)
    return _babel_date(_day(value), _pattern("month", lang), locale=_locale(lang))


def format_short_month(value: date | datetime, lang: str | None = None) -> str:
    """A month, abbreviated where the language does: 'Jun 2020', '2020. jún.'."""
    lang = language(lang)
    return _babel_date(_day(value), _pattern("short_month", lang), locale=_locale(lang))


def format_day_month(value: date | datetime, lang: str | None = None) -> str:
    """A day without its year, where the year is plain: '16 Jun', '16. juuni', 'jún. 16.'."""
    lang = language(lang)
    return _babel_date(_day(value), _pattern("day_month", lang), locale=_locale(lang))


def format_clock(value: datetime, lang: str | None = None) -> str:
    """A wall-clock time as it stands (no zone conversion): '09:30', '9:30' in Hungarian."""
    lang = language(lang)
    return _babel_datetime(value.replace(tzinfo=None), _pattern("time", lang), locale=_locale(lang))


def format_time(instant: datetime, zone_name: str, lang: str | None = None) -> str:
    """The time of `instant` in `zone_name`: '09:30'."""
    return format_clock(_in_zone(instant, zone_name), lang)


def zone_label(local: datetime, zone_name: str, lang: str | None = None) -> str:
    """The zone beside a time: 'BST (Europe/London)', 'Briti suveaeg (Europe/London)'.

    English keeps the zone's abbreviation; other languages use CLDR's name for the zone at
    that moment (summer or standard time) where it has one. The IANA id always follows.
    """
    lang = language(lang)
    name = None
    if lang != DEFAULT_LANGUAGE:
        name = get_timezone_name(local, width="long", locale=_locale(lang))
        if name.startswith(("GMT", "UTC")) and zone_name != "UTC":
            name = None  # an offset, not a name: the abbreviation says as much
    name = name or local.tzname() or ""
    return f"{name} ({zone_name})" if name else f"({zone_name})"


def format_local(
    instant: datetime | None, zone_name: str, with_zone: bool = True, lang: str | None = None
) -> str:
    """Date and time in `zone_name`: '16 Jun 2020, 09:30 BST (Europe/London)'."""
    if instant is None:
        return ""
    lang = language(lang)
    local = _in_zone(instant, zone_name)
    text = _date_and_time(local, lang)
    return f"{text} {zone_label(local, zone_name, lang)}" if with_zone else text


def _date_and_time(local: datetime, lang: str) -> str:
    combined = _pattern("datetime", lang)
    return combined.replace("{1}", format_date(local, lang)).replace(
        "{0}", format_clock(local, lang)
    )


def format_date_span(first: date, last: date, lang: str | None = None) -> str:
    """Days from `first` to `last` inclusive: '16–18 Jun 2020', '16.–18. juuni 2020'."""
    lang = language(lang)
    first, last = _day(first), _day(last)
    if first == last:
        return format_date(first, lang)
    if is_whole_month(first, last):  # a plan known only to the month: "March 2020"
        return format_month(first, lang)
    field = "y" if first.year != last.year else "M" if first.month != last.month else "d"
    if lang == DEFAULT_LANGUAGE:
        start_pattern, end_pattern = ENGLISH_SPANS[field]
    else:
        start_pattern, end_pattern = _span_patterns(lang, field)
    locale = _locale(lang)
    return _babel_date(first, start_pattern, locale=locale) + _babel_date(
        last, end_pattern, locale=locale
    )


def is_whole_month(first: date, last: date) -> bool:
    return first.day == 1 and (last + timedelta(days=1)).day == 1 and first.month == last.month


def _span_patterns(lang: str, field: str) -> tuple[str, str]:
    """CLDR's interval pattern for days, with months written out as the long date does."""
    formats = _locale(lang).interval_formats
    skeleton = "yMMMMd" if "yMMMMd" in formats else "yMMMd"
    first, last = formats[skeleton][field]
    return _widen(first), _widen(last)


def _widen(pattern: str) -> str:
    """'dd MMM' -> 'd MMMM': the month written out and the day unpadded, like the long date."""
    pattern = re.sub(r"(?<![M'])M{3}(?!M)", "MMMM", pattern)
    return re.sub(r"(?<![d'])dd(?!d)", "d", pattern)


def format_datetime_span(
    start: datetime, end: datetime, zone_name: str, lang: str | None = None
) -> str:
    """Two instants in `zone_name`: '16 Jun 2020, 09:30–11:00 BST (Europe/London)', or
    '16 Jun 2020, 09:30 – 17 Jun 2020, 11:00 BST (Europe/London)' across days."""
    lang = language(lang)
    local_start, local_end = _in_zone(start, zone_name), _in_zone(end, zone_name)
    zone = zone_label(local_end, zone_name, lang)
    if local_start.date() == local_end.date():
        return f"{_date_and_time(local_start, lang)}–{format_clock(local_end, lang)} {zone}"
    return f"{_date_and_time(local_start, lang)} – {_date_and_time(local_end, lang)} {zone}"


def all_day_last(start: datetime, end: datetime, zone_name: str) -> date:
    """The last day of an all-day span that ends at the midnight after it."""
    last = _in_zone(end, zone_name)
    day = last.date()
    if last.time() == datetime.min.time() and day > _in_zone(start, zone_name).date():
        day -= timedelta(days=1)
    return day


def country_name(code: str, lang: str | None = None) -> str:
    """A country by its ISO code, in the reader's words: 'Hungary', 'Ungari', 'Magyarország'."""
    lang = language(lang)
    return _locale(lang).territories.get((code or "").upper(), code)


def format_number(value: int | float | Decimal | None, lang: str | None = None) -> str:
    """A recorded figure, grouped and without needless decimals: '1 234.5', '1 234,5'.

    English keeps the narrow no-break space between thousands the app has always shown.
    """
    if value is None:
        return ""
    lang = language(lang)
    text = format_decimal(value, NUMBER_PATTERN, locale=_locale(lang))
    return text.replace(",", "\u202f") if lang == DEFAULT_LANGUAGE else text


def format_quantity(value: int | float | Decimal, lang: str | None = None) -> str:
    """A report figure: whole numbers as such, others with two decimals: '1,234', '12.50'."""
    lang = language(lang)
    pattern = "#,##0" if float(value) == round(float(value)) else "#,##0.00"
    return format_decimal(value, pattern, locale=_locale(lang))


def format_money(amount: Decimal, currency: str, lang: str | None = None) -> str:
    """An amount with its currency, as the language writes it: '€50.00', '50,00 €'."""
    lang = language(lang)
    return format_currency(amount, currency, locale=_locale(lang))
