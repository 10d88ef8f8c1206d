"""Reading the programme through /api/v1: what each caller sees, filters, cursor pages,
conditional requests, and errors a program can act on."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.api.tokens import create_token
from app.events.models import Event
from app.extensions import db
from app.practices.models import GoodPractice
from app.practices.services import create_transfer
from tests import factories


@pytest.fixture
def world(app):
    """Tartu hosts, Genoa visits; one internal online event with a meeting link."""
    project = factories.project(start_date=date(2025, 8, 1))
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    visit = factories.event(
        project,
        tartu,
        datetime(2026, 3, 5, 10),
        datetime(2026, 3, 5, 16),
        participants=[genoa],
        title="Citizen folder visit",
    )
    workshop = factories.event(
        project, genoa, datetime(2026, 3, 26, 9, 30), datetime(2026, 3, 26, 12), kind="meeting"
    )
    internal = factories.event(
        project,
        tartu,
        datetime(2026, 4, 2, 10),
        datetime(2026, 4, 2, 11),
        is_public=False,
        format="online",
        online_url="https://meet.example.org/tartu",
    )
    practice = GoodPractice(project=project, owner=tartu, title="Citizen folder", theme="Data")
    hidden = GoodPractice(project=project, owner=tartu, title="Draft idea", is_public=False)
    db.session.add_all([practice, hidden])
    create_transfer(practice, genoa)
    editor = factories.user("editor@example.org", role="partner", partner=tartu)
    _token, raw = create_token(editor, "script", "read")
    db.session.commit()
    return {
        "visit": visit.id,
        "workshop": workshop.id,
        "internal": internal.id,
        "auth": {"Authorization": f"Bearer {raw}"},
    }


def test_the_public_reads_public_events_in_utc_with_their_zone(client, world):
    body = client.get("/api/v1/events").json
    assert [e["id"] for e in body["items"]] == [world["visit"], world["workshop"]]
    visit = body["items"][0]
    # 10:00 in Tartu (EET, UTC+2) is 08:00 UTC.
    assert visit["starts_at"] == "2026-03-05T08:00:00Z"
    assert visit["local_start"] == "2026-03-05T10:00:00+02:00"
    assert visit["timezone"] == "Europe/Tallinn"
    assert (visit["host"], visit["participants"]) == ("P4", ["P1", "P4"])
    assert visit["uid"].startswith(f"event-{world['visit']}@")
    assert body["paging"] == {"next_cursor": None, "limit": 50}
    assert client.get(f"/api/v1/events/{world['internal']}").status_code == 404


def test_a_token_reads_internal_events_with_their_meeting_link(client, world):
    items = client.get("/api/v1/events", headers=world["auth"]).json["items"]
    internal = next(e for e in items if e["id"] == world["internal"])
    assert internal["online_url"] == "https://meet.example.org/tartu"
    assert internal["is_public"] is False


def test_no_personal_contact_data_leaves(client, world):
    text = client.get("/api/v1/events", headers=world["auth"]).get_data(as_text=True)
    assert "@example.org" not in text.replace("meet.example.org", "")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=meeting", ["workshop"]),
        ("partner=P1", ["visit", "workshop"]),
        ("partner=P4", ["visit"]),
        ("status=cancelled", []),
        ("semester=2", ["visit", "workshop"]),
        ("semester=3", []),
        ("updated_since=2000-01-01T00:00:00Z", ["visit", "workshop"]),
        ("updated_since=2999-01-01T00:00:00%2B02:00", []),
    ],
)
def test_filters_like_the_pages(client, world, query, expected):
    items = client.get(f"/api/v1/events?{query}").json["items"]
    assert [e["id"] for e in items] == [world[name] for name in expected]


def test_cursor_pages_walk_every_event_once(client, world):
    seen, url = [], "/api/v1/events?limit=1"
    while url:
        body = client.get(url, headers=world["auth"]).json
        seen += [e["id"] for e in body["items"]]
        cursor = body["paging"]["next_cursor"]
        url = f"/api/v1/events?limit=1&cursor={cursor}" if cursor else None
    assert seen == [world["visit"], world["workshop"], world["internal"]]


def test_a_page_is_answered_304_until_an_event_changes(client, world):
    first = client.get("/api/v1/events")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/events", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    event = db.session.get(Event, world["visit"])
    event.title = "Citizen folder study visit"
    db.session.commit()
    changed = client.get("/api/v1/events", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json["items"][0]["title"] == "Citizen folder study visit"


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/v1/events?limit=0", 400, "limit"),
        ("/api/v1/events?limit=abc", 400, "limit"),
        ("/api/v1/events?cursor=not-a-cursor", 400, "cursor"),
        ("/api/v1/events?partner=XX", 400, "partner"),
        ("/api/v1/events?semester=99", 400, "semester"),
        ("/api/v1/events?kind=party", 400, "kind"),
        ("/api/v1/events?updated_since=yesterday", 400, "updated_since"),
        ("/api/v1/events/999999", 404, None),
        ("/api/v1/no-such-thing", 404, None),
    ],
)
def test_errors_are_json_with_the_field(client, world, url, status, field):
    response = client.get(url)
    assert response.status_code == status
    assert response.is_json and response.json["field"] == field
    assert response.json["message"] and response.json["status"] == status


def test_an_unknown_token_is_refused_not_ignored(client, world):
    response = client.get("/api/v1/events", headers={"Authorization": "Bearer ipp_wrong"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_practices_and_transfers_with_stages(client, world):
    practices = client.get("/api/v1/practices").json["items"]
    assert [p["title"] for p in practices] == ["Citizen folder"]
    [transfer] = practices[0]["transfers"]
    assert (transfer["owner"], transfer["importer"], transfer["stage"]) == (
        "P4",
        "P1",
        "identified",
    )
    assert [s["stage"] for s in transfer["history"]] == ["identified"]
    signed_in = client.get("/api/v1/practices", headers=world["auth"]).json["items"]
    assert [p["title"] for p in signed_in] == ["Citizen folder", "Draft idea"]
    transfers = client.get("/api/v1/transfers?partner=P1").json["items"]
    assert [t["practice"] for t in transfers] == ["Citizen folder"]


def test_semesters_and_indicators(client, world):
    semesters = client.get("/api/v1/semesters").json["items"]
    assert semesters[0] == {
        "number": 1,
        "start": "2025-08-01",
        "last_day": "2026-01-31",
        "phase": "Phase 1",
    }
    assert client.get("/api/v1/semesters/2/indicators").status_code == 401
    body = client.get("/api/v1/semesters/2/indicators", headers=world["auth"]).json
    assert body == {"semester": 2, "items": []}


def test_a_list_costs_the_same_queries_for_more_events(client, world):
    """The page's query count does not grow with its rows (eager loading)."""

    def counted() -> int:
        return factories.statements(client, "/api/v1/events?limit=100")

    few = counted()
    project_id = db.session.get(Event, world["visit"]).project_id
    host = db.session.get(Event, world["visit"]).host
    for day in range(1, 25):
        factories.event(
            db.session.get(type(host.project), project_id),
            host,
            datetime(2026, 5, day, 10),
            datetime(2026, 5, day, 12),
        )
    assert counted() == few


def test_the_openapi_document_and_its_page(client, world):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    assert {"/api/v1/events", "/api/v1/events/{event_id}/postpone"} <= set(spec["paths"])
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "POST /api/v1/events" in text and "cdn" not in text.lower()


def test_instants_of_every_row_are_utc(client, world):
    for event in client.get("/api/v1/events", headers=world["auth"]).json["items"]:
        starts = datetime.fromisoformat(event["starts_at"])
        assert starts.tzinfo == UTC
        stored = db.session.scalar(select(Event.starts_at).where(Event.id == event["id"]))
        assert stored == starts
