"""The CSV import: a preview first, a message per bad row, nothing written until the
whole file is right, and the same file twice changes nothing."""

from io import BytesIO

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.partners.models import Person
from app.people.imports import plan_import
from tests.people.conftest import as_user

HEADER = "partner,name,organisation,function,kind,email,language,wants_email,contact\n"
GOOD = (
    HEADER
    + "P4,Mari Tamm,,Team lead,,mari.tamm@example.org,,,yes\n"  # updated (same address)
    + "P4,Jaan Kask,Tartu Science Park,,stakeholder,,,,\n"  # unchanged (same name)
    + "P4,Liis Lepp,University of Tartu,Researcher,expert,liis@example.org,et,no,\n"  # new
)


def _people() -> dict[str, tuple]:
    rows = db.session.execute(
        select(Person.name, Person.function, Person.email, Person.is_contact, Person.version)
    ).all()
    return {row.name: tuple(row[1:]) for row in rows}


def _upload(client, text: str, encoding: str = "utf-8"):
    data = {"file": (BytesIO(text.encode(encoding)), "people.csv")}
    return client.post("/people/import", data=data, content_type="multipart/form-data")


def _confirm(client, text: str):
    return client.post("/people/import/confirm", data={"text": text})


def test_the_preview_says_what_each_row_does_and_writes_nothing(client, world):
    client = as_user(client, world.users["tartu"])
    before = _people()
    page = _upload(client, GOOD)
    assert page.status_code == 200
    assert "1 new, 1 updated, 1 unchanged." in page.text
    assert "function, contact person" in page.text  # what changes for Mari
    assert _people() == before
    response = _confirm(client, GOOD)
    assert response.status_code == 303
    people = _people()
    assert people["Mari Tamm"][:3] == ("Team lead", "mari.tamm@example.org", True)
    assert people["Liis Lepp"][:3] == ("Researcher", "liis@example.org", False)
    assert people["Jaan Kask"] == before["Jaan Kask"]
    liis = db.session.scalars(select(Person).where(Person.name == "Liis Lepp")).one()
    assert (liis.kind, liis.language, liis.wants_email) == ("expert", "et", False)
    assert liis.partner_id == world.tartu.id


def test_importing_the_same_file_twice_changes_nothing(client, world):
    client = as_user(client, world.users["coordinator"])
    assert _confirm(client, GOOD).status_code == 303
    after_first = _people()
    assert "0 new, 0 updated, 3 unchanged." in _upload(client, GOOD).text
    assert _confirm(client, GOOD).status_code == 303
    assert _people() == after_first


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("P9,Someone,,,,,,,", "partner", "Unknown partner code “P9”: the partners are P1, P4."),
        ("P4,Someone,,,manager,,,,", "kind", "Unknown kind “manager”"),
        ("P4,Someone,,,,someone@,,,", "email", "is not an e-mail address"),
        ("P4,Someone,,,,,de,,", "language", "Unknown language “de”"),
        ("P4, ,,,,,,,", "name", "Give the person's name."),
        ("P4," + "x" * 201 + ",,,,,,,", "name", "At most 200 characters, please: this has 201."),
        ("P4,Someone,,,,,,maybe,", "wants_email", "Write yes or no, not “maybe”."),
        ("P4,Mari Tamm,,,,MARI.TAMM@example.org,,,", "email", "The same person as row 2."),
        ("P1,Someone,,,,,,,", "partner", "You may not manage the people of P1 (Genoa)."),
        # Genoa's Anna Rossi has this address: a Tartu row may not take it.
        ("P4,Someone,,,,anna.rossi@example.org,,,", "email", "already in the directory"),
    ],
)
def test_each_bad_row_is_named_and_nothing_is_written(app, world, row, column, message):
    text = HEADER + "P4,Mari Tamm,,,,mari.tamm@example.org,,,\n" + row + "\n"
    plan = plan_import(world.project, text, lambda partner_id: partner_id == world.tartu.id)
    problems = [(p.row, p.column) for p in plan.problems if message in p.message]
    assert problems == [(3, column)], plan.problems
    assert not plan.ok and plan.rows[0].fields["name"] == "Mari Tamm"


def test_a_file_with_a_bad_row_is_refused_whole(client, world):
    client = as_user(client, world.users["tartu"])
    text = GOOD + "P1,Marco Bianchi,,,,,,,\nP4,Ülle Õun,,,unknown,,,,\n"
    before = _people()
    for response in (_upload(client, text), _confirm(client, text)):
        assert response.status_code == 400
        assert "nothing was imported" in response.text
        assert "You may not manage the people of P1 (Genoa)." in response.text
        assert "Unknown kind “unknown”" in response.text
    assert _people() == before


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + GOOD,  # Excel's "CSV UTF-8" starts with a byte-order mark
        GOOD.replace(",", ";"),  # Excel in et, hu, it and sv separates with semicolons
        "\ufeff" + GOOD.replace(",", ";").replace("\n", "\r\n"),
    ],
    ids=["bom", "semicolons", "bom-semicolons-crlf"],
)
def test_excel_files_are_read(client, world, text):
    client = as_user(client, world.users["tartu"])
    page = _upload(client, text)
    assert page.status_code == 200, page.text[:2000]
    assert "1 new, 1 updated, 1 unchanged." in page.text


def test_a_file_that_is_not_utf8_or_has_a_bad_header_is_refused(client, world):
    client = as_user(client, world.users["tartu"])
    response = _upload(client, HEADER + "P4,Ülle Õun,,,,,,,\n", encoding="cp1252")
    assert response.status_code == 400 and "not UTF-8" in response.text
    response = _upload(client, "partner,name,phone\nP4,Ülle,123\n")
    assert response.status_code == 400 and "Unknown column “phone”" in response.text
    response = _upload(client, "partner,organisation\nP4,Ülle\n")
    assert response.status_code == 400 and "no “name” column" in response.text
    assert db.session.scalar(select(func.count(Person.id))) == 3


def test_an_empty_cell_keeps_what_is_stored(client, world):
    client = as_user(client, world.users["tartu"])
    text = "partner;name;email\nP4;Mari Tamm;\n"  # matched by name; her address stays
    assert "0 new, 0 updated, 1 unchanged." in _upload(client, text).text
    _confirm(client, text)
    assert _people()["Mari Tamm"][1] == "mari.tamm@example.org"


def test_funders_and_visitors_may_not_import(client, world):
    for user in (world.users["funder"], None):
        c = as_user(client, user)
        for response in (c.get("/people/import"), _upload(c, GOOD), _confirm(c, GOOD)):
            assert response.status_code in (302, 403)
    assert db.session.scalar(select(func.count(Person.id))) == 3


def test_the_template_is_a_file_the_import_reads(client, world):
    client = as_user(client, world.users["tartu"])
    template = client.get("/people/import/template.csv")
    assert template.mimetype == "text/csv"
    page = _upload(client, template.get_data(as_text=True))
    assert page.status_code == 200 and "2 new, 0 updated, 0 unchanged." in page.text
    header = client.get("/people/import").text.replace("<wbr>", "")
    assert "partner,name,organisation,function,kind,email" in header
