"""Erasing a person: asked first; their data gone from pages and from the log; the rows
that count them stay."""

from sqlalchemy import select

from app.activity.models import ActivityEntry
from app.delegations.models import Registration
from app.events.models import Attendance, EventSession
from app.extensions import db
from app.partners.models import Person
from app.versioning import version_of
from tests.people.conftest import as_user


def _erase(client, world, person):
    page = client.get(f"/people/{person.id}/erase")
    assert page.status_code == 200 and "This cannot be undone." in page.text
    return client.post(f"/people/{person.id}/erase", data={"version": version_of(person)})


def test_erasing_keeps_the_row_and_forgets_the_data(client, world):
    anna = world.anna
    db.session.add(
        Registration(event_id=world.event_id, person=anna, partner=world.genoa, role="speaker")
    )
    db.session.add(Attendance(event_id=world.event_id, partner=world.genoa, staff_count=1))
    db.session.commit()
    client = as_user(client, world.users["genoa"])
    response = _erase(client, world, anna)
    assert response.status_code == 303
    db.session.expire_all()
    assert anna.is_erased and anna.display_name == "former participant"
    assert (anna.name, anna.organisation, anna.function) == ("former participant", "", "")
    assert (anna.email, anna.phone, anna.language) == (None, None, None)
    assert not anna.wants_email and not anna.is_contact
    # What counted her stays: her registration, her session, the attendance figures.
    assert db.session.scalar(select(Registration.person_id)) == anna.id
    assert [p.id for p in db.session.get(EventSession, world.session_id).experts] == [anna.id]
    assert db.session.scalar(select(Attendance.staff_count)) == 1


def test_the_erased_name_is_on_no_page_and_not_in_the_log(client, world):
    coordinator = as_user(client, world.users["coordinator"])
    # Give the log something to remember: a change of her function, a registration.
    world.anna.function = "Chief digital officer"
    db.session.add(Registration(event_id=world.event_id, person=world.anna, partner=world.genoa))
    db.session.commit()
    entries = db.session.scalars(select(ActivityEntry)).all()
    kinds = {e.object_kind for e in entries if "Anna Rossi" in (e.label + e.changes)}
    assert kinds == {"person", "session", "registration"}
    assert _erase(coordinator, world, world.anna).status_code == 303
    for entry in db.session.scalars(select(ActivityEntry)):
        text = entry.label + entry.changes + (entry.snapshot or "")
        for value in ("Anna Rossi", "Head of digital services", "Chief digital officer"):
            assert value not in text, (entry, text)
    for url in ("/people?erased=1", f"/events/{world.event_id}", "/activity?kind=person"):
        page = coordinator.get(url).text.replace("<wbr>", "")
        assert "Anna Rossi" not in page and "anna.rossi@example.org" not in page, url
    assert "former participant" in coordinator.get(f"/events/{world.event_id}").text
    # Not offered as an expert of a new session, still shown where she spoke.
    people = db.session.scalars(select(Person.name).where(Person.erased_at.is_(None))).all()
    assert "former participant" not in people


def test_only_who_manages_the_person_erases_and_once(client, world):
    for role in ("tartu", "funder"):
        client = as_user(client, world.users[role])
        assert client.get(f"/people/{world.anna.id}/erase").status_code == 403
        response = client.post(
            f"/people/{world.anna.id}/erase", data={"version": version_of(world.anna)}
        )
        assert response.status_code == 403
    db.session.expire_all()
    assert not world.anna.is_erased
    client = as_user(client, world.users["coordinator"])
    stale = version_of(world.anna)
    world.anna.function = "Changed meanwhile"
    db.session.commit()
    response = client.post(f"/people/{world.anna.id}/erase", data={"version": stale})
    assert response.status_code == 303
    db.session.expire_all()
    assert not world.anna.is_erased  # the form was older than the record: asked again
    assert _erase(client, world, world.anna).status_code == 303
    assert client.get(f"/people/{world.anna.id}/erase").status_code == 404
    assert client.get(f"/people/{world.anna.id}/edit").status_code == 404


def test_the_session_form_does_not_offer_erased_people(client, world):
    client = as_user(client, world.users["coordinator"])
    assert "Jaan Kask (Tartu)" in client.get(f"/events/{world.event_id}").text
    _erase(client, world, world.jaan)
    page = client.get(f"/events/{world.event_id}").text
    assert "Jaan Kask" not in page and "former participant (Tartu)" not in page
