"""The people directory: adding, changing, importing, erasing and exporting people.

Every function checks its input and raises `DomainError` (message, field) before writing;
views and the CLI only translate it. Nobody is ever deleted: erasing keeps the row, so the
counts and delegations that refer to a person stay, without their personal data.
"""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.activity.erasure import forget_person
from app.db_types import utcnow
from app.delegations.models import Registration
from app.enums import PersonKind
from app.errors import DomainError
from app.events.models import EventSession, session_expert
from app.extensions import db
from app.formatting import BABEL_LOCALES
from app.input_rules import fits, one_line
from app.partners.models import FORMER_PARTICIPANT, Partner, Person, Project
from app.versioning import check_version

#: A practical check of an address's shape; delivery is the real test.
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: The personal fields a person's record holds (and the edit form and the import set).
FIELDS = (
    "name",
    "organisation",
    "function",
    "kind",
    "email",
    "language",
    "wants_email",
    "is_contact",
)


def clean_email(value: str | None) -> str | None:
    """An address as stored (trimmed, lower-case domain), None when empty; refused when it
    does not look like one."""
    value = one_line(value)
    if not value:
        return None
    if not EMAIL_SHAPE.match(value):
        raise DomainError(
            _("%(value)s is not an e-mail address.", value=repr(value)), field="email"
        )
    local, _at, domain = value.rpartition("@")
    return fits(f"{local}@{domain.lower()}", 254, "email")


def clean_fields(
    name: str,
    *,
    function: str = "",
    organisation: str = "",
    kind: str = PersonKind.STAFF.value,
    email: str | None = None,
    language: str | None = None,
    wants_email: bool = True,
    is_contact: bool = False,
) -> dict:
    """A person's fields as stored, or a DomainError naming the first field that is wrong."""
    name = fits(one_line(name), 200, "name")
    if not name:
        raise DomainError(_("Give the person's name."), field="name")
    kind = (kind or PersonKind.STAFF.value).strip().lower()
    if kind not in {k.value for k in PersonKind}:
        raise DomainError(_("Choose staff, expert or local stakeholder."), field="kind")
    language = (language or "").strip().lower() or None
    if language and language not in BABEL_LOCALES:
        raise DomainError(
            _("Choose one of the languages: %(codes)s.", codes=", ".join(BABEL_LOCALES)),
            field="language",
        )
    return {
        "name": name,
        "function": fits(one_line(function), 300, "function"),
        "organisation": fits(one_line(organisation), 200, "organisation"),
        "kind": kind,
        "email": clean_email(email),
        "language": language,
        "wants_email": bool(wants_email),
        "is_contact": bool(is_contact),
    }


def address_in_use() -> str:
    return _(
        "This e-mail address is already in the directory: invitations and the command line "
        "find a person by it, so each address belongs to one person."
    )


def refuse_address_in_use(email: str | None, person: Person | None = None) -> None:
    """One person per e-mail address across the directory (erased people hold none)."""
    if not email:
        return
    query = select(Person.id).where(func.lower(Person.email) == email.lower())
    if person is not None and person.id is not None:
        query = query.where(Person.id != person.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise DomainError(address_in_use(), field="email")


def create_person(
    partner: Partner,
    name: str,
    *,
    function: str = "",
    organisation: str = "",
    kind: str = PersonKind.STAFF.value,
    email: str | None = None,
    language: str | None = None,
    wants_email: bool = True,
    is_contact: bool = False,
) -> Person:
    """A new person in `partner`'s directory (added to the session, not committed)."""
    fields = clean_fields(
        name,
        function=function,
        organisation=organisation,
        kind=kind,
        email=email,
        language=language,
        wants_email=wants_email,
        is_contact=is_contact,
    )
    refuse_address_in_use(fields["email"])
    person = Person(partner=partner, **fields)
    db.session.add(person)
    return person


def _refuse_erased(person: Person) -> None:
    if person.is_erased:
        raise DomainError(_("This person was erased; their record can no longer be changed."))


def update_person(person: Person, data: dict, seen_version: str | None) -> list[str]:
    """Change a person's fields from `data` (the keys of FIELDS it holds) after checking the
    form saw the stored version. Returns the names of the fields that changed."""
    _refuse_erased(person)
    check_version(person, seen_version)
    current = {key: getattr(person, key) for key in FIELDS}
    fields = clean_fields(**{**current, **{k: v for k, v in data.items() if k in FIELDS}})
    changed = [key for key in FIELDS if fields[key] != current[key]]
    if "email" in changed:
        refuse_address_in_use(fields["email"], person)
    for key in changed:
        setattr(person, key, fields[key])
    return changed


def erase_person(person: Person, seen_version: str | None) -> None:
    """Replace the person's personal data by "former participant", keeping the row (their
    registrations, sessions and counts stay), and take their old values out of the log."""
    _refuse_erased(person)
    check_version(person, seen_version)
    old_name = person.name
    person.name = FORMER_PARTICIPANT
    person.organisation = ""
    person.function = ""
    person.email = None
    person.phone = None
    person.language = None
    person.wants_email = False
    person.is_contact = False
    person.erased_at = utcnow()
    db.session.flush()  # the log's entry of this very change is written by now
    forget_person(person.id, old_name, FORMER_PARTICIPANT)


def person_by_email(project: Project, email: str) -> Person | None:
    """The directory's person with this address (any partner), for the command line."""
    address = clean_email(email)
    return db.session.scalars(
        select(Person)
        .join(Partner)
        .where(Partner.project_id == project.id, Person.email == address)
        .order_by(Person.id)
    ).first()


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_person(person: Person) -> dict:
    """Everything stored about a person, as a request for their data is answered: every
    field (e-mail and phone too), their registrations and the sessions they are an expert of."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.person_id == person.id)
        .options(selectinload(Registration.event))
        .order_by(Registration.registered_at)
    ).all()
    sessions = db.session.scalars(
        select(EventSession)
        .join(session_expert, session_expert.c.session_id == EventSession.id)
        .where(session_expert.c.person_id == person.id)
        .options(selectinload(EventSession.event))
        .order_by(EventSession.starts_at)
    ).all()
    return {
        "person": {
            "id": person.id,
            "partner": person.partner.code,
            "partner_city": person.partner.city,
            "name": person.name,
            "organisation": person.organisation,
            "function": person.function,
            "kind": person.kind,
            "email": person.email,
            "phone": person.phone,
            "language": person.language,
            "wants_email": person.wants_email,
            "is_contact": person.is_contact,
            "erased_at": _iso(person.erased_at),
        },
        "registrations": [
            {
                "event_id": r.event_id,
                "event": r.event.title,
                "event_starts_at": _iso(r.event.starts_at),
                "event_ends_at": _iso(r.event.ends_at),
                "role": r.role,
                "days": list(r.days or []),
                "status": r.status,
                "registered_at": _iso(r.registered_at),
                "checked_in_at": _iso(r.checked_in_at),
            }
            for r in registrations
        ],
        "sessions_as_expert": [
            {
                "event_id": s.event_id,
                "event": s.event.title,
                "session": s.title,
                "starts_at": _iso(s.starts_at),
                "ends_at": _iso(s.ends_at),
            }
            for s in sessions
        ],
    }
