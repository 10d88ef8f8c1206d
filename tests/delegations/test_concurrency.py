"""Simultaneous registrations on PostgreSQL: threads released together, each with its own
client and connection. Of many people registered at once for the last place, exactly one
gets it; the others wait."""

from app.delegations import services
from app.extensions import db
from app.people.services import create_person
from app.versioning import version_of
from tests.delegations.conftest import registrations
from tests.events.test_concurrency import _simultaneously, threaded  # noqa: F401

AT_ONCE = 10


def test_simultaneous_registrations_never_both_take_the_last_place(threaded, world):  # noqa: F811
    services.set_rules(world.visit, capacity=2, deadline=None, limits={})
    services.register(world.visit, world.genoa, world.people["giulia"])
    people = [create_person(world.tartu, f"Traveller {n}") for n in range(AT_ONCE)]
    db.session.commit()
    url = f"/events/{world.visit.id}/delegations/{world.tartu.id}"
    posts = [(url, {"person": str(p.id), "kind": "staff"}) for p in people]
    results = _simultaneously(threaded, world.users["coordinator"].id, posts)
    assert [status for status, _ in results] == [302] * AT_ONCE
    rows = registrations()
    assert len(rows) == AT_ONCE + 1
    assert sum(r.status == "registered" for r in rows) == 2
    waiting = [r for r in rows if r.status == "waiting"]
    assert len(waiting) == AT_ONCE - 1


def test_simultaneous_removals_promote_each_waiting_person_once(threaded, world):  # noqa: F811
    services.set_rules(world.visit, capacity=2, deadline=None, limits={})
    people = [create_person(world.tartu, f"Traveller {n}") for n in range(6)]
    rows = [services.register(world.visit, world.tartu, p) for p in people]
    db.session.commit()
    posts = [
        (
            f"/events/{world.visit.id}/registrations/{r.id}/remove",
            {"version": version_of(r)},
        )
        for r in rows[:2]
    ]
    _simultaneously(threaded, world.users["coordinator"].id, posts)
    left = registrations()
    assert [r.person.name for r in left if r.status == "registered"] == [
        "Traveller 2",
        "Traveller 3",
    ]
