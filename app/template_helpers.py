"""Jinja filters and globals shared by every area's templates."""

from datetime import datetime

from flask import Flask
from flask_login import current_user

from app.auth.permissions import can_see_meeting_link
from app.events.models import MeetingLink
from app.events.models import meeting_link as _meeting_link
from app.timezones import in_zone


def format_local(instant: datetime | None, zone_name: str, with_zone: bool = True) -> str:
    """'16 Jun 2020, 09:30 BST (Europe/London)'."""
    if instant is None:
        return ""
    local = in_zone(instant, zone_name)
    text = f"{local:%-d %b %Y, %H:%M}"
    return f"{text} {local:%Z} ({zone_name})" if with_zone else text


def format_time(instant: datetime, zone_name: str) -> str:
    return f"{in_zone(instant, zone_name):%H:%M}"


def format_day(instant: datetime, zone_name: str) -> str:
    return f"{in_zone(instant, zone_name):%a %-d %b %Y}"


def event_dates(event) -> str:
    """An event's dates in its own zone: '16–18 Jun 2020' or '17 Jul 2021'."""
    start = event.local_start
    # An all-day event ends at the midnight after its last day.
    end = in_zone(event.ends_at, event.timezone)
    if event.all_day:
        from datetime import timedelta

        end = end - timedelta(days=1)
    if start.date() == end.date():
        return f"{start:%-d %b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%-d}–{end:%-d %b %Y}"
    return f"{start:%-d %b %Y} – {end:%-d %b %Y}"


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
    app.jinja_env.globals["event_dates"] = event_dates
    app.jinja_env.globals["reader_timezone"] = reader_timezone
    app.jinja_env.globals["meeting_link"] = meeting_link
