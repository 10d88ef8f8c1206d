"""Queries the home page needs, with eager loading so their count is fixed."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.events.models import Event
from app.extensions import db
from app.partners.models import Partner, Project


def the_project() -> Project | None:
    """The partnership this installation serves (the first project)."""
    return db.session.scalars(
        select(Project).options(selectinload(Project.phases)).order_by(Project.id).limit(1)
    ).first()


def partners_of(project: Project) -> list[Partner]:
    return list(
        db.session.scalars(
            select(Partner).where(Partner.project_id == project.id).order_by(Partner.code)
        )
    )


def events_visible_to(project: Project, include_internal: bool) -> list[Event]:
    query = (
        select(Event)
        .where(Event.project_id == project.id)
        .options(
            selectinload(Event.host),
            selectinload(Event.participants),
            selectinload(Event.venue),
        )
        .order_by(Event.starts_at)
    )
    if not include_internal:
        query = query.where(Event.is_public.is_(True))
    return list(db.session.scalars(query))
