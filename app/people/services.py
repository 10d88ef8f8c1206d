"""The people directory: adding, changing, importing, erasing and exporting people.

Every function checks its input and raises `DomainError` (message, field) before writing;
views and the CLI only translate it. Nobody is ever deleted: erasing keeps the row, so the
counts and delegations that refer to a person stay, without their personal data.
"""

import re

from flask_babel import gettext as _

from app.enums import PersonKind
from app.errors import DomainError
from app.extensions import db
from app.formatting import BABEL_LOCALES
from app.input_rules import fits, one_line
from app.partners.models import Partner, Person

#: A practical check of an address's shape; delivery is the real test.
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
    name = fits(one_line(name), 200, "name")
    if not name:
        raise DomainError(_("Give the person's name."), field="name")
    if kind not in {k.value for k in PersonKind}:
        raise DomainError(_("Choose staff, expert or local stakeholder."), field="kind")
    if language and language not in BABEL_LOCALES:
        raise DomainError(
            _("Choose one of the languages: %(codes)s.", codes=", ".join(BABEL_LOCALES)),
            field="language",
        )
    person = Person(
        partner=partner,
        name=name,
        function=fits(one_line(function), 300, "function"),
        organisation=fits(one_line(organisation), 200, "organisation"),
        kind=kind,
        email=clean_email(email),
        language=language or None,
        wants_email=wants_email,
        is_contact=is_contact,
    )
    db.session.add(person)
    return person
