"""Event queries the pages and reports need, eager-loaded so the query count is fixed."""

from dataclasses import dataclass
from datetime import UTC, datetime, time

from flask import has_request_context, request
from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import selectinload

from app.enums import EventKind, EventStatus
from app.events.models import Event, EventSession, event_participant
from app.extensions import db
from app.partners.models import Partner, Person, Project
from app.partners.periods import ReportingPeriod
from app.timezones import zone


def with_details(query: Select) -> Select:
    """Load host, participants, venue, sessions with experts and attendance up front."""
    return query.options(
        selectinload(Event.host),
        selectinload(Event.participants),
        selectinload(Event.venue),
        selectinload(Event.sessions).selectinload(EventSession.experts),
        selectinload(Event.attendance),
    )


def period_bounds(period: ReportingPeriod) -> tuple[datetime, datetime]:
    """A period's days as UTC instants. Days are read in UTC, the partnership's common clock;
    an event counts for the period its local start date falls in (see `in_period`)."""
    start = datetime.combine(period.start, time(0), UTC)
    end = datetime.combine(period.end, time(0), UTC)
    return start, end


def events_in_period(
    project: Project, period: ReportingPeriod, include_internal: bool = True
) -> list[Event]:
    """Events whose local start date falls within the period, in start order."""
    start, end = period_bounds(period)
    # Widen by a day on each side, then decide by the local date (zones differ by hours).
    from datetime import timedelta

    query = with_details(
        select(Event)
        .where(Event.project_id == project.id)
        .where(
            Event.starts_at >= start - timedelta(days=1), Event.starts_at < end + timedelta(days=1)
        )
        .order_by(Event.starts_at)
    )
    if not include_internal:
        query = query.where(Event.is_public.is_(True))
    return [e for e in db.session.scalars(query) if period.contains(e.local_start.date())]


# --- Page queries of the events screens.


def visible(query: Select, include_internal: bool) -> Select:
    return query if include_internal else query.where(Event.is_public.is_(True))


@dataclass(frozen=True)
class EventFilter:
    """What the events list (and its downloads) shows: the reader's visibility and filters."""

    include_internal: bool
    kind: str | None = None
    partner_id: int | None = None
    status: str | None = None
    period: ReportingPeriod | None = None
    when: str = "upcoming"  # upcoming (not ended yet), past, all
    text: str = ""  # ?q=
    #: The ids of the events whose words `text` matches (`search.services.matching_ids`).
    matching: Select | None = None


#: The events list's sort keys: the column each orders by (then start, then id).
EVENT_SORTS = ("date", "kind", "host", "status")


def _event_zones(project: Project) -> list[str]:
    """The zones the project's events use; read once per request (the home page asks for
    two semesters)."""
    cached = getattr(request, "_event_zones", None) if has_request_context() else None
    if cached is not None and cached[0] == project.id:
        return cached[1]
    zones = list(
        db.session.scalars(select(Event.timezone).where(Event.project_id == project.id).distinct())
    )
    if has_request_context():
        request._event_zones = (project.id, zones)
    return zones


def in_period(project: Project, period: ReportingPeriod) -> ColumnElement[bool]:
    """Events whose local start date falls in `period`, decided in SQL: per time zone the
    events use, the local midnights that bound the period (one query for the zones)."""
    zones = _event_zones(project)
    if not zones:
        return false()

    def midnight(day, name: str) -> datetime:
        return datetime.combine(day, time(0), zone(name)).astimezone(UTC)

    return or_(
        *(
            and_(
                Event.timezone == name,
                Event.starts_at >= midnight(period.start, name),
                Event.starts_at < midnight(period.end, name),
            )
            for name in zones
        )
    )


def filtered(project: Project, filters: EventFilter, now: datetime) -> Select:
    """The events `filters` match, unordered (the list, its downloads and the API)."""
    query = visible(select(Event).where(Event.project_id == project.id), filters.include_internal)
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.status:
        query = query.where(Event.status == filters.status)
    if filters.partner_id:
        takes_part = select(event_participant.c.event_id).where(
            event_participant.c.partner_id == filters.partner_id
        )
        query = query.where(
            (Event.host_partner_id == filters.partner_id) | Event.id.in_(takes_part)
        )
    if filters.when == "upcoming":
        query = query.where(Event.ends_at >= now)
    elif filters.when == "past":
        query = query.where(Event.ends_at < now)
    if filters.period is not None:
        query = query.where(in_period(project, filters.period))
    if filters.matching is not None:
        query = query.where(Event.id.in_(filters.matching))
    return query


def _label_order(column, labels: dict[str, str]):
    """Order a code column by its label in the reader's language."""
    ranks = {code: rank for rank, code in enumerate(sorted(labels, key=lambda c: labels[c]))}
    return case(ranks, value=column, else_=len(ranks))


def _event_order(sort: str) -> list:
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    if key == "kind":
        column = _label_order(Event.kind, {k.value: k.label.casefold() for k in EventKind})
    elif key == "status":
        column = _label_order(Event.status, {s.value: s.label.casefold() for s in EventStatus})
    elif key == "host":
        column = func.lower(Partner.city)
    elif descending:
        return [Event.starts_at.desc(), Event.id.desc()]
    else:
        return [Event.starts_at, Event.id]
    return [column.desc() if descending else column, Event.starts_at, Event.id]


def list_events(
    project: Project,
    filters: EventFilter,
    *,
    sort: str = "date",
    limit: int | None = None,
    offset: int = 0,
    now: datetime | None = None,
    for_download: bool = False,
) -> tuple[list[Event], int]:
    """One page of the events list and how many events the filters match, in a fixed
    number of queries whatever the rows; `limit=None` gives every row (the downloads)."""
    query = filtered(project, filters, now or datetime.now(UTC))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    query = query.join(Partner, Partner.id == Event.host_partner_id).order_by(*_event_order(sort))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    # A row of the list shows the host, the visiting partners and the place; a download
    # also the attendance and the sessions with their experts (and each expert's city).
    query = query.options(
        selectinload(Event.host), selectinload(Event.participants), selectinload(Event.venue)
    )
    if for_download:
        query = query.options(
            selectinload(Event.attendance),
            selectinload(Event.sessions)
            .selectinload(EventSession.experts)
            .selectinload(Person.partner),
        )
    return list(db.session.scalars(query)), total or 0


def period_events(
    project: Project, period: ReportingPeriod, include_internal: bool, *, limit: int, now: datetime
) -> tuple[list[Event], int]:
    """A semester for the home page: its events not ended yet first (in start order), then
    the ones already over; at most `limit`, with how many the semester holds."""
    query = visible(
        select(Event).where(Event.project_id == project.id, in_period(project, period)),
        include_internal,
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    over = case((Event.ends_at < now, 1), else_=0)
    rows = db.session.scalars(
        query.options(
            selectinload(Event.host), selectinload(Event.participants), selectinload(Event.venue)
        )
        .order_by(over, Event.starts_at, Event.id)
        .limit(limit)
    )
    return list(rows), total


def events_between(
    project: Project, start: datetime, end: datetime, include_internal: bool
) -> list[Event]:
    """Events overlapping [start, end), in start order, with their details."""
    query = (
        select(Event)
        .where(Event.project_id == project.id, Event.starts_at < end, Event.ends_at > start)
        .order_by(Event.starts_at)
    )
    return list(db.session.scalars(with_details(visible(query, include_internal))))


def calendar_events(
    project: Project, start: datetime, end: datetime, include_internal: bool
) -> list[Event]:
    """Events overlapping [start, end) for the month calendar: one query, since a day's
    entry shows only the event's own columns (time, title, status)."""
    query = (
        select(Event)
        .where(Event.project_id == project.id, Event.starts_at < end, Event.ends_at > start)
        .order_by(Event.starts_at, Event.id)
    )
    return list(db.session.scalars(visible(query, include_internal)))


def get_event(event_id: int) -> Event | None:
    return db.session.scalars(with_details(select(Event).where(Event.id == event_id))).first()


def semester_plan(project: Project, period_number: int) -> dict[str, int]:
    from app.partners.models import SemesterPlan

    rows = db.session.scalars(
        select(SemesterPlan).where(
            SemesterPlan.project_id == project.id, SemesterPlan.period_number == period_number
        )
    )
    return {row.kind: row.planned_count for row in rows}


def nearest_starts(
    project: Project, start: datetime, end: datetime, include_internal: bool
) -> tuple[datetime | None, datetime | None]:
    """The last start before `start` and the first start from `end` (calendar navigation)."""
    from sqlalchemy import func

    base = visible(select(Event).where(Event.project_id == project.id), include_internal)
    before = base.where(Event.starts_at < start).with_only_columns(func.max(Event.starts_at))
    after = base.where(Event.starts_at >= end).with_only_columns(func.min(Event.starts_at))
    return db.session.scalar(before), db.session.scalar(after)
