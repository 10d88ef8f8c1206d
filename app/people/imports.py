"""Importing people from a CSV file: read it, check every row, show what it would do, and
write it only when every row is right.

The file is UTF-8 (with or without the byte-order mark Excel writes), separated by commas
or semicolons (Excel in Estonian, Hungarian, Italian and Swedish writes semicolons), with a
header row naming its columns (COLUMNS; partner and name are required, the others may be
left out). A row is the same person as a stored one of the same partner with the same
e-mail address, or with the same name when the row or the stored person has no address.
An empty cell keeps what is stored (for a new person: the default), so an import only adds
and changes, and importing the same file twice changes nothing.
"""

import csv
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.enums import PersonKind
from app.errors import DomainError
from app.extensions import db
from app.formatting import BABEL_LOCALES
from app.input_rules import one_line, uploaded_text
from app.partners.models import Partner, Person, Project
from app.people.services import FIELDS, address_in_use, clean_email, create_person

#: The header row, in this order in the template; `contact` is the person's is_contact.
COLUMNS = (
    "partner",
    "name",
    "organisation",
    "function",
    "kind",
    "email",
    "language",
    "wants_email",
    "contact",
)
REQUIRED = ("partner", "name")
#: Where each column goes in a person's record.
FIELD_OF = {"contact": "is_contact"}
LIMITS = {"name": 200, "organisation": 200, "function": 300}
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0"}
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
TEMPLATE = (
    ",".join(COLUMNS) + "\r\n"
    "P4,Kadri Mets,City of Tartu,Project manager,staff,kadri.mets@example.org,et,yes,yes\r\n"
    "P4,Peeter Saar,Tartu Science Park,Head of services,stakeholder,,,no,no\r\n"
)


@dataclass
class Problem:
    """What is wrong with one cell (or the whole row, or the file when `row` is 0)."""

    row: int
    column: str
    message: str


@dataclass
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    partner: Partner
    fields: dict  # as it will be stored
    person: Person | None = None  # the stored person it is; None: a new one
    changed: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.person is None:
            return "new"
        return "updated" if self.changed else "unchanged"


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


def read_text(data: bytes) -> str:
    """The file's text; refused when it is too large or not UTF-8."""
    not_text = _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
    return uploaded_text(data, MAX_BYTES, not_text)


def _separator(text: str) -> str:
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _records(text: str) -> list[list[str]]:
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text))
    return [record for record in reader]


def _header(record: list[str], problems: list[Problem]) -> list[str]:
    columns = [cell.strip().lower() for cell in record]
    for column in columns:
        if column not in COLUMNS:
            problems.append(
                Problem(
                    1,
                    column,
                    _(
                        "Unknown column “%(column)s”: the columns are %(columns)s.",
                        column=column,
                        columns=", ".join(COLUMNS),
                    ),
                )
            )
        elif columns.count(column) > 1:
            problems.append(Problem(1, column, _("This column appears twice.")))
    for column in REQUIRED:
        if column not in columns:
            problems.append(
                Problem(1, column, _("The header row has no “%(column)s” column.", column=column))
            )
    return columns


def _flag(text: str) -> bool:
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise DomainError(_("Write yes or no, not “%(value)s”.", value=text))


def _kind(text: str) -> str:
    word = text.strip().lower()
    if word in {k.value for k in PersonKind}:
        return word
    if word == "local stakeholder":
        return PersonKind.STAKEHOLDER.value
    raise DomainError(
        _("Unknown kind “%(value)s”: write staff, expert or stakeholder.", value=text)
    )


def _language(text: str) -> str:
    code = text.strip().lower()
    if code not in BABEL_LOCALES:
        raise DomainError(
            _(
                "Unknown language “%(value)s”: write one of %(codes)s, or leave it empty "
                "for the partner's.",
                value=text,
                codes=", ".join(BABEL_LOCALES),
            )
        )
    return code


def _text(column: str) -> Callable[[str], str]:
    def clean(text: str) -> str:
        value = one_line(text)
        if len(value) > LIMITS[column]:
            raise DomainError(
                _(
                    "At most %(limit)d characters, please: this has %(length)d.",
                    limit=LIMITS[column],
                    length=len(value),
                )
            )
        return value

    return clean


READERS: dict[str, Callable[[str], object]] = {
    "name": _text("name"),
    "organisation": _text("organisation"),
    "function": _text("function"),
    "kind": _kind,
    "email": clean_email,
    "language": _language,
    "wants_email": _flag,
    "contact": _flag,
}
DEFAULTS = {
    "organisation": "",
    "function": "",
    "kind": PersonKind.STAFF.value,
    "email": None,
    "language": None,
    "wants_email": True,
    "is_contact": False,
}


class _Directory:
    """The stored people of the project, looked up by address and by name (one query)."""

    def __init__(self, project: Project):
        people = db.session.scalars(
            select(Person)
            .join(Partner)
            .where(Partner.project_id == project.id, Person.erased_at.is_(None))
        ).all()
        self.by_email: dict[tuple[int, str], Person] = {}
        self.by_address: dict[str, Person] = {}
        self.by_name: dict[tuple[int, str], list[Person]] = defaultdict(list)
        for person in people:
            if person.email:
                self.by_email[(person.partner_id, person.email.lower())] = person
                self.by_address[person.email.lower()] = person
            self.by_name[(person.partner_id, person.name.casefold())].append(person)

    def find(self, partner_id: int, name: str, email: str | None) -> list[Person]:
        if email and (partner_id, email.lower()) in self.by_email:
            return [self.by_email[(partner_id, email.lower())]]
        named = self.by_name.get((partner_id, name.casefold()), [])
        return [p for p in named if not p.email] if email else named


def _partner(code: str, partners: dict[str, Partner], may_manage) -> Partner:
    partner = partners.get(code.strip().upper())
    if partner is None:
        raise DomainError(
            _(
                "Unknown partner code “%(code)s”: the partners are %(codes)s.",
                code=code,
                codes=", ".join(sorted(partners)),
            )
        )
    if not may_manage(partner.id):
        raise DomainError(
            _(
                "You may not manage the people of %(code)s (%(city)s).",
                code=partner.code,
                city=partner.city,
            )
        )
    return partner


def _read_row(
    number: int,
    cells: dict[str, str],
    partners: dict[str, Partner],
    may_manage,
    problems: list[Problem],
) -> tuple[Partner | None, dict]:
    """The row's partner and the values of its non-empty cells; problems noted per cell."""
    partner = None
    try:
        partner = _partner(cells.get("partner", ""), partners, may_manage)
    except DomainError as error:
        problems.append(Problem(number, "partner", error.message))
    values: dict = {}
    for column, text in cells.items():
        if column == "partner" or (not text.strip() and column != "name"):
            continue
        try:
            values[FIELD_OF.get(column, column)] = READERS[column](text)
        except DomainError as error:
            problems.append(Problem(number, column, error.message))
    if "name" in values and not values["name"]:
        problems.append(Problem(number, "name", _("Give the person's name.")))
    return partner, values


def _match(row: Row, directory: _Directory, problems: list[Problem]) -> None:
    found = directory.find(row.partner.id, row.fields["name"], row.fields.get("email"))
    if len(found) > 1:
        problems.append(
            Problem(
                row.number,
                "email",
                _(
                    "%(partner)s has %(count)d people called %(name)s: give the e-mail "
                    "address of the one you mean.",
                    partner=row.partner.code,
                    count=len(found),
                    name=row.fields["name"],
                ),
            )
        )
        return
    if found:
        row.person = found[0]
    email = row.fields.get("email")
    holder = directory.by_address.get(email.lower()) if email else None
    if holder is not None and holder is not row.person:
        problems.append(Problem(row.number, "email", address_in_use()))


def _complete(row: Row) -> None:
    """The stored values the row sets, and the fields that change."""
    given = row.fields
    if row.person is None:
        row.fields = {**DEFAULTS, **given}
        return
    current = {key: getattr(row.person, key) for key in FIELDS}
    row.fields = {**current, **given}
    row.changed = [key for key in FIELDS if row.fields[key] != current[key]]


def plan_import(project: Project, text: str, may_manage: Callable[[int], bool]) -> Plan:
    """What importing `text` would do, row by row, and every problem that stops it."""
    plan = Plan()
    records = [r for r in _records(text) if any(cell.strip() for cell in r)]
    if not records:
        plan.problems.append(Problem(0, "", _("The file is empty.")))
        return plan
    columns = _header(records[0], plan.problems)
    if plan.problems:
        return plan
    if len(records) - 1 > MAX_ROWS:
        plan.problems.append(
            Problem(0, "", _("At most %(count)d rows at a time, please.", count=MAX_ROWS))
        )
        return plan
    partners = {p.code.upper(): p for p in project.partners}
    directory = _Directory(project)
    seen: dict[tuple, int] = {}
    for number, record in enumerate(records[1:], start=2):
        if len(record) > len(columns):
            plan.problems.append(
                Problem(number, "", _("This row has more values than the header has columns."))
            )
            continue
        cells = dict(zip(columns, record + [""] * (len(columns) - len(record)), strict=True))
        before = len(plan.problems)
        partner, values = _read_row(number, cells, partners, may_manage, plan.problems)
        if len(plan.problems) > before or partner is None:
            continue
        row = Row(number, partner, values)
        _match(row, directory, plan.problems)
        key = (partner.id, values.get("email") or values["name"].casefold())
        same = seen.get(key) or (row.person is not None and seen.get(("person", row.person.id)))
        if same:
            column = "email" if values.get("email") else "name"
            plan.problems.append(
                Problem(number, column, _("The same person as row %(row)d.", row=same))
            )
            continue
        seen[key] = number
        if row.person is not None:
            seen[("person", row.person.id)] = number
        _complete(row)
        plan.rows.append(row)
    return plan


def apply_import(plan: Plan) -> tuple[int, int]:
    """Write a plan without problems: (people created, people updated). Not committed."""
    if not plan.ok:
        raise DomainError(_("The file has problems; nothing was imported."), "file")
    created = updated = 0
    for row in plan.rows:
        if row.status == "new":
            create_person(row.partner, **row.fields)
            created += 1
        elif row.status == "updated":
            for key in row.changed:
                setattr(row.person, key, row.fields[key])
            updated += 1
    db.session.flush()
    return created, updated
