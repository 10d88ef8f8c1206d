"""The events screens as a user meets them: forms, messages, zones, filters, escaping."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from app.events import services
from app.events.models import Event, EventSession
from app.extensions import db
from app.partners.models import Person
from app.versioning import version_of
from tests import factories


@pytest.fixture
def world(app):
    # Semesters from Aug 2019 to Jul 2027: the dates below count in a report.
    project = factories.project(years=8)
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    event = factories.event(
        project,
        genoa,
        datetime(2026, 3, 5, 10),
        datetime(2026, 3, 5, 16),
        participants=[tartu],
        title="Open data",
    )
    coordinator = factories.user("coord@example.org", "coordinator", genoa)
    editor = factories.user("tartu@example.org", "partner", tartu)
    return {
        "project": project,
        "tartu": tartu,
        "genoa": genoa,
        "event": event,
        "coordinator": coordinator,
        "editor": editor,
    }


def sign_in(client, user) -> None:
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


def event_form(**changes) -> dict:
    data = {
        "kind": "study_visit",
        "title": "A study visit",
        "host": "",
        "participants": [],
        "timezone": "",
        "start_date": "2026-05-04",
        "start_time": "09:00",
        "end_date": "2026-05-04",
        "end_time": "17:00",
        "format": "in_person",
        "venue": "0",
        "is_public": "y",
        "save": "Save",
    }
    data.update(changes)
    return data


def count_events() -> int:
    return db.session.scalar(select(func.count(Event.id)))


def test_dates_are_typed_in_the_events_zone_default_the_hosts(world, client):
    sign_in(client, world["coordinator"])
    response = client.post(
        "/events/new", data=event_form(host=str(world["tartu"].id), title="In Tartu")
    )
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.title == "In Tartu"))
    assert event.timezone == "Europe/Tallinn"
    assert event.starts_at == datetime(2026, 5, 4, 6, tzinfo=UTC)  # 09:00 EEST
    response = client.post(
        "/events/new",
        data=event_form(
            host=str(world["tartu"].id),
            title="Zoned",
            timezone="Europe/London",
            start_date="2026-05-11",
            end_date="2026-05-11",
        ),
    )
    event = db.session.scalar(select(Event).where(Event.title == "Zoned"))
    assert event.timezone == "Europe/London" and event.starts_at.hour == 8


def test_end_before_start_is_refused_next_to_the_field_keeping_the_input(world, client):
    sign_in(client, world["coordinator"])
    before = count_events()
    response = client.post(
        "/events/new",
        data=event_form(
            host=str(world["genoa"].id), title="Kept <title>", start_time="15:00", end_time="14:00"
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="end_date-error">The end is before the start.' in page or (
        'id="end_time-error">The end is before the start.' in page
    )
    assert 'value="Kept &lt;title&gt;"' in page
    assert count_events() == before


def test_missing_title_and_bad_link_are_refused(world, client):
    sign_in(client, world["coordinator"])
    response = client.post(
        "/events/new",
        data=event_form(host=str(world["genoa"].id), title="", online_url="not a link"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="title-error"' in page and 'id="online_url-error">Give a full link' in page


def test_overlap_warning_then_save_anyway(world, client):
    sign_in(client, world["coordinator"])
    before = count_events()
    data = event_form(
        host=str(world["genoa"].id),
        title="Clash",
        start_date="2026-03-05",
        start_time="11:00",
        end_date="2026-03-05",
        end_time="12:00",
    )
    response = client.post("/events/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Genoa already has an overlapping event: Study visit: Open data" in page
    assert "Save anyway" in page and count_events() == before
    del data["save"]
    response = client.post("/events/new", data={**data, "save_anyway": "Save anyway"})
    assert response.status_code == 302 and count_events() == before + 1


def test_a_stale_edit_is_refused_and_the_other_change_kept(world, client):
    sign_in(client, world["coordinator"])
    event = world["event"]
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    seen = services.version_of(event)
    assert f'value="{seen}"' in page
    services.update_event(event, title="Their title")
    db.session.commit()
    response = client.post(
        f"/events/{event.id}/edit",
        data=event_form(
            host=str(world["genoa"].id),
            title="My title",
            version=seen,
            participants=[str(world["tartu"].id)],
            start_date="2026-03-05",
            start_time="10:00",
            end_date="2026-03-05",
            end_time="16:00",
        ),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else changed this event after you opened the form: title." in page
    assert 'value="My title"' in page  # the loser's input is kept
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Their title"


def test_edit_round_trip_keeps_times_and_bumps_revision_on_move(world, client):
    sign_in(client, world["coordinator"])
    event = world["event"]
    client.get(f"/events/{event.id}/edit")
    data = event_form(
        host=str(world["genoa"].id),
        title="Open data",
        version=services.version_of(event),
        participants=[str(world["tartu"].id)],
        timezone="Europe/Rome",
        start_date="2026-03-06",
        start_time="10:00",
        end_date="2026-03-06",
        end_time="16:00",
        save_anyway="1",
    )
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.local_start == datetime(2026, 3, 6, 10, tzinfo=event.local_start.tzinfo)
    assert event.revision == 2 and [p.code for p in event.participants] == ["P1", "P4"]


def test_times_in_the_readers_zone_with_local_time_beside(world, client):
    event = world["event"]
    anonymous = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "5 Mar 2026, 10:00 CET (Europe/Rome)" in anonymous
    assert "local:" not in anonymous
    sign_in(client, world["editor"])
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "5 Mar 2026, 11:00 EET (Europe/Tallinn)" in page
    assert "(local: 5 Mar 2026, 10:00 CET (Europe/Rome))" in page


def test_titles_and_descriptions_are_escaped(world, client):
    event = world["event"]
    services.update_event(event, title="<script>x()</script>", description="<img src=x>")
    db.session.commit()
    for url in (f"/events/{event.id}", "/events?when=all", "/events/calendar?month=2026-03"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>x()" not in page and "&lt;script&gt;x()" in page, url
        assert "<img src=x>" not in page


def test_public_pages_show_expert_names_never_contact_data(world, client):
    event = world["event"]
    expert = Person(
        partner=world["genoa"], name="Ada Expert", email="ada@example.org", phone="+39 1"
    )
    db.session.add(expert)
    services.add_session(
        event,
        title="Talk",
        start=datetime(2026, 3, 5, 10),
        end=datetime(2026, 3, 5, 11),
        experts=[expert],
    )
    services.set_attendance(event, world["tartu"], 4, 5)
    db.session.commit()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Ada Expert" in page
    assert "ada@example.org" not in page and "+39 1" not in page
    assert "Attendance" not in page


def test_sessions_added_on_the_event_page_with_experts(world, client):
    sign_in(client, world["coordinator"])
    event = world["event"]
    expert = Person(partner=world["tartu"], name="Tiina Tamm")
    db.session.add(expert)
    db.session.commit()
    response = client.post(
        f"/events/{event.id}/sessions",
        data={
            "title": "Data walk",
            "kind": "site_visit",
            "start_date": "2026-03-05",
            "start_time": "13:00",
            "end_time": "12:00",
            "experts": [str(expert.id)],
            "version": version_of(event),
        },
    )
    assert response.status_code == 400
    assert "The end is before the start." in response.get_data(as_text=True)
    response = client.post(
        f"/events/{event.id}/sessions",
        data={
            "title": "Data walk",
            "kind": "site_visit",
            "start_date": "2026-03-05",
            "start_time": "13:00",
            "end_time": "14:00",
            "experts": [str(expert.id)],
            "version": version_of(event),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Data walk" in page and "Tiina Tamm" in page
    session_id = db.session.scalar(select(EventSession.id))
    edit = f"/events/{event.id}/sessions/{session_id}/edit"
    assert 'value="13:00"' in client.get(edit).get_data(as_text=True)
    response = client.post(
        edit,
        data={
            "title": "",
            "kind": "site_visit",
            "start_date": "2026-03-05",
            "start_time": "13:00",
            "end_time": "14:30",
            "version": version_of(db.session.get(EventSession, session_id)),
        },
    )
    assert response.status_code == 400 and 'id="title-error"' in response.get_data(as_text=True)
    response = client.post(
        edit,
        data={
            "title": "Longer data walk",
            "kind": "site_visit",
            "start_date": "2026-03-05",
            "start_time": "13:00",
            "end_time": "14:30",
            "version": version_of(db.session.get(EventSession, session_id)),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    session = db.session.get(EventSession, session_id)
    assert session.title == "Longer data walk" and session.experts == []
    assert session.ends_at == datetime(2026, 3, 5, 13, 30, tzinfo=UTC)  # 14:30 CET


def test_partner_editor_records_own_attendance_and_bad_numbers_are_refused(world, client):
    sign_in(client, world["editor"])
    event, tartu = world["event"], world["tartu"]
    prefix = f"p{tartu.id}-"
    response = client.post(
        f"/events/{event.id}/attendance/{tartu.id}",
        data={
            prefix + "staff_count": "-2",
            prefix + "stakeholder_count": "x",
            prefix + "version": version_of(event),
        },
    )
    assert response.status_code == 400
    assert f'id="{prefix}staff_count-error"' in response.get_data(as_text=True)
    response = client.post(
        f"/events/{event.id}/attendance/{tartu.id}",
        data={
            prefix + "staff_count": "3",
            prefix + "stakeholder_count": "0",
            prefix + "version": version_of(event),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [(a.staff_count, a.stakeholder_count) for a in world["event"].attendance] == [(3, 0)]


def test_postpone_move_online_cancel_through_the_pages(world, client):
    sign_in(client, world["coordinator"])
    event = world["event"]
    version = services.version_of(event)
    response = client.post(
        f"/events/{event.id}/postpone",
        data={
            "start_date": "2026-04-09",
            "start_time": "10:00",
            "end_date": "2026-04-08",
            "end_time": "16:00",
            "version": version,
        },
    )
    assert response.status_code == 400  # last day before first day
    response = client.post(
        f"/events/{event.id}/postpone",
        data={
            "start_date": "2026-04-09",
            "start_time": "10:00",
            "end_date": "2026-04-09",
            "end_time": "16:00",
            "version": version,
        },
    )
    assert response.status_code == 302
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "First planned" in page and "5 Mar 2026, 10:00 CET" in page
    # A button pressed on a page loaded before the postponement is refused.
    client.post(f"/events/{event.id}/cancel", data={"version": version})
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "postponed"
    event = db.session.get(Event, event.id)
    client.post(
        f"/events/{event.id}/move-online",
        data={"online_platform": "Zoom", "version": services.version_of(event)},
    )
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    client.post(f"/events/{event.id}/cancel", data={"version": services.version_of(event)})
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.status, event.format, event.revision) == ("cancelled", "online", 4)
    assert "Cancelled" in client.get("/events").get_data(as_text=True)


def test_list_filters(world, client):
    project, tartu, genoa = world["project"], world["tartu"], world["genoa"]
    factories.event(
        project,
        tartu,
        datetime(2020, 3, 5, 10),
        datetime(2020, 3, 5, 12),
        kind="local_event",
        title="Old local",
        status="held",
    )
    soon = datetime.now(UTC) + timedelta(days=3)
    factories.event(
        project,
        tartu,
        soon.replace(tzinfo=None),
        (soon + timedelta(hours=2)).replace(tzinfo=None),
        kind="import_workshop",
        title="Soon workshop",
    )

    def titles(query: str) -> set[str]:
        page = client.get("/events?" + query).get_data(as_text=True)
        return {t for t in ("Open data", "Old local", "Soon workshop") if t in page}

    everything = {"Open data", "Old local", "Soon workshop"}
    # Upcoming first by default; past ones (and every date) a click away.
    upcoming = {"Soon workshop"} | (
        {"Open data"} if datetime(2026, 3, 5, 15, tzinfo=UTC) > datetime.now(UTC) else set()
    )
    assert titles("") == upcoming == titles("when=upcoming")
    assert titles("when=all") == everything
    assert "Old local" in titles("when=past") and "Soon workshop" not in titles("when=past")
    assert titles("when=all&kind=local_event") == {"Old local"}
    assert titles("when=all&status=held") == {"Old local"}
    assert titles(f"when=all&partner={genoa.code}") == {"Open data"}
    assert titles(f"when=all&partner={tartu.code}") == everything
    assert titles("when=all&semester=2") == {"Old local"}  # Feb–Jul 2020
    assert titles("when=all&q=OPEN") == {"Open data"}
    assert titles("when=all&q=%25") == set()  # a wildcard typed is a character sought
    assert titles("when=all&kind=nonsense&semester=999&sort=nonsense&size=7") == everything


def test_calendar_places_events_on_their_days(world, client):
    page = client.get("/events/calendar?month=2026-03").get_data(as_text=True)
    assert "March 2026" in page and "10:00 Study visit: Open data" in page
    assert "Open data" not in client.get("/events/calendar?month=2026-05").get_data(as_text=True)
    assert client.get("/events/calendar?month=garbage").status_code == 200
    empty = client.get("/events/calendar?month=2026-05").get_data(as_text=True)
    assert "Last events before this month: March 2026" in empty
    assert "Next events after" not in empty


def test_list_and_calendar_query_counts_do_not_grow_with_events(world, client):
    from app.partners.models import Partner, Project

    ids = world["project"].id, world["tartu"].id, world["genoa"].id
    db.session.add(Person(partner=world["genoa"], name="Expert"))
    db.session.commit()

    def add(n: int) -> None:
        project, tartu, genoa = (
            db.session.get(m, i) for m, i in zip((Project, Partner, Partner), ids, strict=True)
        )
        expert = db.session.scalar(select(Person))
        for i in range(n):
            event = factories.event(
                project,
                tartu,
                datetime(2026, 3, 10 + i % 15, 9),
                datetime(2026, 3, 10 + i % 15, 11),
                participants=[genoa],
            )
            services.add_session(
                event,
                title="S",
                start=datetime(2026, 3, 10 + i % 15, 9),
                end=datetime(2026, 3, 10 + i % 15, 10),
                experts=[expert],
            )
            services.set_attendance(event, genoa, 1, 1)
        db.session.commit()

    sign_in(client, world["coordinator"])
    add(2)
    few = (
        factories.statements(client, "/events?when=all"),
        factories.statements(client, "/events/calendar?month=2026-03"),
    )
    add(27)
    many = (
        factories.statements(client, "/events?when=all"),
        factories.statements(client, "/events/calendar?month=2026-03"),
    )
    assert few == many
