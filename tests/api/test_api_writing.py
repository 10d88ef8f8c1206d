"""Changing events through /api/v1: the same services, permissions and checks as the
event pages, for programs."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from app.api.tokens import create_token
from app.events.models import Event, EventSession
from app.extensions import db
from tests import factories


@pytest.fixture
def world(app):
    project = factories.project(start_date=date(2025, 8, 1))
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    visit = factories.event(
        project, tartu, datetime(2026, 3, 5, 10), datetime(2026, 3, 5, 16), participants=[genoa]
    )
    visit.sessions.append(
        EventSession(title="Welcome", starts_at=visit.starts_at, ends_at=visit.ends_at)
    )
    db.session.commit()
    tokens = {}
    for name, role, partner, scope in (
        ("tartu", "partner", tartu, "write"),
        ("genoa", "partner", genoa, "write"),
        ("reader", "partner", tartu, "read"),
        ("funder", "funder", None, "read"),
    ):
        user = factories.user(f"{name}@example.org", role=role, partner=partner)
        _token, raw = create_token(user, "script", scope)
        tokens[name] = {"Authorization": f"Bearer {raw}"}
    db.session.commit()
    return {"visit": visit.id, "session": visit.sessions[0].id, **tokens}


NEW_VISIT = {
    "kind": "study_visit",
    "title": "E-services study visit",
    "host": "P4",
    "start": "2026-04-14T10:00",
    "end": "2026-04-14T16:00",
    "participants": ["P1"],
}


def _events() -> int:
    return db.session.scalar(select(func.count(Event.id)))


def test_the_host_schedules_an_event_in_its_local_time(client, world):
    response = client.post("/api/v1/events", json=NEW_VISIT, headers=world["tartu"])
    assert response.status_code == 201, response.json
    event = response.json["event"]
    # 10:00 in Tartu on 14 April (EEST, UTC+3) is 07:00 UTC.
    assert (event["starts_at"], event["timezone"]) == ("2026-04-14T07:00:00Z", "Europe/Tallinn")
    assert event["participants"] == ["P1", "P4"]
    stored = db.session.get(Event, event["id"])
    assert stored.title == "E-services study visit"
    # The activity log names the token's owner, as it names a form's.
    entry = db.session.scalar(
        select(ActivityEntry).where(
            ActivityEntry.object_kind == "event", ActivityEntry.object_id == stored.id
        )
    )
    assert entry is not None and entry.user_id is not None


@pytest.mark.parametrize(
    ("caller", "status"),
    [(None, 401), ("reader", 403), ("funder", 403), ("genoa", 403)],
)
def test_who_may_not_schedule_for_tartu(client, world, caller, status):
    before = _events()
    response = client.post("/api/v1/events", json=NEW_VISIT, headers=world.get(caller, {}))
    assert response.status_code == status
    assert response.is_json and response.json["message"]
    assert _events() == before


def test_a_browser_session_cannot_write(client, world):
    """Cookies are not read by the API: a signed-in browser without a token is anonymous."""
    coordinator = factories.user("coordinator@example.org")
    with client.session_transaction() as session:
        factories.signed_in(session, coordinator)
    response = client.post("/api/v1/events", json=NEW_VISIT)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        # Tallinn's clocks go from 03:00 to 04:00 on 29 March 2026.
        ({"start": "2026-03-29T03:30", "end": "2026-03-29T05:00"}, "start", "does not exist"),
        # ... and back from 04:00 to 03:00 on 25 October 2026.
        ({"start": "2026-10-25T03:30", "end": "2026-10-25T05:00"}, "start", "happens twice"),
        ({"start": "2026-04-14T16:00", "end": "2026-04-14T10:00"}, "end", "before the start"),
        ({"start": "2026-02-30T10:00", "end": "2026-03-01T10:00"}, "start", "not a date"),
        ({"start": "2150-01-01", "end": "2150-01-02"}, "start", "outside the years"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Unknown time zone"),
        ({"participants": ["ZZ"]}, "participants", "No partner has the code"),
        ({"online_url": "javascript:alert(1)"}, "online_url", ""),
        ({"title": "   "}, "title", "needs a title"),
        ({"colour": "red"}, "colour", ""),
    ],
)
def test_bad_input_is_told_with_its_field_and_writes_nothing(client, world, change, field, words):
    before = _events()
    response = client.post("/api/v1/events", json=NEW_VISIT | change, headers=world["tartu"])
    assert response.status_code == 400, response.json
    assert response.json["field"] == field
    assert words in response.json["message"]
    assert _events() == before


def test_the_later_of_a_repeated_hour_is_chosen_with_fold(client, world):
    body = NEW_VISIT | {"start": "2026-10-25T03:30", "end": "2026-10-25T05:00", "fold": "later"}
    response = client.post("/api/v1/events", json=body, headers=world["tartu"])
    assert response.status_code == 201
    assert response.json["event"]["starts_at"] == "2026-10-25T01:30:00Z"


def test_an_edit_moves_the_agenda_and_raises_the_revision(client, world):
    url = f"/api/v1/events/{world['visit']}"
    before = client.get(url).json
    response = client.patch(
        url,
        json={"start": "2026-03-12T10:00", "end": "2026-03-12T16:00", "title": "Moved visit"},
        headers=world["tartu"] | {"If-Match": f'"{before["version"]}"'},
    )
    assert response.status_code == 200, response.json
    event = response.json["event"]
    assert event["title"] == "Moved visit"
    assert event["revision"] > before["revision"]
    assert event["sessions"][0]["local_start"] == "2026-03-12T10:00:00+02:00"


def test_a_stale_edit_is_refused_and_changes_nothing(client, world):
    url = f"/api/v1/events/{world['visit']}"
    seen = client.get(url).json["version"]
    first = client.patch(url, json={"title": "First"}, headers=world["tartu"])
    assert first.status_code == 200
    late = client.patch(
        url, json={"title": "Second"}, headers=world["tartu"] | {"If-Match": f'"{seen}"'}
    )
    assert late.status_code == 412 and late.json["field"] == "If-Match"
    assert db.session.get(Event, world["visit"]).title == "First"


def test_the_visiting_partner_may_read_but_not_edit(client, world):
    url = f"/api/v1/events/{world['visit']}"
    assert client.patch(url, json={"title": "Mine"}, headers=world["genoa"]).status_code == 403
    assert client.get(url, headers=world["genoa"]).status_code == 200


def test_postpone_then_cancel(client, world):
    url = f"/api/v1/events/{world['visit']}"
    postponed = client.post(
        f"{url}/postpone",
        json={"start": "2026-06-16T09:30", "end": "2026-06-16T16:00"},
        headers=world["tartu"],
    )
    assert postponed.status_code == 200, postponed.json
    event = postponed.json["event"]
    assert event["status"] == "postponed"
    assert event["original_starts_at"] == "2026-03-05T08:00:00Z"
    # The agenda keeps its local time on the new day.
    assert event["sessions"][0]["local_start"] == "2026-06-16T10:00:00+03:00"
    cancelled = client.post(f"{url}/cancel", headers=world["tartu"])
    assert cancelled.json["event"]["status"] == "cancelled"
    again = client.post(f"{url}/cancel", headers=world["tartu"])
    assert again.status_code == 400 and again.json["field"] == "status"


def test_sessions_are_added_changed_and_removed(client, world):
    url = f"/api/v1/events/{world['visit']}/sessions"
    added = client.post(
        url,
        json={
            "title": "Site visit",
            "kind": "site_visit",
            "start": "2026-03-05T13:00",
            "end": "2026-03-05T15:00",
        },
        headers=world["tartu"],
    )
    assert added.status_code == 201, added.json
    session_id = added.json["session"]["id"]
    assert added.json["session"]["starts_at"] == "2026-03-05T11:00:00Z"
    outside = client.put(
        f"{url}/{session_id}",
        json={"title": "Site visit", "start": "2026-03-06T13:00", "end": "2026-03-06T15:00"},
        headers=world["tartu"],
    )
    assert outside.status_code == 400 and "within the event" in outside.json["message"]
    changed = client.put(
        f"{url}/{session_id}",
        json={
            "title": "Site visit to the service centre",
            "start": "2026-03-05T14:00",
            "end": "2026-03-05T15:30",
        },
        headers=world["tartu"],
    )
    assert changed.json["session"]["title"] == "Site visit to the service centre"
    assert client.delete(f"{url}/{session_id}", headers=world["tartu"]).status_code == 204
    assert db.session.get(EventSession, session_id) is None
    assert client.delete(f"{url}/{session_id}", headers=world["tartu"]).status_code == 404
