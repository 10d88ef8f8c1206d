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
    sort: str = "partner"  # a key of SORTS (partner: then name), "-" before it: descending


SORTS = ("partner", "name", "kind")
PAGE_SIZE = 50


def people_page(
    project: Project,
    filters: PeopleFilter,
    page: int = 1,
    size: int | None = PAGE_SIZE,
    offset: int | None = None,
):
    """One page of the directory (`size=None`: all of it) and the number of people the
    filters match; `offset` (rows to skip) instead of `page` when given."""
    query = select(Person).join(Partner).where(Partner.project_id == project.id)
    if filters.partner_id is not None:
        query = query.where(Person.partner_id == filters.partner_id)
    if filters.kind:
        query = query.where(Person.kind == filters.kind)
    if not filters.include_erased:
        query = query.where(Person.erased_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    key, descending = filters.sort.removeprefix("-"), filters.sort.startswith("-")
    name = func.lower(Person.name)
    first = {"name": name, "kind": Person.kind}.get(key, Partner.code)
    order = [first.desc() if descending else first]
    if key != "name":
        order.append(name)
    order.append(Person.id.desc() if descending and key == "name" else Person.id)
    query = query.options(selectinload(Person.partner)).order_by(*order)
    if size is not None:
        query = query.limit(size).offset(
            offset if offset is not None else (max(page, 1) - 1) * size
        )
    return list(db.session.scalars(query).all()), total
