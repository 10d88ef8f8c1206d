"""Page queries of the holidays area: a fixed number of queries, whatever the rows."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.enums import EventStatus
from app.events.models import Event
from app.extensions import db
from app.partners.models import Project

#: The events still to happen: not cancelled, not held.
NOT_TO_HAPPEN = (EventStatus.CANCELLED.value, EventStatus.HELD.value)


def events_to_happen(project: Project, first: date, last: date, include_internal: bool):
    """Events planned (not cancelled or held) that may touch the days `first` to `last`,
    with their host and partners; widened a day each side, since zones differ by hours."""
    start = datetime.combine(first, time(0), UTC) - timedelta(days=1)
    stop = datetime.combine(last, time(0), UTC) + timedelta(days=2)
    query = (
        select(Event)
        .where(Event.project_id == project.id, Event.starts_at < stop, Event.ends_at > start)
        .where(Event.status.not_in(NOT_TO_HAPPEN))
        .options(selectinload(Event.host), selectinload(Event.participants))
        .order_by(Event.starts_at, Event.id)
    )
    if not include_internal:
        query = query.where(Event.is_public.is_(True))
    return list(db.session.scalars(query))
