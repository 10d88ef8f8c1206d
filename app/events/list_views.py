"""The events list (sorted, paged, filtered from the URL), its CSV and XLSX downloads, and
the month calendar. Every reader sees what `permissions.can_see_internal` allows; the
downloads hold exactly the rows of the list, every page of them."""

import calendar as month_calendar
from datetime import UTC, date, datetime, timedelta

from babel.dates import get_day_names
from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import permissions as can
from app.errors import UnknownPeriod
from app.events import queries, services
from app.events.blueprint import bp
from app.events.forms import FilterForm
from app.events.models import Event
from app.exports import download
from app.exports.columns import event_tables
from app.formatting import BABEL_LOCALES, language
from app.holidays.services import chosen_partners, holidays_by_day
from app.home.queries import partners_of
from app.lists import ListArgs, Page, one_page, read_list_args
from app.partners.models import Project
from app.search.services import matching_ids
from app.template_helpers import reader_timezone
from app.timezones import in_zone
from app.view_helpers import project_or_404

#: The list's own filters, kept in every link it makes (sort, pages, page size, downloads).
FILTERS = ("kind", "partner", "status", "semester", "when", "q")
WHEN = ("upcoming", "past", "all")
#: Longest `?q=` text read; the rest is ignored.
QUERY_LENGTH = 200


def _chosen(args, name: str, allowed) -> str | None:
    value = args.get(name, "")
    return value if value in allowed else None


def read_filters(project: Project) -> tuple[FilterForm, queries.EventFilter, ListArgs]:
    """The list's filters, sort and page from the query string; unknown values are ignored
    (the list shows as if they were not given)."""
    args = request.args
    partners = partners_of(project)
    form = FilterForm(args)
    form.partner.choices = [("", _("Any partner"))] + [(p.code, p.city) for p in partners]
    form.semester.choices = [("", _("Any semester"))] + [
        (str(p.number), p.label) for p in project.periods()
    ]
    partner = next((p for p in partners if p.code == args.get("partner")), None)
    period = None
    number = args.get("semester", "")
    if number.isascii() and number.isdigit():
        try:
            period = project.period(int(number))
        except UnknownPeriod:
            period = None
    when = _chosen(args, "when", WHEN) or "upcoming"
    form.when.data = when
    text = args.get("q", "").strip()[:QUERY_LENGTH]
    filters = queries.EventFilter(
        include_internal=can.can_see_internal(),
        kind=_chosen(args, "kind", {v for v, _label in form.kind.choices if v}),
        status=_chosen(args, "status", {v for v, _label in form.status.choices if v}),
        partner_id=partner.id if partner else None,
        period=period,
        when=when,
        text=text,
        # The same words, accents and prefixes as the search page (`/search`).
        matching=matching_ids("event", text) if text else None,
    )
    list_args = read_list_args(
        "events.list_events",
        args,
        sorts=queries.EVENT_SORTS,
        # Upcoming: the soonest first; past: the latest first.
        default_sort="-date" if when == "past" else "date",
        filters=FILTERS,
    )
    return form, filters, list_args


@bp.get("/events")
def list_events():
    project = project_or_404()
    form, filters, list_args = read_filters(project)
    page: Page = one_page(
        list_args,
        lambda limit, offset: queries.list_events(
            project, filters, sort=list_args.sort, limit=limit, offset=offset
        ),
    )
    return render_template(
        "events/list.html",
        project=project,
        page=page,
        events=page.items,
        form=form,
        query=filters.text,
        filtered=bool(list_args.filters),
        list_args=list_args,
        can_create=can.can_create_events(),
    )


def _download(file_format: str):
    project = project_or_404()
    _form, filters, list_args = read_filters(project)
    events, _total = queries.list_events(project, filters, sort=list_args.sort, for_download=True)
    tables = event_tables(
        events,
        with_internal=filters.include_internal,
        with_attendance=can.can_see_internal(),
    )
    return download(tables, "events", file_format)


@bp.get("/events.csv")
def events_csv():
    return _download("csv")


@bp.get("/events.xlsx")
def events_xlsx():
    return _download("xlsx")


def _month_arg(text: str | None, today: date) -> date:
    if text:
        try:
            parsed = datetime.strptime(text, "%Y-%m")
        except ValueError:
            parsed = None
        if parsed is not None:
            # No event lies outside these years, and date arithmetic ends at year 1 and 9999.
            if not services.FIRST_YEAR <= parsed.year <= services.LAST_YEAR:
                abort(404)
            return date(parsed.year, parsed.month, 1)
    return date(today.year, today.month, 1)


@bp.get("/events/calendar")
def calendar():
    project = project_or_404()
    reader_tz = reader_timezone()
    today = in_zone(datetime.now(UTC), reader_tz or "UTC").date()
    first = _month_arg(request.args.get("month"), today)
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = datetime.combine(weeks[0][0], datetime.min.time(), UTC) - timedelta(days=1)
    end = datetime.combine(weeks[-1][-1], datetime.min.time(), UTC) + timedelta(days=2)
    by_day: dict[date, list[Event]] = {}
    for event in queries.calendar_events(project, start, end, can.can_see_internal()):
        tz = event.timezone if event.all_day else (reader_tz or event.timezone)
        day = in_zone(event.starts_at, tz).date()
        last = in_zone(event.ends_at - timedelta(microseconds=1), tz).date()
        while day <= last:
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    month_start = datetime.combine(first, datetime.min.time(), UTC)
    month_end = datetime.combine(
        (first + timedelta(days=32)).replace(day=1), datetime.min.time(), UTC
    )
    earlier, later = queries.nearest_starts(project, month_start, month_end, can.can_see_internal())
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    # The columns' heads, Monday first, as the reader's language abbreviates them (CLDR).
    names = get_day_names("abbreviated", context="stand-alone", locale=BABEL_LOCALES[language()])
    # Public holidays shaded for the partners the reader picks (their own partner at first).
    partners = partners_of(project)
    own = current_user.partner_id if current_user.is_authenticated else None
    shaded = chosen_partners(partners, request.args.getlist("partner"), own)
    return render_template(
        "events/calendar.html",
        partners=partners,
        shaded=shaded,
        holidays=holidays_by_day(shaded, weeks[0][0], weeks[-1][-1]),
        project=project,
        first=first,
        weeks=weeks,
        by_day=by_day,
        today=today,
        previous=previous,
        following=following,
        reader_tz=reader_tz,
        day_names=[names[weekday] for weekday in range(7)],
        earlier=earlier,
        later=later,
    )
