"""Registering delegations, the waiting list, the coordinator's rules and check-in.

Every function checks its input and raises `DomainError` (message, field) before writing;
views and the CLI only translate it. Who may call them is the caller's question
(`app.auth.permissions`). Every change of a registration is a plain attribute change on
its row, so listeners that watch Registration rows (the activity log, e-mail) see it.

Places are counted under a lock on the event's row (`SELECT ... FOR UPDATE` on
PostgreSQL; SQLite serialises writers), so two registrations at the same moment never
both take the last place.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.db_types import utcnow
from app.delegations.models import DelegationLimit, Registration, RegistrationPolicy
from app.enums import AttendanceSource, PersonKind, RegistrationStatus
from app.errors import DomainError
from app.events.models import Attendance, Event
from app.events.services import set_attendance
from app.extensions import db
from app.formatting import all_day_last, format_date
from app.input_rules import fits, one_line
from app.partners.models import Partner, Person
from app.timezones import local_to_utc
from app.versioning import check_version

REGISTERED = RegistrationStatus.REGISTERED.value
WAITING = RegistrationStatus.WAITING.value
#: Check-in counts staff and experts as the partner's staff, the rest as local stakeholders.
COUNTED_AS_STAFF = {PersonKind.STAFF.value, PersonKind.EXPERT.value}


# --- Reading the rules


def policy_of(event: Event) -> RegistrationPolicy | None:
    return db.session.get(RegistrationPolicy, event.id)


def limits_of(event: Event) -> dict[int, int]:
    """Each partner's capacity at the event, by partner id (no entry: no limit)."""
    rows = db.session.scalars(select(DelegationLimit).where(DelegationLimit.event_id == event.id))
    return {row.partner_id: row.capacity for row in rows}


def deadline_passed(event: Event, now: datetime | None = None) -> bool:
    policy = policy_of(event)
    return bool(policy and policy.deadline and (now or utcnow()) >= policy.deadline)


def event_days(event: Event) -> list[date]:
    """The event's days in its own zone, first to last."""
    first = event.local_start.date()
    last = all_day_last(event.starts_at, event.ends_at, event.timezone)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def has_started(event: Event, now: datetime | None = None) -> bool:
    return event.starts_at <= (now or utcnow())


# --- Registering


def _lock(event: Event) -> None:
    """Hold the event's row until commit: whoever counts places next waits for us."""
    db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def _taking_part(event: Event, partner: Partner) -> None:
    if partner.id not in {p.id for p in event.participants}:
        raise DomainError(
            _("%(partner)s does not take part in this event.", partner=partner.city), "partner"
        )


def _clean_days(event: Event, days: Iterable[str | date]) -> list[str]:
    allowed = event_days(event)
    chosen: list[date] = []
    for day in days:
        try:
            value = day if isinstance(day, date) else date.fromisoformat(str(day))
        except ValueError:
            raise DomainError(_("%(day)s is not a date.", day=repr(day)), "days") from None
        if value not in allowed:
            raise DomainError(
                _("%(day)s is not one of the event's days.", day=format_date(value)), "days"
            )
        if value not in chosen:
            chosen.append(value)
    # Every day ticked is the same as none: the whole event.
    return [] if len(chosen) == len(allowed) else [d.isoformat() for d in sorted(chosen)]


def _registered_counts(event: Event) -> tuple[int, dict[int, int]]:
    rows = db.session.execute(
        select(Registration.partner_id, func.count())
        .where(Registration.event_id == event.id, Registration.status == REGISTERED)
        .group_by(Registration.partner_id)
    ).all()
    by_partner = {partner_id: count for partner_id, count in rows}
    return sum(by_partner.values()), by_partner


def _fits(
    partner_id: int, total: int, by_partner: dict[int, int], capacity, limits: dict[int, int]
) -> bool:
    if capacity is not None and total >= capacity:
        return False
    limit = limits.get(partner_id)
    return limit is None or by_partner.get(partner_id, 0) < limit


def register(
    event: Event,
    partner: Partner,
    person: Person,
    *,
    role: str = "",
    days: Iterable[str | date] = (),
    by=None,
) -> Registration:
    """`person` in `partner`'s delegation: registered, or on the waiting list when the
    event or the partner is full. Added to the session, not committed."""
    _taking_part(event, partner)
    if person.partner.id != partner.id:
        raise DomainError(
            _(
                "%(name)s belongs to %(other)s, not to %(partner)s.",
                name=person.display_name,
                other=person.partner.city,
                partner=partner.city,
            ),
            "person",
        )
    if person.is_erased:
        raise DomainError(_("This person was erased from the directory."), "person")
    role = fits(one_line(role), 120, "role")
    chosen = _clean_days(event, days)
    _lock(event)
    taken = db.session.scalar(
        select(Registration.id).where(
            Registration.event_id == event.id, Registration.person_id == person.id
        )
    )
    if taken is not None:
        raise DomainError(
            _("%(name)s is already registered for this event.", name=person.display_name),
            "person",
        )
    policy = policy_of(event)
    total, by_partner = _registered_counts(event)
    has_place = _fits(
        partner.id, total, by_partner, policy.capacity if policy else None, limits_of(event)
    )
    registration = Registration(
        event_id=event.id,
        person=person,
        partner_id=partner.id,
        role=role,
        days=chosen,
        status=REGISTERED if has_place else WAITING,
        registered_at=utcnow(),
        registered_by_id=getattr(by, "id", None),
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def update(
    registration: Registration,
    *,
    role: str,
    days: Iterable[str | date],
    seen_version: str | None = None,
) -> Registration:
    """A registration's role at the event and days attending."""
    if seen_version is not None:
        check_version(registration, seen_version)
    registration.role = fits(one_line(role), 120, "role")
    registration.days = _clean_days(registration.event, days)
    db.session.flush()
    return registration


def _waiting(event: Event) -> list[Registration]:
    query = select(Registration).where(
        Registration.event_id == event.id, Registration.status == WAITING
    )
    return list(db.session.scalars(query.order_by(Registration.registered_at, Registration.id)))


def promote_waiting(event: Event) -> list[Registration]:
    """Give freed places to the waiting list, in the order people were put on it: each
    waiting person who fits (the event's and their partner's capacity) is registered."""
    policy = policy_of(event)
    capacity = policy.capacity if policy else None
    limits = limits_of(event)
    total, by_partner = _registered_counts(event)
    promoted = []
    for registration in _waiting(event):
        if capacity is not None and total >= capacity:
            break
        if not _fits(registration.partner_id, total, by_partner, capacity, limits):
            continue
        registration.status = REGISTERED
        total += 1
        by_partner[registration.partner_id] = by_partner.get(registration.partner_id, 0) + 1
        promoted.append(registration)
    db.session.flush()
    return promoted


def remove(registration: Registration, *, seen_version: str | None = None) -> list[Registration]:
    """Take a person off the delegation; the freed place goes to the waiting list. Returns
    who was promoted."""
    if seen_version is not None:
        check_version(registration, seen_version, form=False)
    event = registration.event
    _lock(event)
    db.session.delete(registration)
    db.session.flush()
    return promote_waiting(event)


# --- The coordinator's rules


def set_rules(
    event: Event,
    *,
    capacity: int | None,
    deadline: datetime | None,
    limits: dict[int, int | None],
    seen_version: str | None = None,
) -> list[Registration]:
    """An event's capacity, each partner's capacity and the registration deadline (typed
    as the event's local wall-clock time). Raised capacities promote the waiting list."""
    for value, field in [(capacity, "capacity"), *((v, f"limit_{k}") for k, v in limits.items())]:
        if value is not None and value < 1:
            raise DomainError(_("A capacity is 1 or more; leave it empty for no limit."), field)
    participants = {p.id for p in event.participants}
    unknown = set(limits) - participants
    if unknown:
        raise DomainError(_("Only partners taking part have a capacity."), "limits")
    deadline_at = local_to_utc(deadline, event.timezone, "deadline_date") if deadline else None
    _lock(event)
    policy = policy_of(event)
    if policy is not None and seen_version is not None:
        check_version(policy, seen_version)
    if policy is None:
        policy = RegistrationPolicy(event_id=event.id)
        db.session.add(policy)
    policy.capacity = capacity
    policy.deadline = deadline_at
    stored = {
        row.partner_id: row
        for row in db.session.scalars(
            select(DelegationLimit).where(DelegationLimit.event_id == event.id)
        )
    }
    for partner_id, value in limits.items():
        row = stored.get(partner_id)
        if value is None and row is not None:
            db.session.delete(row)
        elif value is not None and row is None:
            db.session.add(
                DelegationLimit(event_id=event.id, partner_id=partner_id, capacity=value)
            )
        elif value is not None:
            row.capacity = value
    db.session.flush()
    return promote_waiting(event)


# --- Check-in


def check_in(
    event: Event,
    partner: Partner,
    present: Iterable[int],
    *,
    seen_version: str | None = None,
    now: datetime | None = None,
):
    """Mark who of `partner`'s delegation came (registration ids in `present`; the others
    did not) and count the partner's attendance from it. With nobody checked in, a head
    count typed by hand stays; figures counted from check-in go back to a head count of 0."""
    now = now or utcnow()
    if seen_version is not None:
        check_version(event, seen_version)
    if not has_started(event, now):
        raise DomainError(_("Check-in opens when the event starts."), "present")
    _taking_part(event, partner)
    registrations = delegation(event, partner)
    present = set(present)
    unknown = present - {r.id for r in registrations}
    if unknown:
        raise DomainError(_("Only people of this delegation can be checked in."), "present")
    for registration in registrations:
        came = registration.id in present
        if came and registration.checked_in_at is None:
            registration.checked_in_at = now
        elif not came and registration.checked_in_at is not None:
            registration.checked_in_at = None
    came = [r for r in registrations if r.id in present]
    counted = db.session.get(Attendance, (event.id, partner.id))
    if not came and (counted is None or counted.source != AttendanceSource.CHECK_IN):
        # Nobody checked in: a head count typed by hand stays as it is.
        db.session.flush()
        return counted
    staff = sum(1 for r in came if r.person.kind in COUNTED_AS_STAFF)
    source = AttendanceSource.CHECK_IN if came else AttendanceSource.HEAD_COUNT
    if not came:
        counted.source = source.value  # everyone unticked: back to a head count, typed again
    return set_attendance(
        event,
        partner,
        staff,
        len(came) - staff,
        seen_version=seen_version,
        source=source.value,
    )


def delegation(event: Event, partner: Partner) -> list[Registration]:
    """A partner's registrations for the event, registered first, then the waiting list."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.partner_id == partner.id)
            .options(selectinload(Registration.person))
            .order_by(Registration.status, Registration.registered_at, Registration.id)
        )
    )
