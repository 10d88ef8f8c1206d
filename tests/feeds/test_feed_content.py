"""What the entries say: UIDs, SEQUENCE, cancellations, sessions, filters, privacy."""

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import select

from app.events.models import Event, EventSession
from app.extensions import db
from app.partners.models import Person
from tests import factories
from tests.feeds.parsers import read_both


def _calendar(client, url="/calendar.ics") -> Calendar:
    response = client.get(url)
    assert response.status_code == 200, response.data
    return Calendar.from_ical(response.data)


def _entries(client, url="/calendar.ics") -> dict:
    return {str(e["UID"]): e for e in _calendar(client, url).walk("VEVENT")}


def _setup():
    project = factories.project(acronym="DEMO")
    tartu = factories.partner(project, "P4", city="Tartu", zone="Europe/Tallinn")
    genoa = factories.partner(project, "P1", city="Genoa", zone="Europe/Rome", country="IT")
    return project, tartu, genoa


def test_calendar_level_properties(app, client):
    _setup()
    calendar = _calendar(client)
    text = calendar.to_ical().decode()
    assert calendar["PRODID"].startswith("-//Interreg partnership programme")
    assert calendar["VERSION"] == "2.0"
    assert "NAME:DEMO events" in text and "X-WR-CALNAME:DEMO events" in text
    assert "X-WR-CALDESC:Public events of" in text and "\nDESCRIPTION:Public events" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H" in text
    assert "X-PUBLISHED-TTL:PT6H" in text
    assert calendar["UID"] == "calendar-demo-public@127.0.0.1"
    assert "METHOD" not in calendar
    assert client.get("/calendar.ics").data == client.get("/calendar.ics").data


def test_entry_properties_and_postponement_note(app, client):
    project, tartu, genoa = _setup()
    event = factories.event(
        project,
        tartu,
        datetime(2025, 5, 6, 10, 0),
        datetime(2025, 5, 6, 16, 0),
        title="Service design",
        participants=[genoa],
        status="postponed",
        original_starts_at=datetime(2025, 3, 4, 8, 0, tzinfo=UTC),
        original_ends_at=datetime(2025, 3, 4, 14, 0, tzinfo=UTC),
        original_location="Tartu City Hall",
        location="Tartu Science Park",
    )
    entry = _entries(client)[f"event-{event.id}@127.0.0.1"]
    assert entry["SUMMARY"] == "Study visit: Service design"
    assert entry["LOCATION"] == "Tartu Science Park"
    assert entry["URL"] == f"http://127.0.0.1:5000/events/{event.id}"
    assert entry["SEQUENCE"] == 1
    stamp = event.updated_at.replace(microsecond=0)
    assert entry["DTSTAMP"].dt == stamp and entry["LAST-MODIFIED"].dt == stamp
    assert "Study visit" in entry.categories
    description = str(entry["DESCRIPTION"])
    assert "Host: City of Tartu (Tartu)" in description
    assert "Visiting partners: City of Genoa (Genoa)" in description
    assert "Originally planned for 4 Mar 2025, 10:00–16:00 (Europe/Tallinn)" in description
    assert "Tartu City Hall" in description
    assert "ATTENDEE" not in entry and "ORGANIZER" not in entry


def test_a_changed_time_keeps_the_uid_and_raises_sequence(app, client):
    project, tartu, _ = _setup()
    event = factories.event(
        project, tartu, datetime(2025, 5, 6, 10, 0), datetime(2025, 5, 6, 12, 0)
    )
    uid = f"event-{event.id}@127.0.0.1"
    before = read_both(client.get("/calendar.ics").data)[uid]

    # What the event screens do: new times, revision up.
    event.starts_at += timedelta(days=7, hours=1)
    event.ends_at += timedelta(days=7, hours=1)
    event.revision += 1
    db.session.commit()

    after = read_both(client.get("/calendar.ics").data)
    assert list(after) == [uid]
    assert after[uid]["sequence"] == before["sequence"] + 1 == 2
    assert after[uid]["start"] == datetime(2025, 5, 13, 8, 0, tzinfo=UTC)


def test_a_cancelled_event_stays_with_status_cancelled(app, client):
    project, tartu, _ = _setup()
    event = factories.event(project, tartu, date(2025, 5, 6), date(2025, 5, 6), title="Visit")
    assert _entries(client)[f"event-{event.id}@127.0.0.1"]["STATUS"] == "TENTATIVE"
    event.status = "cancelled"
    event.revision += 1
    db.session.commit()
    entry = read_both(client.get("/calendar.ics").data)[f"event-{event.id}@127.0.0.1"]
    assert entry["status"] == "CANCELLED"
    assert entry["summary"] == "Cancelled: Study visit: Visit"
    assert entry["sequence"] == 2


def test_an_event_with_sessions_is_its_own_entry_and_one_per_session(demo, client):
    entries = _entries(client)
    thematic = db.session.scalar(select(Event).where(Event.number == 3))
    sessions = thematic.sessions
    event_uid = f"event-{thematic.id}@127.0.0.1"
    assert entries[event_uid]["SUMMARY"] == "Thematic event #3"
    assert entries[event_uid]["DTSTART"].dt == thematic.starts_at
    assert entries[event_uid]["DTEND"].dt == thematic.ends_at
    assert "Agenda:\n1. 16 Jun 2020, 09:30–11:00" in entries[event_uid]["DESCRIPTION"]
    for number, session in enumerate(sessions, start=1):
        entry = entries[f"session-{session.id}@127.0.0.1"]
        assert entry["RELATED-TO"] == event_uid
        assert entry["SUMMARY"] == f"Thematic event #3 – {session.title}"
        assert str(entry["DESCRIPTION"]).startswith(f"Session {number} of 3 of Thematic event #3.")
        assert entry["SEQUENCE"] == thematic.revision == 3
        assert entry["LOCATION"] == "Online (Webex)"
    description = str(entries[f"session-{sessions[0].id}@127.0.0.1"]["DESCRIPTION"])
    assert "Lauri Sock (Tartu)" in description and "Dr Steve Harding (Birmingham)" in description
    # 001 says only "in March 2020".
    assert "Originally planned for March 2020, Birmingham" in description
    visit = next(e for e in entries.values() if "Digital services for citizens" in e["SUMMARY"])
    assert "Good practices studied:\n- Digital citizen folder (Genoa)" in visit["DESCRIPTION"]


def test_online_link_is_in_the_private_feeds_description(app, client):
    """Participants' feeds carry the link (the public feed's side: tests/security)."""
    project, tartu, _ = _setup()
    reader = factories.user("partner@example.org", role="partner", partner=tartu)
    event = factories.event(
        project,
        tartu,
        datetime(2025, 5, 6, 10, 0),
        datetime(2025, 5, 6, 12, 0),
        format="online",
        online_platform="Webex",
        online_url="https://meet.example.org/better-42",
    )
    entry = _entries(client, f"/calendar/private/{reader.feed_token}.ics")[
        f"event-{event.id}@127.0.0.1"
    ]
    assert entry["LOCATION"] == "Online (Webex)"
    assert "Online link: https://meet.example.org/better-42" in entry["DESCRIPTION"]
    assert entry["CONFERENCE"] == "https://meet.example.org/better-42"


def test_partner_and_kind_filters_combine(app, client):
    project, tartu, genoa = _setup()
    gavle = factories.partner(project, "P3", city="Gävle", zone="Europe/Stockholm")
    day = date(2025, 5, 6)
    hosted = factories.event(project, tartu, day, day, kind="study_visit")
    visiting = factories.event(project, genoa, day, day, kind="study_visit", participants=[tartu])
    workshop = factories.event(project, tartu, day, day, kind="import_workshop")
    elsewhere = factories.event(project, gavle, day, day, kind="study_visit", participants=[genoa])

    def ids(url):
        return {int(uid.split("-")[1].split("@")[0]) for uid in _entries(client, url)}

    assert ids("/calendar.ics") == {hosted.id, visiting.id, workshop.id, elsewhere.id}
    assert ids("/calendar.ics?partner=P4") == {hosted.id, visiting.id, workshop.id}
    assert ids("/calendar.ics?kind=study_visit") == {hosted.id, visiting.id, elsewhere.id}
    assert ids("/calendar.ics?partner=P4&kind=study_visit") == {hosted.id, visiting.id}
    assert ids("/calendar.ics?partner=P3&kind=import_workshop") == set()
    named = _calendar(client, "/calendar.ics?partner=P4&kind=study_visit")
    assert named.calendar_name == "DEMO events (with Tartu, study visits)"


def test_unknown_partner_or_kind_is_a_plain_404(app, client):
    _setup()
    for url, words in [
        ("/calendar.ics?partner=P9", "No partner has the code 'P9'"),
        ("/calendar.ics?kind=party", "Unknown event kind 'party'"),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert response.mimetype == "text/plain"
        assert words in response.get_data(as_text=True)


def test_no_contact_data_in_any_feed(demo, client):
    for person in db.session.scalars(select(Person)):
        person.email = f"{person.name.split()[-1].lower()}@example.org"
        person.phone = "+372 555 0100"
    thematic = db.session.scalar(select(Event).where(Event.number == 3))
    thematic.is_public = False
    db.session.commit()
    from app.auth.models import User

    user = factories.user("coordinator@example.org")
    token = db.session.get(User, user.id).feed_token
    bodies = [
        client.get("/calendar.ics").data,
        client.get(f"/calendar/private/{token}.ics").data,
        client.get(f"/events/{thematic.id}.ics").data,
    ]
    private = bodies[1].decode()
    assert "Lauri Sock" in private  # the experts are named ...
    for body in bodies:
        text = body.decode().replace("\r\n ", "")
        assert "@example.org" not in text and "555 0100" not in text  # ... never contacted


def test_no_internal_event_in_the_public_feed(app, client):
    project, tartu, _ = _setup()
    public = factories.event(project, tartu, date(2025, 5, 6), date(2025, 5, 6), title="Open")
    internal = factories.event(
        project, tartu, datetime(2025, 5, 7, 9), datetime(2025, 5, 7, 10), title="Steering"
    )
    internal.is_public = False
    internal.sessions.append(
        EventSession(title="Budget", starts_at=internal.starts_at, ends_at=internal.ends_at)
    )
    db.session.commit()
    body = client.get("/calendar.ics").data.decode()
    assert f"event-{public.id}@" in body
    assert "Steering" not in body and "Budget" not in body
    assert client.get(f"/events/{internal.id}.ics").status_code == 404
    assert client.get(f"/events/{public.id}.ics").status_code == 200
    assert client.get("/events/999999.ics").status_code == 404


def test_single_event_feed_for_the_event_page(app, client):
    project, tartu, _ = _setup()
    event = factories.event(project, tartu, date(2025, 5, 6), date(2025, 5, 7))
    factories.event(project, tartu, date(2025, 6, 6), date(2025, 6, 7))
    response = client.get(f"/events/{event.id}.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert list(_entries(client, f"/events/{event.id}.ics")) == [f"event-{event.id}@127.0.0.1"]
    from flask import render_template_string

    with app.test_request_context():
        html = render_template_string('{% include "feeds/_event_links.html" %}', event=event)
    assert f'href="/events/{event.id}.ics"' in html and "Add to calendar" in html
