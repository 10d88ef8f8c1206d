"""Scheduling, editing and postponing onto a public holiday of the host or a visiting
partner warns beside the overlap and capacity warnings, with "Save anyway"."""

import html
from datetime import date, datetime

import pytest
from flask import g

from app.events.models import Event
from app.extensions import db
from app.versioning import version_of
from tests import factories

FOUNDATION_DAY = "20 August 2026 is a public holiday in Hungary: State Foundation Day."
NATIONAL_DAY = "23 October 2026 is a public holiday in Hungary: National Day."


@pytest.fixture
def world(app, client):
    """Genoa (IT, Genoa province) hosts; Nyíregyháza (HU) may visit; Gävle (SE) has no
    holiday on 20 August or 23 October. "Workshop" is on 10 September 2026 with Gävle."""
    project = factories.project(start_date=date(2025, 8, 1))
    genoa = factories.partner(
        project, "GEN", "Genoa", "Europe/Rome", country="IT", region="GE", language="it"
    )
    nyiregyhaza = factories.partner(
        project, "NYI", "Nyíregyháza", "Europe/Budapest", country="HU", language="hu"
    )
    gavle = factories.partner(project, "P3", "Gävle", "Europe/Stockholm", country="SE")
    workshop = factories.event(
        project,
        genoa,
        datetime(2026, 9, 10, 10),
        datetime(2026, 9, 10, 12),
        participants=[gavle],
        title="Workshop",
    )
    coordinator = factories.user("coord@example.org", "coordinator", genoa)
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, coordinator)
    return {
        "project": project,
        "genoa": genoa,
        "nyi": nyiregyhaza,
        "gavle": gavle,
        "workshop": workshop,
    }


def _form(world, visitors, day, event=None, **changes) -> dict:
    data = {
        "kind": "study_visit",
        "title": "Digital citizen folder",
        "host": str(world["genoa"].id),
        "participants": [str(world[v].id) for v in visitors],
        "timezone": "Europe/Rome",
        "start_date": day,
        "start_time": "10:00",
        "end_date": day,
        "end_time": "16:00",
        "format": "in_person",
        "venue": "0",
        "expected_attendance": "",
        "is_public": "y",
        "save": "Save",
    }
    if event is not None:
        data["version"] = version_of(event)
    data.update(changes)
    return data


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_scheduling_on_a_visitors_holiday_warns_then_saves_anyway(world, client):
    data = _form(world, ["nyi"], "2026-08-20")
    response = client.post("/events/new", data=data)
    assert response.status_code == 409
    assert FOUNDATION_DAY in _page(response) and "Save anyway" in _page(response)
    assert db.session.query(Event).filter_by(title="Digital citizen folder").count() == 0
    del data["save"]
    response = client.post("/events/new", data={**data, "save_anyway": "Save anyway"})
    assert response.status_code == 302
    assert db.session.query(Event).filter_by(title="Digital citizen folder").count() == 1


def test_the_hosts_regional_holiday_warns_too(world, client):
    response = client.post("/events/new", data=_form(world, [], "2026-06-24"))
    assert response.status_code == 409
    assert "24 June 2026 is a public holiday in Italy: Saint John's Day." in _page(response)


def test_no_warning_for_a_partner_not_taking_part(world, client):
    # 20 August is Hungary's holiday, not Sweden's or Italy's.
    response = client.post("/events/new", data=_form(world, ["gavle"], "2026-08-20"))
    assert response.status_code == 302, _page(response)


def test_the_warning_is_in_the_readers_language(world, client):
    response = client.post("/events/new?lang=hu", data=_form(world, ["nyi"], "2026-08-20"))
    page = _page(response)
    assert response.status_code == 409
    assert "Magyarország" in page and "Az államalapítás ünnepe" in page


def test_a_multi_day_visit_warns_for_each_holiday_it_covers(world, client):
    data = _form(world, ["nyi"], "2026-08-19", end_date="2026-08-21")
    page = _page(client.post("/events/new", data=data))
    assert FOUNDATION_DAY in page
    assert "21 August 2026 is a public holiday in Hungary: Day off" in page


def _edit(client, world, visitors, day, **changes):
    event = db.session.get(Event, world["workshop"].id)
    data = _form(world, visitors, day, event, **{"title": "Workshop", **changes})
    return client.post(f"/events/{event.id}/edit", data=data)


def test_moving_onto_a_holiday_warns(world, client):
    response = _edit(client, world, ["gavle", "nyi"], "2026-08-20")
    assert response.status_code == 409 and FOUNDATION_DAY in _page(response)


def test_adding_a_visitor_whose_holiday_it_is_warns(world, client):
    # The workshop moved to 20 August with Gävle only: no holiday of theirs.
    assert _edit(client, world, ["gavle"], "2026-08-20").status_code == 302
    response = _edit(client, world, ["gavle", "nyi"], "2026-08-20")
    assert response.status_code == 409 and FOUNDATION_DAY in _page(response)
    anyway = {"save_anyway": "Save anyway"}
    assert _edit(client, world, ["gavle", "nyi"], "2026-08-20", **anyway).status_code == 302
    # Saved anyway: a title edit on the same day is not asked again.
    response = _edit(client, world, ["gavle", "nyi"], "2026-08-20", title="Workshop, renamed")
    assert response.status_code == 302, _page(response)
    db.session.expire_all()
    assert db.session.get(Event, world["workshop"].id).title == "Workshop, renamed"


def test_postponing_onto_a_holiday_asks_first(world, client):
    event = world["workshop"]
    event.participants = [*event.participants, world["nyi"]]
    db.session.commit()
    url = f"/events/{event.id}/postpone"
    data = {
        "start_date": "2026-10-23",
        "start_time": "10:00",
        "end_date": "2026-10-23",
        "end_time": "12:00",
        "version": version_of(event),
        "submit": "Postpone",
    }
    response = client.post(url, data=data)
    assert response.status_code == 409
    assert NATIONAL_DAY in _page(response) and "Postpone anyway" in _page(response)
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "planned"
    del data["submit"]
    response = client.post(url, data={**data, "save_anyway": "Postpone anyway"})
    assert response.status_code == 302
    # Postponed to an ordinary day: no question.
    other = factories.event(
        world["project"],
        world["genoa"],
        datetime(2026, 11, 3, 10),
        datetime(2026, 11, 3, 12),
        participants=[world["nyi"]],
    )
    data.update(version=version_of(other), start_date="2026-11-10", end_date="2026-11-10")
    assert client.post(f"/events/{other.id}/postpone", data=data).status_code == 302


def test_the_cli_notes_the_holiday(world, runner):
    args = ["events", "add", "--kind", "meeting", "--title", "Wrap-up", "--host", "NYI"]
    result = runner.invoke(args=[*args, "--start", "2026-10-23", "--end", "2026-10-23"])
    assert result.exit_code == 0, result.output
    assert NATIONAL_DAY in result.output
