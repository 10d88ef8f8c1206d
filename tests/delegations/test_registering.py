"""Registering a partner's delegation in the browser: who may, and what is refused."""

from datetime import timedelta

import pytest

from app.db_types import utcnow
from app.delegations import services
from app.delegations.models import RegistrationPolicy
from app.errors import DomainError
from app.extensions import db
from app.partners.models import Person
from app.versioning import version_of
from tests.delegations.conftest import registrations, sign_in


def url(world, partner) -> str:
    return f"/events/{world.visit.id}/delegations/{partner.id}"


def form(person, **fields) -> dict:
    return {"person": str(person.id if person else 0), "role": "", "kind": "staff", **fields}


@pytest.mark.parametrize(
    ("who", "partner", "allowed"),
    [
        ("tartu", "tartu", True),  # its own delegation
        ("coordinator", "tartu", True),  # anyone's
        ("genoa", "tartu", False),  # another partner's delegation
        ("funder", "tartu", False),
        (None, "tartu", False),
    ],
)
def test_who_registers_a_delegation(world, client, who, partner, allowed):
    sign_in(client, world.users[who] if who else None)
    response = client.post(url(world, getattr(world, partner)), data=form(world.people["anneli"]))
    if allowed:
        assert response.status_code == 302
        assert [(r.person.name, r.status) for r in registrations()] == [
            ("Anneli Säälik", "registered")
        ]
        assert "Anneli Säälik is registered." in client.get(response.location).text
    else:
        assert response.status_code == (302 if who is None else 403)
        assert registrations() == []


def test_role_and_days_are_stored_and_shown_on_the_event_page(world, client):
    sign_in(client, world.users["tartu"])
    client.post(
        url(world, world.tartu),
        data=form(world.people["mart"], role="speaker", days=["2026-03-06"]),
    )
    (row,) = registrations()
    assert (row.role, row.days) == ("speaker", ["2026-03-06"])
    page = client.get(f"/events/{world.visit.id}").text
    assert "Mart Kask" in page and "Data expert" in page and "speaker" in page
    assert "6 Mar 2026" in page


def test_every_day_ticked_is_stored_as_every_day(world, client):
    sign_in(client, world.users["tartu"])
    client.post(
        url(world, world.tartu), data=form(world.people["mart"], days=["2026-03-05", "2026-03-06"])
    )
    assert registrations()[0].days == []
    assert "every day" in client.get(f"/events/{world.visit.id}").text


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("another partner's person", "Henrik Mazzanti belongs to Gävle, not to Tartu."),
        ("twice", "Anneli Säälik is already registered for this event."),
        ("a day outside the event", "7 Mar 2026 is not one of the event&#39;s days."),
        ("erased", "This person was erased from the directory."),
    ],
)
def test_refusals_write_nothing(world, client, case, message):
    sign_in(client, world.users["coordinator"])
    person = (
        world.people["henrik"] if case == "another partner's person" else world.people["anneli"]
    )
    data = form(person)
    if case == "twice":
        services.register(world.visit, world.tartu, person)
        db.session.commit()
    if case == "a day outside the event":
        data["days"] = ["2026-03-07"]
    if case == "erased":
        person.erased_at = utcnow()
        db.session.commit()
    before = [(r.id, r.version) for r in registrations()]
    response = client.post(url(world, world.tartu), data=data)
    assert response.status_code == 400
    assert message in response.text
    assert [(r.id, r.version) for r in registrations()] == before


def test_the_service_refuses_what_the_form_cannot_send(world):
    with pytest.raises(DomainError, match="not one of the event's days"):
        services.register(world.visit, world.tartu, world.people["anneli"], days=["2026-03-07"])
    with pytest.raises(DomainError, match="Gävle does not take part"):
        services.register(world.visit, world.gavle, world.people["henrik"])
    world.people["anneli"].erased_at = utcnow()
    with pytest.raises(DomainError, match="erased"):
        services.register(world.visit, world.tartu, world.people["anneli"])
    db.session.rollback()
    assert registrations() == []


def test_a_partner_not_taking_part_has_no_delegation_screen(world, client):
    sign_in(client, world.users["coordinator"])
    assert client.get(url(world, world.gavle)).status_code == 404


def test_someone_new_is_added_to_the_directory_and_registered(world, client):
    sign_in(client, world.users["tartu"])
    response = client.post(
        url(world, world.tartu),
        data=form(None, name="Liis Lepp", organisation="University of Tartu", kind="stakeholder"),
    )
    assert response.status_code == 302
    (row,) = registrations()
    assert (row.person.name, row.person.partner_id, row.person.kind) == (
        "Liis Lepp",
        world.tartu.id,
        "stakeholder",
    )
    nameless = client.post(url(world, world.tartu), data=form(None))
    assert nameless.status_code == 400 and "Give the person&#39;s name." in nameless.text
    assert db.session.query(Person).filter_by(name="").count() == 0


def test_removing_asks_first_and_frees_the_place(world, client):
    registration = services.register(world.visit, world.tartu, world.people["anneli"])
    db.session.commit()
    sign_in(client, world.users["tartu"])
    page = client.get(url(world, world.tartu)).text
    assert 'data-confirm="Remove Anneli Säälik from the delegation?"' in page
    response = client.post(
        f"/events/{world.visit.id}/registrations/{registration.id}/remove",
        data={"version": version_of(registration)},
    )
    assert response.status_code == 302
    assert registrations() == []


def test_past_the_deadline_only_the_coordinator_changes_the_list(world, client):
    db.session.add(
        RegistrationPolicy(event_id=world.visit.id, deadline=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    sign_in(client, world.users["tartu"])
    assert (
        client.post(url(world, world.tartu), data=form(world.people["anneli"])).status_code == 403
    )
    assert "Register people" not in client.get(f"/events/{world.visit.id}").text
    # Tartu's editor still reads the delegation, with no form to change it.
    page = client.get(url(world, world.tartu))
    assert page.status_code == 200
    assert "Registration is closed: only the coordinator changes the delegation now." in page.text
    assert 'class="register-form"' not in page.text
    sign_in(client, world.users["coordinator"])
    assert (
        client.post(url(world, world.tartu), data=form(world.people["anneli"])).status_code == 302
    )
    assert len(registrations()) == 1


def test_the_deadline_is_typed_in_the_events_zone_and_shown_in_the_readers(world, client):
    sign_in(client, world.users["coordinator"])
    response = client.post(
        f"/events/{world.visit.id}/registration-rules",
        data={"deadline_date": "2026-02-20", "deadline_time": "18:00", "capacity": ""},
    )
    assert response.status_code == 302, response.text
    policy = db.session.get(RegistrationPolicy, world.visit.id)
    assert policy.deadline.isoformat() == "2026-02-20T17:00:00+00:00"  # 18:00 in Rome
    world.users["tartu"].preferred_timezone = "Europe/Tallinn"
    db.session.commit()
    sign_in(client, world.users["tartu"])
    page = client.get(f"/events/{world.visit.id}").text
    assert "Registration closed on" in page
    assert "20 Feb 2026, 19:00" in page and "(local: 20 Feb 2026, 18:00" in page


def test_the_delegation_screens_speak_the_readers_language(world, client):
    services.register(world.visit, world.tartu, world.people["anneli"], role="speaker")
    db.session.commit()
    sign_in(client, world.users["tartu"])
    page = client.get(url(world, world.tartu) + "?lang=et").text
    assert "Delegatsioon: Tartu" in page and "Registreeri inimene" in page
    event_page = client.get(f"/events/{world.visit.id}?lang=sv").text
    assert "Delegationer" in event_page and "Anmäl personer" in event_page


def test_changing_a_registrations_role_and_days(world, client):
    row = services.register(world.visit, world.tartu, world.people["mart"], role="observer")
    db.session.commit()
    sign_in(client, world.users["tartu"])
    page = client.get(url(world, world.tartu)).text
    assert f'name="r{row.id}-role"' in page and 'value="observer"' in page
    change = f"/events/{world.visit.id}/registrations/{row.id}"
    seen = version_of(row)
    data = {
        f"r{row.id}-role": "speaker",
        f"r{row.id}-days": ["2026-03-06"],
        f"r{row.id}-version": seen,
    }
    assert client.post(change, data=data).status_code == 302
    (stored,) = registrations()
    assert (stored.role, stored.days) == ("speaker", ["2026-03-06"])
    stale = client.post(change, data={**data, f"r{row.id}-role": "chair"})
    assert "Someone else changed" in client.get(stale.location).text
    fresh = {**data, f"r{row.id}-days": ["2026-03-09"], f"r{row.id}-version": version_of(stored)}
    client.post(change, data=fresh)
    assert (
        "9 Mar 2026 is not one of the event&#39;s days." in client.get(url(world, world.tartu)).text
    )
    assert registrations()[0].days == ["2026-03-06"]
    sign_in(client, world.users["genoa"])
    assert client.post(change, data=fresh).status_code == 403
