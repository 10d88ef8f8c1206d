"""Scheduling warnings: asked once for what a change brings up, and for dates that count in
no semester report."""

import html
from datetime import date, datetime

import pytest
from flask import g

from app.events.models import Event
from app.extensions import db
from app.partners.models import Venue
from app.versioning import version_of
from tests import factories

NO_REPORT = "counts in no semester report"


@pytest.fixture
def world(app, client):
    """Genoa hosts "Open data" on 5 Mar 2026 with Tartu; "Clash" overlaps it (saved
    anyway). The project's semesters run from 1 Aug 2025 to 31 Jul 2028."""
    project = factories.project(start_date=date(2025, 8, 1))
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    venue = Venue(name="Sala rossa", city="Genoa", capacity=20)
    db.session.add(venue)
    factories.event(
        project,
        genoa,
        datetime(2026, 3, 5, 10),
        datetime(2026, 3, 5, 16),
        participants=[tartu],
        title="Open data",
    )
    clash = factories.event(
        project,
        genoa,
        datetime(2026, 3, 5, 11),
        datetime(2026, 3, 5, 12),
        title="Clash",
        venue=venue,
        expected_attendance=30,
    )
    coordinator = factories.user("coord@example.org", "coordinator", genoa)
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, coordinator)
    return {"project": project, "genoa": genoa, "tartu": tartu, "venue": venue, "clash": clash}


def _form(world, event: Event | None = None, **changes) -> dict:
    data = {
        "kind": "study_visit",
        "title": "Clash",
        "host": str(world["genoa"].id),
        "participants": [],
        "timezone": "Europe/Rome",
        "start_date": "2026-03-05",
        "start_time": "11:00",
        "end_date": "2026-03-05",
        "end_time": "12:00",
        "format": "in_person",
        "venue": str(world["venue"].id),
        "expected_attendance": "30",
        "is_public": "y",
        "save": "Save",
    }
    if event is not None:
        data["version"] = version_of(event)
    data.update(changes)
    return data


def _edit(client, world, **changes):
    event = db.session.get(Event, world["clash"].id)
    return client.post(f"/events/{event.id}/edit", data=_form(world, event, **changes))


def test_a_title_only_edit_of_an_overlapping_event_saves_at_once(world, client):
    response = _edit(client, world, title="Clash, renamed")
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, world["clash"].id).title == "Clash, renamed"


@pytest.mark.parametrize(
    ("changes", "warning"),
    [
        ({"start_time": "11:30"}, "already has an overlapping event"),
        ({"participants": ["TARTU"]}, "already have an overlapping event"),
        ({"expected_attendance": "31"}, "seats 20, fewer than the 31 people expected"),
    ],
)
def test_changing_time_people_or_attendance_asks_again(world, client, changes, warning):
    if changes.get("participants") == ["TARTU"]:
        changes = {"participants": [str(world["tartu"].id)]}
    response = _edit(client, world, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert warning in page and "Save anyway" in page
    if "start_time" in changes:
        assert "fewer than the" not in page  # the room did not change: not asked again


def test_a_date_outside_the_reporting_periods_is_accepted_with_a_warning(world, client):
    data = _form(world, title="Follow-up", start_date="2029-05-04", end_date="2029-05-04")
    data.update(venue="0", expected_attendance="")
    response = client.post("/events/new", data=data)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert f"4 May 2029 is outside {world['project'].acronym}'s reporting periods" in page
    assert NO_REPORT in page
    del data["save"]
    response = client.post("/events/new", data={**data, "save_anyway": "Save anyway"})
    assert response.status_code == 302
    follow_up = db.session.query(Event).filter_by(title="Follow-up").one()

    # Edited to another day outside: warned again; its title alone: saved at once.
    url = f"/events/{follow_up.id}/edit"
    moved = {**data, "save": "Save", "start_date": "2029-05-11", "end_date": "2029-05-11"}
    moved["version"] = version_of(follow_up)
    response = client.post(url, data=moved)
    assert response.status_code == 409 and NO_REPORT in response.get_data(as_text=True)
    renamed = {**data, "save": "Save", "title": "Follow-up visit"}
    renamed["version"] = version_of(follow_up)
    assert client.post(url, data=renamed).status_code == 302


def test_postponing_outside_the_reporting_periods_asks_first(world, client):
    event = db.session.get(Event, world["clash"].id)
    url = f"/events/{event.id}/postpone"
    data = {
        "start_date": "2028-09-01",
        "start_time": "11:00",
        "end_date": "2028-09-01",
        "end_time": "12:00",
        "version": version_of(event),
        "submit": "Postpone",
    }
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "1 Sep 2028 is outside" in page and NO_REPORT in page
    assert "Postpone anyway" in page
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "planned"
    del data["submit"]
    response = client.post(url, data={**data, "save_anyway": "Postpone anyway"})
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.status == "postponed" and event.local_start.date() == date(2028, 9, 1)
    # Within the periods, no question.
    other = factories.event(
        world["project"], world["tartu"], datetime(2026, 6, 1, 10), datetime(2026, 6, 1, 12)
    )
    response = client.post(
        f"/events/{other.id}/postpone",
        data={
            "start_date": "2026-07-01",
            "start_time": "10:00",
            "end_date": "2026-07-01",
            "end_time": "12:00",
            "version": version_of(other),
        },
    )
    assert response.status_code == 302


def test_the_cli_schedules_outside_the_periods_and_says_it_counts_in_no_report(world, runner):
    args = ["events", "add", "--kind", "meeting", "--title", "Wrap-up", "--host", "P1"]
    result = runner.invoke(args=[*args, "--start", "2028-09-01", "--end", "2028-09-01"])
    assert result.exit_code == 0, result.output
    assert "Scheduled event" in result.output and NO_REPORT in result.output
    result = runner.invoke(args=[*args, "--start", "2026-09-01", "--end", "2026-09-01"])
    assert result.exit_code == 0 and NO_REPORT not in result.output
