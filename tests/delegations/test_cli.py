"""`flask --app wsgi events register EVENT_ID --email ...`."""

import pytest

from app.db_types import utcnow
from app.delegations import services
from app.extensions import db
from tests.delegations.conftest import registrations


def register(runner, world, *args):
    return runner.invoke(args=["events", "register", str(world.visit.id), *args])


def test_registers_a_person_of_the_directory_by_email(world, runner):
    result = register(
        runner, world, "--email", "Anneli@Tartu.example", "--role", "speaker", "--day", "2026-03-05"
    )
    assert result.exit_code == 0, result.output
    assert "Anneli Säälik (Tartu) is registered for Study visit: Digital citizen folder." in (
        result.output
    )
    (row,) = registrations()
    assert (row.partner_id, row.role, row.days) == (world.tartu.id, "speaker", ["2026-03-05"])


def test_says_when_the_person_is_waiting_listed(world, runner):
    services.set_rules(world.visit, capacity=1, deadline=None, limits={})
    services.register(world.visit, world.genoa, world.people["giulia"])
    db.session.commit()
    result = register(runner, world, "--email", "anneli@tartu.example")
    assert result.exit_code == 0 and "on the waiting list" in result.output
    assert [r.status for r in registrations()] == ["registered", "waiting"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown address", "No one in the directory has the address nobody@tartu.example."),
        ("erased", "That person was erased from the directory."),
        ("partner not taking part", "Gävle does not take part in this event."),
        ("a day outside the event", "is not one of the event's days."),
        ("twice", "already registered for this event."),
    ],
)
def test_refusals_exit_non_zero_and_write_nothing(world, runner, case, message):
    email = {
        "unknown address": "nobody@tartu.example",
        "partner not taking part": "henrik@gavle.example",
    }
    args = ["--email", email.get(case, "anneli@tartu.example")]
    if case == "erased":
        world.people["anneli"].erased_at = utcnow()
    if case == "a day outside the event":
        args += ["--day", "2026-03-09"]
    if case == "twice":
        services.register(world.visit, world.tartu, world.people["anneli"])
    db.session.commit()
    before = len(registrations())
    result = register(runner, world, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert len(registrations()) == before


def test_an_event_id_past_the_column_is_no_event(world, runner):
    result = runner.invoke(args=["events", "register", "9" * 23, "--email", "anneli@tartu.example"])
    assert result.exit_code != 0 and "No event 99999999999999999999999." in result.output
    assert registrations() == []
