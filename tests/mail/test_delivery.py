"""Messages as a mail client receives them from a real SMTP server: headers, text and the
calendar attachment read by vobject and ical.js; the server down; two workers at once."""

import threading
from datetime import datetime, timedelta

import pytest
import vobject
from sqlalchemy import select

from app.db_types import utcnow
from app.events.services import cancel, move_online, postpone, update_event
from app.extensions import db
from app.mail.delivery import deliver_due
from app.mail.models import OutboxMessage
from tests.feeds.parsers import _forget_vobject_zones, read_both
from tests.mail.conftest import CITIES, register


def _attachment(email) -> tuple[bytes, str]:
    part = next(p for p in email.iter_attachments() if p.get_content_type() == "text/calendar")
    return part.get_content().encode("utf-8"), part.get_param("method")


def _vcalendar(body: bytes):
    _forget_vobject_zones()
    return vobject.readOne(body.decode("utf-8"))


def _feed_uid(client, event_id: int) -> str:
    feed = client.get(f"/events/{event_id}.ics")
    assert feed.status_code == 200
    return _vcalendar(feed.data).vevent.uid.value


def test_a_postponement_reaches_every_contact_with_headers_text_and_calendar(
    app, client, world, smtp
):
    postpone(world.event, datetime(2020, 6, 17, 9, 30), datetime(2020, 6, 17, 11, 0))
    db.session.commit()
    done = deliver_due()
    assert done.sent == 5
    tartu = smtp.to("contact@p4.example")
    assert len(tartu) == 1
    email = tartu[0]
    assert email["From"] == "coordinator@better.example"
    assert email["To"] == "Contact of Tartu <contact@p4.example>"
    assert email["Subject"] == "Edasi lükatud: Temaatiline üritus nr 3: E-services"
    stored = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == "contact@p4.example")
    )
    assert email["Message-ID"] == stored.message_id
    assert email["Date"]
    assert (
        str(email["List-Unsubscribe"])
        .strip()
        .startswith("<http://127.0.0.1:5000/mail/unsubscribe/")
    )
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = email.get_body(("plain",)).get_content()
    # Tartu reads in Estonian: the old and new times in Tartu's zone, and in Birmingham's.
    assert "16. juuni 2020 11:30–13:00" in text
    assert "17. juuni 2020 11:30–13:00" in text
    assert "17. juuni 2020 09:30–11:00 Briti suveaeg (Europe/London)" in text
    assert "http://127.0.0.1:5000/events/" in text
    assert text.count("/mail/unsubscribe/") == 1
    assert "\n\n\n" not in text
    body, method = _attachment(email)
    assert method == "REQUEST"
    calendar = _vcalendar(body)
    assert calendar.method.value == "REQUEST"
    assert calendar.vevent.uid.value == _feed_uid(client, world.event.id)
    assert calendar.vevent.organizer.value == "mailto:coordinator@better.example"
    assert calendar.vevent.attendee.value == "mailto:contact@p4.example"
    assert int(calendar.vevent.sequence.value) == world.event.revision


def test_the_english_text_names_what_changed_in_plain_words(app, world, smtp):
    postpone(world.event, datetime(2020, 6, 17, 9, 30), datetime(2020, 6, 17, 11, 0))
    db.session.commit()
    deliver_due()
    text = smtp.to("contact@p2.example")[0].get_body(("plain",)).get_content()
    assert (
        "Postponed: was 16 Jun 2020, 09:30–11:00 BST (Europe/London), "
        "now 17 Jun 2020, 09:30–11:00 BST (Europe/London)." in text
    )
    assert "When: 17 Jun 2020, 09:30–11:00 BST (Europe/London)" in text  # Birmingham's own


def test_sequence_rises_with_each_change_and_cancelling_sends_cancel(app, client, world, smtp):
    uid = _feed_uid(client, world.event.id)
    sequences = []
    for change in (
        lambda e: update_event(e, location="Library of Birmingham"),
        lambda e: move_online(e, "Webex", "https://webex.example/j/123"),
        lambda e: cancel(e),
    ):
        change(world.event)
        db.session.commit()
        deliver_due()
        body, method = _attachment(smtp.to("contact@p3.example")[-1])
        calendar = _vcalendar(body)
        assert calendar.vevent.uid.value == uid
        sequences.append(int(calendar.vevent.sequence.value))
    assert sequences == sorted(set(sequences)) and len(sequences) == 3
    assert sequences[-1] == world.event.revision
    assert method == "CANCEL"
    assert calendar.method.value == "CANCEL"
    assert calendar.vevent.status.value == "CANCELLED"
    read = read_both(body)
    assert read[uid]["status"] == "CANCELLED"
    # Gävle reads Swedish.
    assert smtp.to("contact@p3.example")[-1]["Subject"].startswith("Inställt: ")
    online = smtp.to("contact@p3.example")[1].get_body(("plain",)).get_content()
    assert "Webex" in online
    # A contact person who is not coming is not sent the meeting link itself.
    assert "https://webex.example/j/123" not in online


@pytest.mark.parametrize(("code", "city", "zone", "lang", "country"), CITIES)
def test_the_instants_are_right_for_every_partner_zone(
    app, world, smtp, code, city, zone, lang, country
):
    postpone(world.event, datetime(2020, 6, 18, 9, 30), datetime(2020, 6, 18, 11, 0))
    db.session.commit()
    deliver_due()
    body, _method = _attachment(smtp.to(f"contact@{code.lower()}.example")[0])
    entries = read_both(body)  # vobject and ical.js agree, every TZID defined
    (entry,) = entries.values()
    assert entry["start"] == datetime.fromisoformat("2020-06-18T08:30:00+00:00")
    assert entry["end"] == datetime.fromisoformat("2020-06-18T10:00:00+00:00")


def test_a_registered_participant_gets_the_meeting_link(app, world, smtp):
    from tests.mail.conftest import add_person

    traveller = add_person(world.partners["Tartu"], "Mari Tamm", "mari@tartu.example")
    register(world.event, traveller)
    move_online(world.event, "Webex", "https://webex.example/j/123")
    db.session.commit()
    deliver_due()
    mails = smtp.to("mari@tartu.example")
    assert [m["Subject"].split(":")[0] for m in mails] == ["Kutse", "Viidud veebi"]
    assert "https://webex.example/j/123" in mails[-1].get_body(("plain",)).get_content()


def test_the_server_down_loses_nothing_and_doubles_nothing(app, world, smtp):
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    smtp.down = True
    first = deliver_due()
    assert first.sent == 0 and first.retrying == 1
    waiting = db.session.scalars(select(OutboxMessage)).all()
    assert len(waiting) == 5
    failed = [m for m in waiting if m.attempts]
    assert len(failed) == 1 and "421" in failed[0].last_error
    assert failed[0].next_attempt_at > utcnow()
    smtp.down = False
    later = utcnow() + timedelta(hours=2)
    assert deliver_due(now=later).sent == 5
    assert deliver_due(now=later + timedelta(hours=1)).sent == 0
    retried = next(m for m in smtp.messages if failed[0].to_address in m["To"])
    assert retried["Message-ID"] == failed[0].message_id  # the one fixed when written
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        f"Contact of {city} <contact@{code.lower()}.example>" for code, city, *_ in CITIES
    )
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"sent"}


def test_a_stopped_server_is_retried_with_longer_waits(app, world, smtp):
    from app.mail.delivery import backoff

    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(20) == timedelta(hours=1)
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    app.config["MAIL_PORT"] = 1  # nothing listens there
    assert deliver_due().retrying == 1
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.attempts == 1))
    assert message.status == "pending" and message.last_error


def test_two_workers_at_once_send_each_message_once(app, world, smtp):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent workers need a server database")
    for number in range(4):
        update_event(world.event, location=f"Room {number}")
        db.session.commit()
    assert db.session.query(OutboxMessage).count() == 20
    barrier = threading.Barrier(2)
    results = []

    def worker():
        with app.app_context():
            barrier.wait()
            results.append(deliver_due())
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in results) == 20
    assert len(smtp.messages) == 20
    assert len({m["Message-ID"] for m in smtp.messages}) == 20


def test_without_a_mail_server_messages_go_to_the_log(app, world, caplog, runner):
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    with caplog.at_level("INFO", logger="app.mail"):
        result = runner.invoke(args=["mail", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 5" in result.output
    assert "contact@p4.example" in caplog.text
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"logged"}


def test_a_worker_lost_mid_send_is_replaced_and_the_copy_keeps_its_message_id(app, world, smtp):
    from app.mail.delivery import CLAIM_LEASE, claim

    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    first = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
    assert claim(first.id, utcnow())  # a worker took it, then died before recording
    assert deliver_due().sent == 4  # the others; the claimed one is not taken twice
    assert deliver_due(now=utcnow() + CLAIM_LEASE + timedelta(minutes=1)).sent == 1
    copies = [m for m in smtp.messages if m["Message-ID"] == first.message_id]
    assert len(copies) == 1
    assert len(smtp.messages) == 5


def test_a_delegation_of_three_sees_its_invitations_update_when_the_visit_is_postponed(
    app, client, world, smtp
):
    from tests import factories
    from tests.mail.conftest import add_person

    visit = factories.event(
        world.project,
        world.partners["Genoa"],
        datetime(2021, 5, 20, 9),
        datetime(2021, 5, 20, 17),
        title="Digital citizen folder",
        participants=[world.partners["Tartu"]],
    )
    tartu = world.partners["Tartu"]
    delegation = [
        add_person(tartu, name, f"{name.split()[0].lower()}@tartu.example")
        for name in ("Mari Tamm", "Jaan Kask", "Liis Mets")
    ]
    for person in delegation:
        register(visit, person)
    deliver_due()
    postpone(visit, datetime(2021, 9, 14, 9), datetime(2021, 9, 14, 17))
    db.session.commit()
    deliver_due()
    uid = _feed_uid(client, visit.id)
    for person in delegation:
        invitation, update = smtp.to(person.email)
        first, _ = _attachment(invitation)
        second, _ = _attachment(update)
        before, after = read_both(first)[uid], read_both(second)[uid]
        assert after["sequence"] > before["sequence"]
        assert before["start"] == datetime.fromisoformat("2021-05-20T07:00:00+00:00")
        assert after["start"] == datetime.fromisoformat("2021-09-14T07:00:00+00:00")
        assert "14. september 2021 10:00–18:00" in update.get_body(("plain",)).get_content()
