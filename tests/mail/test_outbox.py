"""Who gets which message, written in the transaction of the change, and batching."""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.db_types import utcnow
from app.delegations.models import Registration
from app.events.services import cancel, mark_held, update_event
from app.extensions import db
from app.mail.delivery import deliver_due
from app.mail.models import OutboxMessage
from app.partners.models import Person
from tests import factories
from tests.mail.conftest import add_person, register


def _messages(**where) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(db.session.scalars(query))


def _to(address: str) -> list[OutboxMessage]:
    return _messages(to_address=address)


def test_registering_sends_the_person_an_invitation_and_removing_a_withdrawal(app, world):
    mari = add_person(world.partners["Tartu"], "Mari Tamm", "mari@tartu.example")
    registration = register(world.event, mari)
    (invitation,) = _to("mari@tartu.example")
    assert (invitation.kind, invitation.method) == ("invitation", "REQUEST")
    assert "DTSTART;TZID=Europe/London:20200616T093000" in invitation.calendar
    db.session.delete(registration)
    db.session.commit()
    withdrawal = _to("mari@tartu.example")[-1]
    assert (withdrawal.kind, withdrawal.method) == ("withdrawal", "CANCEL")
    assert "STATUS:CANCELLED" in withdrawal.calendar
    assert "METHOD:CANCEL" in withdrawal.calendar
    # Why she gets it: she was registered (in Estonian, Tartu's language), not a contact.
    assert "olite üritusele registreeritud" in withdrawal.body
    assert "kontaktisik" not in withdrawal.body


def test_the_waiting_list_gets_its_invitation_when_a_place_frees(app, world):
    mari = add_person(world.partners["Tartu"], "Mari Tamm", "mari@tartu.example")
    registration = register(world.event, mari, status="waiting")
    assert _to("mari@tartu.example") == []
    registration.status = "registered"
    db.session.commit()
    assert [m.kind for m in _to("mari@tartu.example")] == ["invitation"]


def test_a_change_reaches_the_registered_and_every_partners_contacts_once(app, world):
    tartu = world.partners["Tartu"]
    mari = add_person(tartu, "Mari Tamm", "mari@tartu.example")
    register(world.event, mari)
    register(world.event, world.person("Tartu"))  # a contact who also comes: one message
    before = len(_messages())
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    new = _messages()[before:]
    assert sorted(m.to_address for m in new) == sorted(
        ["mari@tartu.example"] + [p.email for p in world.people.values()]
    )
    assert all(m.kind == "update" for m in new)


def test_people_who_opted_out_were_erased_or_have_no_address_get_nothing(app, world):
    tartu = world.partners["Tartu"]
    quiet = add_person(tartu, "Opted out", "quiet@tartu.example", wants_email=False)
    erased = add_person(tartu, "Gone", "gone@tartu.example", erased_at=utcnow())
    silent = add_person(tartu, "No address", None)
    for person in (quiet, erased, silent):
        register(world.event, person)
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    addresses = {m.to_address for m in _messages()}
    assert "quiet@tartu.example" not in addresses
    assert "gone@tartu.example" not in addresses
    assert len(addresses) == 5  # the five contact people


def test_opting_out_drops_what_is_still_waiting(app, world, smtp):
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    world.person("Tartu").wants_email = False
    db.session.commit()
    assert deliver_due().sent == 4
    assert smtp.to("contact@p4.example") == []
    assert _to("contact@p4.example")[0].status == "withdrawn"


def test_three_quick_changes_make_one_message_per_person(app, world, smtp):
    app.config["MAIL_BATCH_SECONDS"] = 300
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    update_event(world.event, start=datetime(2020, 6, 16, 10), end=datetime(2020, 6, 16, 12))
    db.session.commit()
    cancel(world.event)
    db.session.commit()
    messages = _to("contact@p2.example")
    assert len(messages) == 1
    (message,) = messages
    assert len(message.changes) == 3
    assert message.sequence == world.event.revision
    assert message.method == "CANCEL"
    assert f"SEQUENCE:{world.event.revision}" in message.calendar
    assert "Cancelled: the event will not take place" in message.body
    assert deliver_due().sent == 0  # still in its window
    assert deliver_due(now=utcnow() + timedelta(minutes=6)).sent == 5
    assert len(smtp.to("contact@p2.example")) == 1


def test_a_change_after_the_window_is_a_message_of_its_own(app, world):
    app.config["MAIL_BATCH_SECONDS"] = 300
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    for message in _messages():
        message.due_at = utcnow() - timedelta(seconds=1)  # the window has passed
    db.session.commit()
    update_event(world.event, location="Council House")
    db.session.commit()
    assert len(_to("contact@p2.example")) == 2


def test_marking_an_event_held_mails_nobody(app, world):
    mark_held(world.event)
    db.session.commit()
    assert _messages() == []


def test_scheduling_an_event_invites_the_contacts_of_its_partners(app, world):
    event = factories.event(
        world.project,
        world.partners["Tartu"],
        datetime(2026, 3, 5, 10),
        datetime(2026, 3, 5, 16),
        participants=[world.partners["Genoa"]],
    )
    invited = _messages(event_id=event.id)
    assert sorted(m.to_address for m in invited) == ["contact@p1.example", "contact@p4.example"]
    assert {m.kind for m in invited} == {"invitation"}


def test_erasing_a_person_takes_their_messages_out_of_the_outbox(app, world):
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    person = db.session.get(Person, world.person("Genoa").id)
    person.erased_at = utcnow()
    db.session.commit()
    assert _to("contact@p1.example") == []


def test_a_rolled_back_change_leaves_no_message(app, world):
    update_event(world.event, location="Library of Birmingham")
    db.session.flush()
    db.session.rollback()
    assert _messages() == []


def test_a_person_added_and_registered_in_one_go_is_invited(app, world):
    person = Person(partner=world.partners["Genoa"], name="Luca", email="luca@genova.example")
    db.session.add(person)
    db.session.add(Registration(event=world.event, person=person, partner=person.partner))
    db.session.commit()
    assert [m.kind for m in _to("luca@genova.example")] == ["invitation"]


def test_a_partner_added_to_the_event_has_its_contacts_invited_and_one_taken_off_not(app, world):
    others = [p for city, p in world.partners.items() if city not in ("Genoa", "Birmingham")]
    update_event(world.event, participants=others)  # Genoa no longer takes part
    db.session.commit()
    assert [(m.kind, m.method) for m in _to("contact@p1.example")] == [("withdrawal", "CANCEL")]
    update_event(world.event, participants=[*others, world.partners["Genoa"]])
    db.session.commit()
    assert [m.kind for m in _to("contact@p1.example")] == ["withdrawal", "invitation"]
    assert [m.kind for m in _to("contact@p4.example")] == []  # Tartu took part all along


def test_changes_flushed_twice_in_one_transaction_make_one_message(app, world):
    update_event(world.event, location="Library of Birmingham")
    db.session.flush()
    update_event(world.event, location="Town Hall")
    db.session.commit()
    (message,) = _to("contact@p2.example")
    assert len(message.changes) == 2
    assert "Place: was Council House, now Town Hall." in message.body


def test_people_registered_for_an_event_already_held_get_no_invitation(app, world):
    mark_held(world.event)
    db.session.commit()
    register(world.event, world.person("Tartu"))
    assert db.session.query(OutboxMessage).count() == 0
