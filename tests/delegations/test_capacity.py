"""Capacities, the waiting list in order, and promotion when a place frees."""

import re
from datetime import timedelta

from app.db_types import utcnow
from app.delegations import services
from app.extensions import db
from app.people.services import create_person
from app.versioning import version_of
from tests.delegations.conftest import registrations, sign_in


def register_all(world, *names):
    rows = [services.register(world.visit, world.tartu, world.people[n]) for n in names]
    db.session.commit()
    return rows


def states() -> list[tuple[str, str]]:
    return [(r.person.name.split()[0], r.status) for r in registrations()]


def test_over_the_events_capacity_people_wait_in_the_order_registered(world):
    services.set_rules(world.visit, capacity=2, deadline=None, limits={})
    register_all(world, "anneli", "mart", "kadri", "rein")
    assert states() == [
        ("Anneli", "registered"),
        ("Mart", "registered"),
        ("Kadri", "waiting"),
        ("Rein", "waiting"),
    ]


def test_a_freed_place_goes_to_the_first_waiting(world):
    services.set_rules(world.visit, capacity=2, deadline=None, limits={})
    anneli, *_ = register_all(world, "anneli", "mart", "kadri", "rein")
    promoted = services.remove(anneli)
    db.session.commit()
    assert [r.person.name for r in promoted] == ["Kadri Tamm"]
    assert states() == [("Mart", "registered"), ("Kadri", "registered"), ("Rein", "waiting")]


def test_raising_a_capacity_promotes_the_waiting_list(world):
    services.set_rules(world.visit, capacity=1, deadline=None, limits={})
    register_all(world, "anneli", "mart", "kadri")
    services.set_rules(world.visit, capacity=None, deadline=None, limits={})
    db.session.commit()
    assert {status for _, status in states()} == {"registered"}


def test_the_partners_capacity_holds_its_delegation_only(world):
    services.set_rules(world.visit, capacity=None, deadline=None, limits={world.tartu.id: 1})
    register_all(world, "anneli", "mart")
    genoa = services.register(world.visit, world.genoa, world.people["giulia"])
    db.session.commit()
    assert states() == [("Anneli", "registered"), ("Mart", "waiting"), ("Giulia", "registered")]
    assert genoa.status == "registered"


def test_the_first_waiting_who_fits_is_promoted(world):
    """Event capacity 2, Tartu 1: when Genoa's place frees, the first waiting Tartu person
    does not fit their partner's limit, so the next who fits (Genoa's) gets it."""
    services.set_rules(world.visit, capacity=2, deadline=None, limits={world.tartu.id: 1})
    register_all(world, "anneli")
    giulia = services.register(world.visit, world.genoa, world.people["giulia"])
    register_all(world, "mart")  # waiting: Tartu is full (and so is the event)
    marco = create_person(world.genoa, "Marco Bianchi")
    late = services.register(world.visit, world.genoa, marco)
    db.session.commit()
    assert late.status == "waiting"
    services.remove(giulia)
    db.session.commit()
    assert states() == [("Anneli", "registered"), ("Mart", "waiting"), ("Marco", "registered")]


def test_the_rules_page_sets_capacities_and_promotes(world, client):
    services.set_rules(world.visit, capacity=1, deadline=None, limits={})
    register_all(world, "anneli", "mart")
    sign_in(client, world.users["coordinator"])
    page = client.get(f"/events/{world.visit.id}/registration-rules").text
    assert f'name="limit_{world.tartu.id}"' in page and "Europe/Rome" in page
    shown = re.search(r'name="version" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/events/{world.visit.id}/registration-rules",
        data={"capacity": "3", f"limit_{world.tartu.id}": "2", "version": shown},
    )
    assert response.status_code == 302
    assert "From the waiting list, now registered: Mart Kask." in client.get(response.location).text
    assert services.limits_of(world.visit) == {world.tartu.id: 2}
    bad = client.post(
        f"/events/{world.visit.id}/registration-rules",
        data={"capacity": "0", "version": version_of(services.policy_of(world.visit))},
    )
    assert bad.status_code == 400 and services.policy_of(world.visit).capacity == 3


def test_the_rules_are_for_coordinators(world, client):
    for who in ("tartu", "genoa", "funder"):
        sign_in(client, world.users[who])
        assert client.get(f"/events/{world.visit.id}/registration-rules").status_code == 403


def test_a_deadline_to_come_leaves_partner_editors_registering(world, client):
    services.set_rules(
        world.visit,
        capacity=None,
        deadline=(utcnow() + timedelta(days=2)).replace(tzinfo=None),
        limits={},
    )
    db.session.commit()
    sign_in(client, world.users["tartu"])
    page = client.get(f"/events/{world.visit.id}").text
    assert "Registration closes on" in page and "Register people" in page
