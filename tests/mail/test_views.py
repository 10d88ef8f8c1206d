"""The outbox page (coordinators) and the unsubscribe link of every message."""

import re

from flask import g

from app.events.services import update_event
from app.extensions import db
from app.mail.delivery import deliver_due
from app.partners.models import Person
from tests import factories


def _sign_in(client, user) -> None:
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


def _unsubscribe_link(email) -> str:
    text = email.get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/mail/unsubscribe/\S+)", text).group(1)


def test_the_unsubscribe_link_asks_then_stops_the_emails(app, client, world, smtp):
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    deliver_due()
    link = _unsubscribe_link(smtp.to("contact@p4.example")[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "Send me no more e-mails" in page.text
    assert db.session.get(Person, world.person("Tartu").id).wants_email is True
    done = client.post(link)
    assert done.status_code == 200
    db.session.expire_all()
    assert db.session.get(Person, world.person("Tartu").id).wants_email is False
    update_event(world.event, location="Council House")
    db.session.commit()
    deliver_due()
    assert len(smtp.to("contact@p4.example")) == 1  # nothing after opting out
    assert len(smtp.to("contact@p1.example")) == 2


def test_one_click_unsubscribe_needs_no_csrf_token(app, client, world, smtp):
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    deliver_due()
    email = smtp.to("contact@p1.example")[0]
    link = str(email["List-Unsubscribe"]).strip()[1:-1].replace("http://127.0.0.1:5000", "")
    app.config["WTF_CSRF_ENABLED"] = True
    answer = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    db.session.expire_all()
    assert db.session.get(Person, world.person("Genoa").id).wants_email is False


def test_a_bad_unsubscribe_link_is_refused_clearly(app, client, world):
    for method in (client.get, client.post):
        answer = method("/mail/unsubscribe/MQ.forged-signature")
        assert answer.status_code == 400
        assert "This unsubscribe link is not valid" in answer.text
    assert all(p.wants_email for p in db.session.query(Person))


def test_the_outbox_lists_messages_with_their_text_and_calendar(app, client, world):
    update_event(world.event, location="Library of Birmingham")
    db.session.commit()
    deliver_due()  # no MAIL_SERVER: written to the log
    coordinator = factories.user("coord@example.org", "coordinator")
    _sign_in(client, coordinator)
    page = client.get("/outbox")
    assert page.status_code == 200
    assert "contact@p4.example" in page.text
    assert "Written to the log" in page.text
    assert page.text.count("/outbox/") >= 5
    message_id = int(re.search(r'href="/outbox/(\d+)"', page.text).group(1))
    detail = client.get(f"/outbox/{message_id}")
    assert "Library of Birmingham" in detail.text
    assert "BEGIN:VCALENDAR" in detail.text
    ics = client.get(f"/outbox/{message_id}.ics")
    assert ics.mimetype == "text/calendar"
    assert b"METHOD:REQUEST" in ics.data
    assert client.get("/outbox?status=pending").text.count('href="/outbox/') == 0


def test_only_coordinators_read_the_outbox(app, client, world):
    partner_editor = factories.user("ed@example.org", "partner", world.partners["Tartu"])
    funder = factories.user("funder@example.org", "funder")
    assert client.get("/outbox").status_code == 302  # anonymous: sign in first
    for user in (partner_editor, funder):
        _sign_in(client, user)
        assert client.get("/outbox").status_code == 403
