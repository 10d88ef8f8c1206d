"""The directory's screens, per role: who reads what, who adds and edits whom."""

import json

import pytest
from sqlalchemy import event as sa_event

from app.extensions import db
from app.partners.models import Person
from app.people.queries import PAGE_SIZE
from app.people.services import create_person
from app.versioning import version_of
from tests.people.conftest import as_user


def _form(**fields) -> dict:
    data = {"name": "Liis Lepp", "kind": "staff", "language": "", "wants_email": "y"}
    return {**data, **fields}


def test_the_public_is_sent_to_sign_in(client, world):
    response = as_user(client, None).get("/people")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("role", "addresses"),
    [
        ("coordinator", {"mari.tamm@example.org", "anna.rossi@example.org"}),
        ("tartu", {"mari.tamm@example.org"}),
        ("genoa", {"anna.rossi@example.org"}),
        ("funder", set()),
    ],
)
def test_the_list_shows_addresses_only_to_who_manages_the_partner(client, world, role, addresses):
    # Addresses may break after the @ on narrow screens.
    page = as_user(client, world.users[role]).get("/people").text.replace("<wbr>", "")
    for name in ("Mari Tamm", "Jaan Kask", "Anna Rossi", "Head of digital services"):
        assert name in page
    assert "Tartu Science Park" in page
    shown = {a for a in ("mari.tamm@example.org", "anna.rossi@example.org") if a in page}
    assert shown == addresses
    assert ("Add a person" in page) is (role != "funder")


def test_the_list_filters_by_partner_and_kind_and_sorts_by_name(client, world):
    client = as_user(client, world.users["funder"])
    page = client.get(f"/people?partner={world.tartu.id}").text
    assert "People of Tartu" in page and "Mari Tamm" in page and "Anna Rossi" not in page
    page = client.get("/people?kind=expert").text
    assert "Anna Rossi" in page and "Mari Tamm" not in page
    page = client.get("/people?sort=name").text
    assert page.index("Anna Rossi") < page.index("Jaan Kask") < page.index("Mari Tamm")
    page = client.get("/people?sort=-name").text
    assert page.index("Mari Tamm") < page.index("Jaan Kask") < page.index("Anna Rossi")


def test_the_header_takes_a_partner_editor_to_their_own_people(client, world):
    page = as_user(client, world.users["tartu"]).get("/people").text
    assert f'href="/people?partner={world.tartu.id}"' in page
    assert "People" in as_user(client, world.users["funder"]).get("/").text


def test_an_editor_adds_a_person_to_their_own_partner_only(client, world):
    client = as_user(client, world.users["tartu"])
    response = client.post("/people/new", data=_form(partner_id=world.tartu.id))
    assert response.status_code == 302
    liis = db.session.query(Person).filter_by(name="Liis Lepp").one()
    assert liis.partner_id == world.tartu.id and liis.wants_email and not liis.is_contact
    response = client.post("/people/new", data=_form(partner_id=world.genoa.id, name="Other"))
    assert response.status_code in (400, 403)
    assert db.session.query(Person).filter_by(name="Other").count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": " "}, "Give the person&#39;s name."),
        ({"email": "not-an-address"}, "is not an e-mail address"),
        ({"name": "x" * 201}, "At most 200 characters"),
        # Genoa's Anna Rossi has it: one person per address, whatever the partner.
        ({"email": "Anna.Rossi@example.org"}, "already in the directory"),
    ],
)
def test_a_bad_form_is_refused_with_its_message(client, world, fields, message):
    client = as_user(client, world.users["coordinator"])
    response = client.post("/people/new", data=_form(partner_id=world.tartu.id, **fields))
    assert response.status_code == 400
    assert message in response.text
    assert db.session.query(Person).count() == 3


def test_funders_and_other_editors_may_not_edit(client, world):
    for role in ("funder", "genoa"):
        response = as_user(client, world.users[role]).get(f"/people/{world.mari.id}/edit")
        assert response.status_code == 403


def test_an_edit_is_saved_and_a_stale_one_refused(client, world):
    client = as_user(client, world.users["tartu"])
    seen = version_of(world.mari)
    page = client.get(f"/people/{world.mari.id}/edit").text
    assert "mari.tamm@example.org" in page
    data = _form(name="Mari Tamm", function="Team lead", email="mari@example.org", version=seen)
    assert client.post(f"/people/{world.mari.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert (world.mari.function, world.mari.email) == ("Team lead", "mari@example.org")
    data = _form(name="Mari Tamm", function="Mayor", version=seen)  # opened before the save
    response = client.post(f"/people/{world.mari.id}/edit", data=data)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.text
    db.session.expire_all()
    assert world.mari.function == "Team lead"


def test_the_export_holds_every_field_for_who_manages_the_person(client, world):
    url = f"/people/{world.anna.id}/export.json"
    for role in ("tartu", "funder"):
        assert as_user(client, world.users[role]).get(url).status_code == 403
    response = as_user(client, world.users["genoa"]).get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.text)
    assert data["person"]["email"] == "anna.rossi@example.org"
    assert data["person"]["kind"] == "expert" and data["person"]["partner"] == "P1"
    assert [s["session"] for s in data["sessions_as_expert"]] == ["The citizen folder"]
    assert data["registrations"] == []


def test_unknown_people_are_404(client, world):
    client = as_user(client, world.users["coordinator"])
    for url in ("/people/999999/edit", "/people/999999/erase", "/people/999999/export.json"):
        assert client.get(url).status_code == 404


def test_the_list_is_paged_and_its_query_count_does_not_grow(client, world):
    client = as_user(client, world.users["coordinator"])

    def count_queries() -> int:
        client.get("/people")
        statements = []
        listener = lambda *_args: statements.append(1)  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/people").status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = count_queries()
    for number in range(PAGE_SIZE + 5):
        create_person(world.genoa if number % 2 else world.tartu, f"Person {number:02d}")
    db.session.commit()
    assert count_queries() == few
    first = client.get("/people?sort=name").text
    assert "Person 00" in first and "Person 46" in first and "Person 47" not in first
    assert "Page 1 of 2" in first
    second = client.get("/people?sort=name&page=2").text
    assert "Person 47" in second and "Person 00" not in second and 'rel="prev"' in second
