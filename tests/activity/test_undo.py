"""Removing a session or evidence asks first and can be undone from the history for 30
days; replacing the private calendar address asks first and is logged without it."""

import re
from datetime import UTC, datetime, timedelta
from io import BytesIO

from sqlalchemy import select, update

from app.activity import services
from app.activity.models import ActivityEntry
from app.auth.models import User
from app.events.models import Event, EventSession
from app.events.services import add_session
from app.extensions import db
from app.outcomes.models import Attachment
from app.outcomes.services import attachment_path, store_attachment
from app.partners.models import Person
from app.versioning import version_of
from tests import factories
from tests.activity.test_history_pages import _history, sign_in

PDF = b"%PDF-1.4 minutes of the visit"


def _visit_with_session(world) -> tuple[Event, EventSession]:
    event = factories.event(
        world.project,
        world.gavle,
        datetime(2021, 10, 27, 9),
        datetime(2021, 10, 27, 17),
        title="Study visit to Gävle",
        participants=[world.tartu],
    )
    expert = Person(partner=world.gavle, name="Anna Berg", function="Service designer")
    db.session.add(expert)
    session = add_session(
        event,
        title="Innovation unit tour",
        kind="site_visit",
        start=datetime(2021, 10, 27, 10),
        end=datetime(2021, 10, 27, 12),
        experts=[expert],
    )
    db.session.commit()
    return event, session


def _removal(kind: str) -> ActivityEntry:
    return db.session.scalar(
        select(ActivityEntry)
        .where(ActivityEntry.object_kind == kind, ActivityEntry.action == "removed")
        .order_by(ActivityEntry.id.desc())
    )


def _restore_forms(page: str) -> list[str]:
    return re.findall(r'action="(/activity/\d+/restore)"', page)


def test_confirm_remove_and_restore_a_session(world, client):
    event, session = _visit_with_session(world)
    session_id, revision = session.id, event.revision
    sign_in(client, "gavle@example.org")
    feed = client.get(f"/events/{event.id}.ics").text
    assert "Innovation unit tour" in feed

    # The event page links to a confirmation; nothing there removes at once.
    page = client.get(f"/events/{event.id}").text
    confirm_url = f"/events/{event.id}/sessions/{session_id}/delete"
    assert f'href="{confirm_url}"' in page
    assert f'action="{confirm_url}"' not in page
    confirm = client.get(confirm_url)
    assert confirm.status_code == 200
    assert "Innovation unit tour" in confirm.text and "Anna Berg" in confirm.text
    assert f'method="post" action="{confirm_url}"' in confirm.text
    assert db.session.get(EventSession, session_id) is not None  # asking changed nothing

    version = re.search(r'name="version" value="([^"]*)"', confirm.text).group(1)
    response = client.post(confirm_url, data={"version": version})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(EventSession, session_id) is None
    assert "Innovation unit tour" not in client.get(f"/events/{event.id}.ics").text
    removal = _removal("session")
    assert removal.snapshot_data["title"] == "Innovation unit tour"
    assert removal.snapshot_data["experts"] == [db.session.scalar(select(Person.id))]

    # The history offers to put it back; other partners' editors are not offered it.
    history = _history(client.get(f"/events/{event.id}").text)
    assert _restore_forms(history) == [f"/activity/{removal.id}/restore"]
    sign_in(client, "tartu@example.org")
    assert _restore_forms(_history(client.get(f"/events/{event.id}").text)) == []
    assert client.post(f"/activity/{removal.id}/restore").status_code == 403

    sign_in(client, "gavle@example.org")
    response = client.post(f"/activity/{removal.id}/restore")
    assert response.status_code == 303
    db.session.expire_all()
    restored = db.session.get(EventSession, session_id)
    assert restored is not None and restored.title == "Innovation unit tour"
    assert [p.name for p in restored.experts] == ["Anna Berg"]
    assert db.session.get(Event, event.id).revision > revision + 1  # removal, then restore
    assert "Innovation unit tour" in client.get(f"/events/{event.id}.ics").text
    entry = db.session.scalar(
        select(ActivityEntry).where(
            ActivityEntry.object_kind == "session", ActivityEntry.action == "restored"
        )
    )
    assert entry is not None and entry.actor == "gavle@example.org"
    assert db.session.get(ActivityEntry, removal.id).restored_at is not None
    # Once only.
    history = _history(client.get(f"/events/{event.id}").text)
    assert _restore_forms(history) == [] and "restored" in history
    client.post(f"/activity/{removal.id}/restore")
    assert len(db.session.scalars(select(EventSession)).all()) == 1


def test_confirm_remove_and_restore_evidence(world, client, app):
    event, _ = _visit_with_session(world)
    attachment = store_attachment(BytesIO(PDF), "minutes.pdf", category="minutes", event=event)
    db.session.commit()
    attachment_id, path = attachment.id, attachment_path(attachment)
    sign_in(client, "gavle@example.org")

    page = client.get(f"/events/{event.id}").text
    confirm_url = f"/evidence/{attachment_id}/delete"
    assert f'href="{confirm_url}?next=' in page
    assert f'action="{confirm_url}"' not in page
    confirm = client.get(confirm_url, query_string={"next": f"/events/{event.id}"})
    assert confirm.status_code == 200 and "minutes.pdf" in confirm.text
    assert f'action="{confirm_url}"' in confirm.text
    assert client.get(f"/evidence/{attachment_id}").status_code == 200

    response = client.post(confirm_url, data={"next": f"/events/{event.id}"})
    assert response.status_code == 303
    assert db.session.get(Attachment, attachment_id) is None
    assert client.get(f"/evidence/{attachment_id}").status_code == 404
    assert path.is_file()  # kept, so the removal can be undone

    removal = _removal("evidence")
    history = _history(client.get(f"/events/{event.id}").text)
    assert _restore_forms(history) == [f"/activity/{removal.id}/restore"]
    assert client.post(f"/activity/{removal.id}/restore").status_code == 303
    download = client.get(f"/evidence/{attachment_id}")
    assert download.status_code == 200 and download.data == PDF
    assert "minutes.pdf" in client.get(f"/events/{event.id}").text


def test_removals_are_restorable_for_thirty_days_then_the_file_is_purged(world, client, runner):
    event, _ = _visit_with_session(world)
    attachment = store_attachment(BytesIO(PDF), "minutes.pdf", category="minutes", event=event)
    db.session.commit()
    path = attachment_path(attachment)
    sign_in(client, "gavle@example.org")
    client.post(f"/evidence/{attachment.id}/delete")
    removal = _removal("evidence")

    def age(days: int) -> None:
        db.session.execute(
            update(ActivityEntry)
            .where(ActivityEntry.id == removal.id)
            .values(at=datetime.now(UTC) - timedelta(days=days))
        )
        db.session.commit()

    age(29)
    assert services.restorable(db.session.get(ActivityEntry, removal.id))
    assert runner.invoke(args=["activity", "purge"]).exit_code == 0
    assert path.is_file()  # still within the keeping time

    age(31)
    db.session.expire_all()
    assert not services.restorable(db.session.get(ActivityEntry, removal.id))
    assert _restore_forms(_history(client.get(f"/events/{event.id}").text)) == []
    response = client.post(f"/activity/{removal.id}/restore", follow_redirects=True)
    assert "can no longer be restored" in response.text
    assert db.session.scalar(select(Attachment)) is None
    result = runner.invoke(args=["activity", "purge"])
    assert result.exit_code == 0 and "Deleted 1 file" in result.output
    assert not path.is_file()


def test_a_session_is_not_restored_outside_its_moved_event(world, client):
    event, session = _visit_with_session(world)
    sign_in(client, "gavle@example.org")
    client.post(
        f"/events/{event.id}/sessions/{session.id}/delete",
        data={"version": version_of(session)},
    )
    removal = _removal("session")
    event = db.session.get(Event, event.id)
    event.starts_at += timedelta(days=30)
    event.ends_at += timedelta(days=30)
    db.session.commit()
    response = client.post(f"/activity/{removal.id}/restore", follow_redirects=True)
    assert "has moved since" in response.text
    assert db.session.scalar(select(EventSession)) is None


def test_replacing_the_private_calendar_address_asks_first(world, client):
    user = db.session.scalar(select(User).where(User.email == "tartu@example.org"))
    old = user.feed_token
    sign_in(client, "tartu@example.org")
    panel = client.get("/account/calendar").text
    assert 'method="get" action="/account/calendar/reset"' in panel

    # Posting without the confirmation only leads to it.
    response = client.post("/account/calendar/reset", data={"next": "/account/calendar"})
    assert response.status_code == 303 and "/account/calendar/reset" in response.location
    db.session.expire_all()
    assert db.session.get(User, user.id).feed_token == old

    confirm = client.get("/account/calendar/reset?next=/account/calendar")
    assert confirm.status_code == 200 and "stops working" in confirm.text
    assert 'name="confirm" value="yes"' in confirm.text
    assert old not in confirm.text
    response = client.post(
        "/account/calendar/reset", data={"confirm": "yes", "next": "/account/calendar"}
    )
    assert response.status_code == 302 and response.location.endswith("/account/calendar")
    db.session.expire_all()
    new = db.session.get(User, user.id).feed_token
    assert new != old
    entry = db.session.scalar(
        select(ActivityEntry).where(
            ActivityEntry.object_kind == "account", ActivityEntry.action == "changed"
        )
    )
    assert entry.user_id == user.id
    assert entry.changed_fields == {"private calendar address": [None, "changed"]}
    assert old not in (entry.changes + (entry.snapshot or ""))
    assert new not in (entry.changes + (entry.snapshot or ""))


def test_ids_past_the_column_range_are_unknown(world, client):
    sign_in(client, "coord@example.org")
    huge = 2**31
    assert client.post(f"/activity/{huge}/restore").status_code == 404
    assert client.get(f"/events/{huge}/sessions/1/delete").status_code == 404
    assert client.get(f"/evidence/{huge}/delete").status_code == 404
    for odd in (
        {"who": str(huge), "page": "9" * 30},
        {"who": "²", "page": "²", "scope": "event", "scope_id": "³"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"kind": "event", "from": "2021-02-30"},
    ):
        assert client.get("/activity", query_string=odd).status_code == 200, odd
    # A NUL byte is refused at the door, like anywhere on the site.
    assert client.get("/activity", query_string={"kind": "event\x00"}).status_code == 400
