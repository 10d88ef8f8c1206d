"""Jinja filters and globals shared by every area's templates.

Dates, times and numbers go through app.formatting (Babel, in the page's language).
"""

from flask import Flask
from flask_login import current_user

from app.auth.permissions import can_see_meeting_link
from app.error_summary import form_problems
from app.events.models import MeetingLink
from app.events.models import meeting_link as _meeting_link
from app.formatting import (
    all_day_last,
    format_date,
    format_date_span,
    format_local,
    format_long_date,
    format_month,
    format_number,
    format_quantity,
    format_short_month,
    format_time,
    format_weekday_date,
    zone_label,
)
from app.lists import PAGE_SIZES
from app.timezones import in_zone

__all__ = ["event_dates", "format_day", "format_local", "format_time", "reader_timezone"]


def format_day(instant, zone_name: str) -> str:
    """The day of `instant` in `zone_name`, with its weekday: 'Tue 16 Jun 2020'."""
    return format_weekday_date(in_zone(instant, zone_name))


def event_dates(event) -> str:
    """An event's dates in its own zone: '16–18 Jun 2020' or '17 Jul 2021'."""
    if event.all_day:  # it ends at the midnight after its last day
        last = all_day_last(event.starts_at, event.ends_at, event.timezone)
    else:
        last = in_zone(event.ends_at, event.timezone).date()
    return format_date_span(event.local_start.date(), last)


def reader_timezone() -> str | None:
    """The zone the current reader reads times in, or None (show the event's own)."""
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


def meeting_link(event) -> MeetingLink | None:
    """The event's meeting link as the current reader may have it (see `meeting_link`)."""
    return _meeting_link(event.format, event.online_url, can_see_meeting_link())


def init_app(app: Flask) -> None:
    app.jinja_env.filters["local"] = format_local
    app.jinja_env.filters["hhmm"] = format_time
    app.jinja_env.filters["day"] = format_day
    # Plain days (dates, or datetimes read as their date): '16 Jun 2020', '16. juuni 2020'.
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["long_date"] = format_long_date
    app.jinja_env.filters["month"] = format_month
    app.jinja_env.filters["short_month"] = format_short_month
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["quantity"] = format_quantity
    app.jinja_env.globals["event_dates"] = event_dates
    app.jinja_env.globals["date_span"] = format_date_span
    app.jinja_env.globals["zone_label"] = zone_label
    app.jinja_env.globals["reader_timezone"] = reader_timezone
    app.jinja_env.globals["meeting_link"] = meeting_link
    app.jinja_env.globals["form_problems"] = form_problems
    app.jinja_env.globals["page_sizes"] = PAGE_SIZES
