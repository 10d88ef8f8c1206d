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
