"""Every tracked kind of change leaves an entry with who, the object, and old/new values,
in the same transaction as the change."""

from datetime import date, datetime
from io import BytesIO

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from app.activity.models import CHANGE_ACTIONS, ActivityEntry
from app.auth.models import User
from app.errors import DomainError
from app.events import services as events
from app.extensions import db
from app.feeds.services import reset_feed_token
from app.outcomes import services as outcomes
from app.partners.models import Partner, Person
from app.practices import services as practices
from app.versioning import version_of
from tests import factories

PDF = b"%PDF-1.4 minutes"


def _entries(**where) -> list[ActivityEntry]:
    query = select(ActivityEntry).order_by(ActivityEntry.id)
    for name, value in where.items():
        query = query.where(getattr(ActivityEntry, name) == value)
    return list(db.session.scalars(query))


def _last(kind: str, action: str) -> ActivityEntry:
    entries = _entries(object_kind=kind, action=action)
    assert entries, f"no {action} {kind} entry"
    return entries[-1]


def _visit(world):
    return factories.event(
        world.project,
        world.gavle,
        datetime(2021, 10, 27, 9),
        datetime(2021, 10, 27, 17),
        title="Study visit to Gävle",
        participants=[world.tartu],
    )


# Each case: a change made through the services, and the entry it must leave:
# (object kind, action, field, old value, new value).
def _create_event(world):
    _visit(world)


def _move_online(world):
    event = _visit(world)
    events.move_online(event, "Zoom", "https://zoom.example/j/1")


def _add_participant(world):
    event = _visit(world)
    event.participants.append(world.genoa)


def _add_session(world):
    event = _visit(world)
    events.add_session(
        event, title="Welcome", start=datetime(2021, 10, 27, 9), end=datetime(2021, 10, 27, 10)
    )


def _change_experts(world):
    event = _visit(world)
    person = _person(world, "Maria Rossi")
    session = events.add_session(
        event, title="Welcome", start=datetime(2021, 10, 27, 9), end=datetime(2021, 10, 27, 10)
    )
    db.session.commit()
    events.update_session(
        event,
        session,
        title="Welcome",
        start=datetime(2021, 10, 27, 9),
        end=datetime(2021, 10, 27, 10),
        experts=[person],
    )


def _remove_session(world):
    event = _visit(world)
    session = events.add_session(
        event, title="Welcome", start=datetime(2021, 10, 27, 9), end=datetime(2021, 10, 27, 10)
    )
    db.session.commit()
    events.remove_session(event, session)


def _attendance(world):
    event = _visit(world)
    events.set_attendance(event, world.tartu, 3, 4)
    db.session.commit()
    events.set_attendance(event, world.tartu, 5, 4)


def _practice(world):
    world.practice.title = "Municipal innovation lab"


def _transfer_stage(world):
    transfer = practices.create_transfer(world.practice, world.tartu)
    db.session.commit()
    practices.set_stage_by_coordinator(transfer, "studied", "Seen on the visit")


def _action_plan(world):
    outcomes.save_action_plan(world.tartu, {"title": "Tartu plan, revised"})


def _action_group(world):
    outcomes.add_action_group(world.plan, {"title": "Open data"})


def _action(world):
    outcomes.save_action(world.group, {"title": "Train staff", "status": "planned"})


def _outcome(world):
    event = _visit(world)
    outcomes.record_outcome(world.project, kind="lesson", text="Start small", event=event)


def _evidence(world):
    event = _visit(world)
    outcomes.store_attachment(BytesIO(PDF), "minutes.pdf", category="minutes", event=event)


def _remove_evidence(world):
    event = _visit(world)
    attachment = outcomes.store_attachment(BytesIO(PDF), "minutes.pdf", event=event)
    db.session.commit()
    outcomes.delete_attachment(attachment)


def _account(world):
    user = db.session.scalar(select(User).where(User.email == "tartu@example.org"))
    user.name = "Kadri Tamm"


def _person(world, name):
    person = Person(partner=world.genoa, name=name)
    db.session.add(person)
    db.session.commit()
    return person


CASES = [
    (_create_event, ("event", "created", "title", None, "Study visit to Gävle")),
    (_move_online, ("event", "changed", "format", "in_person", "online")),
    (
        _add_participant,
        ("event", "changed", "participants", ["Gävle", "Tartu"], ["Genoa", "Gävle", "Tartu"]),
    ),
    (_add_session, ("session", "created", "title", None, "Welcome")),
    (_change_experts, ("session", "changed", "experts", [], ["Maria Rossi"])),
    (_remove_session, ("session", "removed", "title", "Welcome", None)),
    (_attendance, ("attendance", "changed", "staff_count", 3, 5)),
    (_practice, ("practice", "changed", "title", "Municipal innovation unit", None)),
    (_transfer_stage, ("transfer", "changed", "stage", "identified", "studied")),
    (_transfer_stage, ("transfer_stage", "created", "reason", None, "Seen on the visit")),
    (_action_plan, ("action_plan", "changed", "title", "Tartu regional action plan", None)),
    (_action_group, ("action_group", "created", "title", None, "Open data")),
    (_action, ("action", "created", "title", None, "Train staff")),
    (_outcome, ("outcome", "created", "text", None, "Start small")),
    (_evidence, ("evidence", "created", "original_name", None, "minutes.pdf")),
    (_remove_evidence, ("evidence", "removed", "original_name", "minutes.pdf", None)),
    (_account, ("account", "changed", "name", "", "Kadri Tamm")),
]


@pytest.mark.parametrize(
    ("change", "expected"), CASES, ids=[f"{e[0]} {e[1]} {e[2]}" for _, e in CASES]
)
def test_each_kind_of_change_is_logged_with_the_signed_in_user(world, app, change, expected):
    coordinator = db.session.scalar(select(User).where(User.email == "coord@example.org"))
    kind, action, name, old, new = expected
    with app.test_request_context():
        login_user(coordinator)
        change(world)
        db.session.commit()
    entry = _last(kind, action)
    assert (entry.user_id, entry.actor) == (coordinator.id, "coord@example.org")
    values = entry.changed_fields[name]
    if old is not None or action == "created":
        assert values[0] == old
    if new is not None or action == "removed":
        assert values[1] == new
    assert entry.at is not None and entry.object_id is not None


def test_the_command_line_and_the_system_are_named_when_nobody_is_signed_in(world, runner):
    _visit(world)
    assert _last("event", "created").actor == "System"
    result = runner.invoke(
        args=["users", "create", "new@example.org", "--role", "funder", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    entry = _last("account", "created")
    assert entry.actor == "Command line" and entry.user_id is None


def test_secrets_are_never_written(world, app):
    user = db.session.scalar(select(User).where(User.email == "tartu@example.org"))
    old_hash, old_token = user.password_hash, user.feed_token
    user.set_password("another long password")
    db.session.commit()
    new_token = reset_feed_token(user)
    changes = [e.changed_fields for e in _entries(object_kind="account", object_id=user.id)]
    assert {"password": [None, "changed"]} in changes
    assert {"private calendar address": [None, "changed"]} in changes
    everything = " ".join(
        f"{e.changes} {e.snapshot} {e.label}" for e in _entries()
    )  # the whole log, accounts' creation included
    for secret in (old_hash, user.password_hash, old_token, new_token):
        assert secret not in everything
    assert "password_hash" not in everything and "feed_token" not in everything


def test_instants_are_stored_in_utc_iso(world):
    event = _visit(world)
    entry = _last("event", "created")
    # 09:00 in Stockholm (CEST) is 07:00 UTC.
    assert entry.changed_fields["starts_at"] == [None, "2021-10-27T07:00:00+00:00"]
    assert event.timezone == "Europe/Stockholm"


def test_bookkeeping_alone_leaves_no_entry(world, client):
    """A sign-in that resets the failed-login counter is not a change anyone made (only
    the security events say it happened)."""
    changes = select(func.count()).where(ActivityEntry.action.in_(CHANGE_ACTIONS))
    before = db.session.scalar(changes)
    client.post("/login", data={"email": "tartu@example.org", "password": "wrong one"})
    client.post("/login", data={"email": "tartu@example.org", "password": "correct horse battery"})
    assert db.session.scalar(changes) == before


# Same transaction: what is refused or rolled back leaves no entry.


def test_a_rolled_back_change_leaves_no_entry(world):
    event = _visit(world)
    before = len(_entries())
    event.title = "Never saved"
    db.session.flush()
    assert len(_entries()) == before + 1  # written with the change, in its transaction
    db.session.rollback()
    assert len(_entries()) == before
    assert db.session.get(type(event), event.id).title == "Study visit to Gävle"


def test_a_change_refused_by_a_domain_error_leaves_no_entry(world):
    event = _visit(world)
    before = len(_entries())
    event.title = "Backwards"
    event.ends_at = datetime(2021, 10, 26, tzinfo=event.starts_at.tzinfo)
    with pytest.raises(DomainError):
        db.session.flush()
    db.session.rollback()
    assert len(_entries()) == before


def test_a_form_refused_over_http_leaves_no_entry(world, client):
    event = _visit(world)
    client.post("/login", data={"email": "gavle@example.org", "password": "correct horse battery"})
    before = len(_entries())
    response = client.post(
        f"/events/{event.id}/sessions",
        data={
            "title": "Far away",
            "kind": "seminar",
            "start_date": date(2022, 3, 1).isoformat(),
            "start_time": "10:00",
            "end_time": "11:00",
            "version": version_of(event),
        },
    )
    assert response.status_code == 400
    assert len(_entries()) == before


def test_a_host_added_in_the_same_flush_is_named(world):
    """Rows inserted by the flush that is being logged are found without a second copy."""
    riga = Partner(
        project=world.project,
        code="P7",
        name="City of Riga",
        city="Riga",
        country="LV",
        timezone="Europe/Riga",
        language="lv",
    )
    db.session.add(riga)
    event = events.create_event(
        world.project,
        kind="study_visit",
        title="Visit to Riga",
        host=riga,
        start=date(2021, 11, 3),
        end=date(2021, 11, 3),
        timezone="Europe/Riga",
    )
    db.session.commit()
    entry = _last("event", "created")
    assert entry.object_id == event.id
    assert entry.changed_fields["host_partner_id"] == [None, "Riga"]
    assert db.session.get(Partner, riga.id) is riga
