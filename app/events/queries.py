"""Event queries the pages and reports need, eager-loaded so the query count is fixed."""

from datetime import UTC, datetime, time

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.events.models import Event, EventSession
from app.extensions import db
from app.partners.models import Project
from app.partners.periods import ReportingPeriod


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


def list_events(
    project: Project,
    *,
    include_internal: bool,
    kind: str | None = None,
    partner_id: int | None = None,
    status: str | None = None,
    period: ReportingPeriod | None = None,
    when: str | None = None,
    now: datetime | None = None,
) -> list[Event]:
    """The events list with its filters; a fixed number of queries whatever the rows."""
    from datetime import timedelta

    from app.events.models import event_participant

    query = select(Event).where(Event.project_id == project.id)
    query = visible(query, include_internal)
    if kind:
        query = query.where(Event.kind == kind)
    if status:
        query = query.where(Event.status == status)
    if partner_id:
        takes_part = select(event_participant.c.event_id).where(
            event_participant.c.partner_id == partner_id
        )
        query = query.where((Event.host_partner_id == partner_id) | Event.id.in_(takes_part))
    now = now or datetime.now(UTC)
    if when == "upcoming":
        query = query.where(Event.ends_at >= now).order_by(Event.starts_at)
    elif when == "past":
        query = query.where(Event.ends_at < now).order_by(Event.starts_at.desc())
    else:
        query = query.order_by(Event.starts_at)
    if period is not None:
        start, end = period_bounds(period)
        query = query.where(
            Event.starts_at >= start - timedelta(days=1), Event.starts_at < end + timedelta(days=1)
        )
    events = db.session.scalars(with_details(query)).all()
    if period is not None:
        events = [e for e in events if period.contains(e.local_start.date())]
    return list(events)


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
