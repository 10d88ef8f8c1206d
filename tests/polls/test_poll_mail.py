"""The pick tells the partners: one message per contact and registered person, through
the outbox and a real SMTP server, saying the date was chosen in the poll, with the
event's own calendar entry (the feed's UID, the new SEQUENCE)."""

from datetime import UTC, datetime

import vobject
from sqlalchemy import select

from app.delegations.models import Registration
from app.events.models import Event
from app.extensions import db
from app.mail.delivery import deliver_due
from app.mail.models import OutboxMessage
from app.partners.models import Person
from app.polls import services
from app.versioning import version_of
from tests.feeds.parsers import _forget_vobject_zones
from tests.mail.conftest import smtp  # noqa: F401  (the test SMTP server)


def _calendar(email):
    part = next(p for p in email.iter_attachments() if p.get_content_type() == "text/calendar")
    _forget_vobject_zones()
    return part.get_param("method"), vobject.readOne(part.get_content())


def test_the_pick_reaches_every_partner_once_with_the_invitation(world, client, smtp):  # noqa: F811
    traveller = Person(partner=world.genoa, name="Giulia Rossi", email="giulia@genoa.example")
    db.session.add(traveller)
    db.session.add(Registration(event=world.event, person=traveller, partner=world.genoa))
    db.session.commit()
    db.session.query(OutboxMessage).delete()  # the registration's own invitation
    db.session.commit()
    poll = world.open_poll()
    assert db.session.scalar(select(OutboxMessage.id)) is None  # opening mails nobody
    services.pick(poll, poll.slots[1], seen_version=version_of(poll))
    db.session.commit()
    event = db.session.get(Event, world.event.id)

    done = deliver_due()
    assert done.sent == 4
    addresses = sorted(str(m["To"]) for m in smtp.messages)
    assert addresses == [
        "Contact of Genoa <contact@p1.example>",
        "Contact of Gävle <contact@p3.example>",
        "Contact of Tartu <contact@p4.example>",
        "Giulia Rossi <giulia@genoa.example>",
    ]
    tartu = smtp.to("contact@p4.example")
    assert len(tartu) == 1
    assert tartu[0]["Subject"] == "Kuupäev valitud: Õppevisiit: Digital services"
    text = tartu[0].get_body(("plain",)).get_content()
    assert "Kuupäev valiti partnerite kuupäevaküsitlusega." in text
    assert "17. märts 2027 10:00–16:00" in text

    genoa = smtp.to("contact@p1.example")[0]
    assert genoa["Subject"].startswith("Data scelta: ")
    genoa_text = genoa.get_body(("plain",)).get_content()
    assert "09:00–15:00" in genoa_text  # the new time in Genoa's zone too
    method, calendar = _calendar(genoa)
    assert method == "REQUEST" and calendar.method.value == "REQUEST"
    feed = vobject.readOne(client.get(f"/events/{event.id}.ics").data.decode())
    assert calendar.vevent.uid.value == feed.vevent.uid.value
    assert int(calendar.vevent.sequence.value) == event.revision == 2
    assert calendar.vevent.dtstart.value.astimezone(UTC) == datetime(2027, 3, 17, 8, tzinfo=UTC)
    assert deliver_due().sent == 0  # nothing left: one message each
