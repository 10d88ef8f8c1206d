"""The kind shown once in a title, and the place an event is held at, alike on the page, in
the feeds and in the report."""

import html
import re
from datetime import date

import pytest
from icalendar import Calendar

from app.events import services
from app.events.models import kind_title
from app.extensions import db
from app.partners.models import Venue
from app.reports.render import report_html
from app.reports.services import build_report
from tests import factories


def _where(page: str, term: str) -> str:
    found = re.search(rf"<dt>{term}</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.DOTALL)
    assert found, page
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def _feed_entry(client, event_id: int):
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    (entry,) = [
        e for e in Calendar.from_ical(response.data).walk("VEVENT") if f"-{event_id}@" in e["UID"]
    ]
    return entry


@pytest.fixture
def tartu(app):
    project = factories.project()
    partner = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    return project, partner


@pytest.mark.parametrize(
    ("kind", "number", "title", "shown"),
    [
        ("study_visit", None, "Study visit: Tartu's e-services", "Study visit: Tartu's e-services"),
        ("study_visit", None, "study visit – e-services", "Study visit: e-services"),
        ("study_visit", None, "STUDY VISIT:Tartu", "Study visit: Tartu"),
        ("study_visit", None, "Study visit to Gävle", "Study visit to Gävle"),
        ("study_visit", None, "Study visits compared", "Study visit: Study visits compared"),
        ("study_visit", None, "Tartu's e-services", "Study visit: Tartu's e-services"),
        ("thematic_event", 3, "Thematic event #3: Open data", "Thematic event #3: Open data"),
        ("thematic_event", 3, "Thematic event: Open data", "Thematic event #3: Open data"),
        ("thematic_event", None, "Thematic event #3 Open data", "Thematic event #3: Open data"),
        ("thematic_event", 3, "Thematic event #3", "Thematic event #3"),
        ("thematic_event", 3, "Open data", "Thematic event #3: Open data"),
    ],
)
def test_a_title_that_names_its_kind_is_not_prefixed_again(kind, number, title, shown):
    assert kind_title(kind, number, title) == shown


def test_page_feed_and_report_show_the_kind_once(tartu, client):
    project, partner = tartu
    event = factories.event(
        project,
        partner,
        date(2021, 10, 27),
        date(2021, 10, 28),
        title="Study visit: Tartu's e-services",
        status="held",
    )
    shown = "Study visit: Tartu's e-services"
    page = html.unescape(client.get(f"/events/{event.id}").get_data(as_text=True))
    assert f"<h1>{shown}</h1>" in page
    assert "Study visit: Study visit" not in page
    assert str(_feed_entry(client, event.id)["SUMMARY"]) == shown
    report = html.unescape(report_html(build_report(project, 5)))
    assert shown in report
    assert "Study visit: Study visit" not in report


def test_moved_online_the_place_is_the_platform_and_the_street_is_first_planned(tartu, client):
    project, partner = tartu
    venue = Venue(name="Tartu town hall", address="Munga tn 12, Tartu", city="Tartu")
    db.session.add(venue)
    event = factories.event(
        project, partner, date(2021, 10, 27), date(2021, 10, 27), title="E-services", venue=venue
    )
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert _where(page, "Where") == "Tartu town hall, Tartu, Munga tn 12, Tartu"

    services.move_online(event, "Zoom", "https://zoom.example/j/1")
    db.session.commit()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    # The public is told there is a link, not given it (tests/security/test_meeting_links.py).
    assert _where(page, "Where") == "Online (Zoom) Online — link for participants"
    assert _where(page, "First planned") == "Tartu town hall, Tartu, Munga tn 12, Tartu"
    entry = _feed_entry(client, event.id)
    assert str(entry["LOCATION"]) == "Online (Zoom)"
    assert "Where: Online (Zoom)\n" in str(entry["DESCRIPTION"])
    assert "Munga" not in str(entry["LOCATION"])


def test_hybrid_shows_the_venue_and_the_platform(tartu, client):
    project, partner = tartu
    venue = Venue(name="Tartu town hall", address="Munga tn 12, Tartu", city="Tartu")
    db.session.add(venue)
    event = factories.event(
        project,
        partner,
        date(2021, 10, 27),
        date(2021, 10, 27),
        title="E-services",
        venue=venue,
        format="hybrid",
        online_platform="Zoom",
    )
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert _where(page, "Where") == "Tartu town hall, Tartu, Munga tn 12, Tartu and online (Zoom)"
    entry = _feed_entry(client, event.id)
    assert str(entry["LOCATION"]) == "Tartu town hall, Tartu and online (Zoom)"
