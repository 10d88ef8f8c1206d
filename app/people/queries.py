"""What the people screens read: one page of the directory in a fixed number of queries."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.partners.models import Partner, Person, Project


@dataclass
class PeopleFilter:
    partner_id: int | None = None
    kind: str | None = None
    include_erased: bool = False
    sort: str = "partner"  # partner (then name), name, -name


SORTS = ("partner", "name", "-name")
PAGE_SIZE = 50


def people_page(project: Project, filters: PeopleFilter, page: int = 1, size: int = PAGE_SIZE):
    """One page of the directory and the number of people the filters match."""
    query = select(Person).join(Partner).where(Partner.project_id == project.id)
    if filters.partner_id is not None:
        query = query.where(Person.partner_id == filters.partner_id)
    if filters.kind:
        query = query.where(Person.kind == filters.kind)
    if not filters.include_erased:
        query = query.where(Person.erased_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    order = {
        "name": (func.lower(Person.name), Person.id),
        "-name": (func.lower(Person.name).desc(), Person.id.desc()),
    }.get(filters.sort, (Partner.code, func.lower(Person.name), Person.id))
    rows = db.session.scalars(
        query.options(selectinload(Person.partner))
        .order_by(*order)
        .limit(size)
        .offset((max(page, 1) - 1) * size)
    ).all()
    return list(rows), total
