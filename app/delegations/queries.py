"""What the delegation screens, the event page and the attendance sheet read: a fixed
number of queries whatever the number of registrations."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.delegations.models import Registration
from app.enums import RegistrationStatus
from app.events.models import Event
from app.extensions import db
from app.partners.models import Person


def registrations(event: Event) -> list[Registration]:
    """Every registration for the event with its person, in list order: registered before
    waiting, then by when they were registered."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id)
            .options(selectinload(Registration.person))
            .order_by(Registration.status, Registration.registered_at, Registration.id)
        )
    )


def by_partner(rows: list[Registration]) -> dict[int, list[Registration]]:
    grouped: dict[int, list[Registration]] = {}
    for row in rows:
        grouped.setdefault(row.partner_id, []).append(row)
    return grouped


def registered_counts(event: Event) -> dict[int, int]:
    """How many are registered (not waiting) per partner: what the public sees."""
    rows = db.session.execute(
        select(Registration.partner_id, func.count())
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.REGISTERED.value,
        )
        .group_by(Registration.partner_id)
    )
    return {partner_id: count for partner_id, count in rows}


def people_to_register(event: Event, partner_id: int) -> list[Person]:
    """A partner's people who may still join its delegation: not erased, not registered."""
    taken = select(Registration.person_id).where(Registration.event_id == event.id)
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.partner_id == partner_id,
                Person.erased_at.is_(None),
                Person.id.not_in(taken),
            )
            .order_by(Person.name)
        )
    )


@dataclass
class SheetRows:
    """The attendance sheet's named rows per partner: the registered delegation when the
    event has registrations, else (as before delegations) the partner's directory."""

    registered: bool
    rows: dict[int, list] = field(default_factory=dict)


def sheet_rows(event: Event, partner_ids: list[int]) -> SheetRows:
    rows = [r for r in registrations(event) if r.status == RegistrationStatus.REGISTERED.value]
    if rows:
        grouped = by_partner(rows)
        return SheetRows(True, {pid: grouped.get(pid, []) for pid in partner_ids})
    people = db.session.scalars(
        select(Person)
        .where(Person.partner_id.in_(partner_ids), Person.erased_at.is_(None))
        .order_by(Person.name)
    )
    grouped: dict[int, list] = {pid: [] for pid in partner_ids}
    for person in people:
        grouped[person.partner_id].append(person)
    return SheetRows(False, grouped)
