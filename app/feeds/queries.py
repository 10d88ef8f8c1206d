"""The feed's queries: a fixed number of column queries, whatever the number of events.

Plain rows rather than ORM objects: a feed of 10,000 events reads every column of
every event, session and expert once, and tuples cost a fraction of mapped objects.
"""

from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, or_, select

from app.events.models import Event, EventSession, event_participant, session_expert
from app.extensions import db
from app.feeds.models import STATE_ID, FeedState
from app.partners.models import Partner, Person, Project, Venue
from app.practices.models import GoodPractice, PracticeEvent


@dataclass(frozen=True)
class Scope:
    """Which events a feed holds."""

    project_id: int
    include_internal: bool = False
    partner_id: int | None = None
    kind: str | None = None
    event_id: int | None = None


def _conditions(scope: Scope) -> list:
    conditions = [Event.project_id == scope.project_id]
    if not scope.include_internal:
        conditions.append(Event.is_public.is_(True))
    if scope.kind:
        conditions.append(Event.kind == scope.kind)
    if scope.event_id is not None:
        conditions.append(Event.id == scope.event_id)
    if scope.partner_id is not None:
        takes_part = exists().where(
            event_participant.c.event_id == Event.id,
            event_participant.c.partner_id == scope.partner_id,
        )
        conditions.append(or_(Event.host_partner_id == scope.partner_id, takes_part))
    return conditions


def event_ids(scope: Scope) -> Select:
    return select(Event.id).where(*_conditions(scope))


def validator(scope: Scope) -> tuple:
    """One aggregate query: what the feed's content depends on, without reading it."""
    state = select(FeedState.version, FeedState.changed_at).where(FeedState.id == STATE_ID)
    row = db.session.execute(
        select(
            func.count(Event.id),
            func.max(Event.updated_at),
            func.coalesce(func.sum(Event.revision), 0),
            func.coalesce(func.sum(Event.id), 0),
            state.with_only_columns(FeedState.version).scalar_subquery(),
            state.with_only_columns(FeedState.changed_at).scalar_subquery(),
        ).where(*_conditions(scope))
    ).one()
    return tuple(row)


def events(scope: Scope) -> list:
    host = Partner.__table__.alias("host")
    return db.session.execute(
        select(
            Event.id,
            Event.kind,
            Event.number,
            Event.title,
            Event.description,
            Event.starts_at,
            Event.ends_at,
            Event.timezone,
            Event.all_day,
            Event.format,
            Event.location,
            Event.online_platform,
            Event.online_url,
            Event.status,
            Event.original_starts_at,
            Event.original_ends_at,
            Event.original_all_day,
            Event.original_location,
            Event.revision,
            Event.created_at,
            Event.updated_at,
            Event.host_partner_id,
            host.c.name.label("host_name"),
            host.c.city.label("host_city"),
            Venue.name.label("venue_name"),
            Venue.city.label("venue_city"),
        )
        .join(host, host.c.id == Event.host_partner_id)
        .outerjoin(Venue, Venue.id == Event.venue_id)
        .where(*_conditions(scope))
        .order_by(Event.starts_at, Event.id)
    ).all()


def participants(scope: Scope) -> list:
    return db.session.execute(
        select(event_participant.c.event_id, Partner.id, Partner.name, Partner.city)
        .join(Partner, Partner.id == event_participant.c.partner_id)
        .where(event_participant.c.event_id.in_(event_ids(scope)))
        .order_by(event_participant.c.event_id, Partner.code)
    ).all()


def sessions(scope: Scope) -> list:
    return db.session.execute(
        select(
            EventSession.id,
            EventSession.event_id,
            EventSession.title,
            EventSession.description,
            EventSession.starts_at,
            EventSession.ends_at,
        )
        .where(EventSession.event_id.in_(event_ids(scope)))
        .order_by(EventSession.event_id, EventSession.starts_at, EventSession.id)
    ).all()


def experts(scope: Scope) -> list:
    """Names and cities only: contact columns are never selected."""
    session_ids = select(EventSession.id).where(EventSession.event_id.in_(event_ids(scope)))
    return db.session.execute(
        select(session_expert.c.session_id, Person.name, Partner.city, Person.erased_at)
        .join(Person, Person.id == session_expert.c.person_id)
        .join(Partner, Partner.id == Person.partner_id)
        .where(session_expert.c.session_id.in_(session_ids))
        .order_by(session_expert.c.session_id, Person.name)
    ).all()


def practices(scope: Scope) -> list:
    conditions = [PracticeEvent.event_id.in_(event_ids(scope))]
    if not scope.include_internal:
        conditions.append(GoodPractice.is_public.is_(True))
    return db.session.execute(
        select(PracticeEvent.event_id, PracticeEvent.role, GoodPractice.title, Partner.city)
        .join(GoodPractice, GoodPractice.id == PracticeEvent.practice_id)
        .join(Partner, Partner.id == GoodPractice.owner_partner_id)
        .where(and_(*conditions))
        .order_by(PracticeEvent.event_id, GoodPractice.title)
    ).all()


def the_project() -> Project | None:
    """The partnership this installation serves (the first project), without its phases."""
    return db.session.scalars(select(Project).order_by(Project.id).limit(1)).first()
