"""Holidays on the screens: the month calendar shades and names them for the partners the
reader chooses (or their own), the dashboard lists those that planned events fall on, a
coordinator sets a partner's region, and the feeds carry none."""

import html
from datetime import UTC, date, datetime

import pytest
from flask import g
from icalendar import Calendar

from app.events.services import cancel, mark_held
from app.extensions import db
from app.holidays import views as holiday_views
from app.partners.models import Partner
from tests import factories


@pytest.fixture
def world(app):
    """Tartu (EE), Gävle (SE) and Birmingham (GB, no region yet); a Tartu editor."""
    project = factories.project(start_date=date(2025, 8, 1))
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    gavle = factories.partner(project, "P3", "Gävle", "Europe/Stockholm", country="SE")
    birmingham = factories.partner(
        project, "P2", "Birmingham", "Europe/London", country="GB", language="en"
    )
    return {
        "project": project,
        "tartu": tartu,
        "gavle": gavle,
        "birmingham": birmingham,
        "editor": factories.user("tartu@example.org", "partner", tartu),
        "coordinator": factories.user("coord@example.org", "coordinator", gavle),
        "funder": factories.user("funder@example.org", "funder"),
    }


def _sign_in(client, user) -> None:
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


# --- The month calendar


def test_the_calendar_shades_the_chosen_partners_holidays_and_names_them(world, client):
    page = _page(client.get("/events/calendar?month=2026-06&partner=P4&partner=P3"))
    assert "Public holiday in Tartu: Victory Day" in page  # 23 June
    assert "Public holiday in Tartu: Midsummer Day" in page  # 24 June
    assert "Public holiday in Gävle: Midsummer Eve" in page  # 19 June
    assert "Public holiday in Gävle: National Day" in page  # 6 June
    # 6, 19, 20 (Sweden), 23, 24 June (Estonia): five days shaded.
    assert page.count('class=" holiday"') == 5
    assert "Birmingham:" not in page


def test_the_calendar_shades_the_readers_own_partner_by_default(world, client):
    assert "Public holiday in" not in _page(client.get("/events/calendar?month=2026-06"))
    _sign_in(client, world["editor"])
    page = _page(client.get("/events/calendar?month=2026-06"))
    assert "Public holiday in Tartu: Midsummer Day" in page
    assert "Public holiday in Gävle" not in page
    # Unticking every partner (the form sends an empty choice) shades none.
    assert "Public holiday in" not in _page(client.get("/events/calendar?month=2026-06&partner="))


def test_the_calendar_names_holidays_in_the_readers_language(world, client):
    page = _page(client.get("/events/calendar?month=2026-06&partner=P4&lang=et"))
    assert "jaanipäev" in page and "võidupüha" in page


def test_the_months_links_keep_the_choice(world, client):
    page = _page(client.get("/events/calendar?month=2026-06&partner=P3"))
    assert "/events/calendar?month=2026-07&partner=P3" in page


# --- The dashboard


def _on(world, day, host="tartu", visitors=(), **fields):
    return factories.event(
        world["project"],
        world[host],
        datetime(day.year, day.month, day.day, 10),
        datetime(day.year, day.month, day.day, 12),
        participants=[world[v] for v in visitors],
        **fields,
    )


def test_the_dashboard_lists_holidays_that_planned_events_fall_on(world, client, monkeypatch):
    monkeypatch.setattr(holiday_views, "today", lambda: date(2026, 6, 1))
    visit = _on(world, date(2026, 6, 19), "tartu", ["gavle"], title="Midsummer visit")
    _on(world, date(2026, 6, 24), "gavle", title="Gävle alone")  # not Sweden's holiday
    cancelled = _on(world, date(2026, 6, 23), title="Cancelled")
    cancel(cancelled)
    held = _on(world, date(2026, 6, 6), "gavle", title="Held")
    mark_held(held, now=datetime(2026, 6, 7, 12, tzinfo=UTC))
    _on(world, date(2026, 7, 6), "gavle", title="Too far")  # beyond 30 days
    db.session.commit()
    _sign_in(client, world["coordinator"])
    page = _page(client.get("/dashboard"))
    block = page[page.index("Public holidays on planned events") :]
    assert "Study visit: Midsummer visit" in block
    assert "Sweden (Gävle)" in block and "Midsummer Eve" in block
    assert f"/events/{visit.id}" in block
    for title in ("Gävle alone", "Cancelled", "Held", "Too far"):
        assert title not in block


def test_the_dashboard_says_when_no_planned_event_meets_a_holiday(world, client, monkeypatch):
    monkeypatch.setattr(holiday_views, "today", lambda: date(2026, 9, 1))
    _on(world, date(2026, 9, 9))
    _sign_in(client, world["coordinator"])
    page = _page(client.get("/dashboard"))
    assert "No planned event falls on a partner's public holiday in the next 30 days." in page


# --- A partner's region


def test_a_coordinator_sets_a_partners_region_and_its_holidays_follow(world, client):
    _sign_in(client, world["coordinator"])
    page = _page(client.get("/partners/P2/holidays"))
    assert "ENG – England" in page and "None: national holidays only" in page
    response = client.post("/partners/P2/holidays", data={"region": "ENG"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partner, world["birmingham"].id).region == "ENG"
    assert "GB-ENG" in _page(client.get("/planner?semester=2"))


def test_a_region_the_country_lacks_is_refused_and_nothing_changes(world, client):
    _sign_in(client, world["coordinator"])
    response = client.post("/partners/P2/holidays", data={"region": "GE"})
    assert response.status_code == 400
    assert "'GE' is not a region of GB" in html.unescape(response.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Partner, world["birmingham"].id).region is None


@pytest.mark.parametrize("who", ["editor", "funder"])
def test_only_coordinators_set_a_region(world, client, who):
    _sign_in(client, world[who])
    assert client.post("/partners/P2/holidays", data={"region": "ENG"}).status_code == 403
    assert "Save region" not in _page(client.get("/partners/P2/holidays"))
    db.session.expire_all()
    assert db.session.get(Partner, world["birmingham"].id).region is None


def test_a_country_without_regions_offers_no_form(world, client):
    _sign_in(client, world["coordinator"])
    page = _page(client.get("/partners/P4/holidays"))
    assert "Save region" not in page and "None: national holidays only" in page


# --- Feeds


def test_feeds_carry_no_holidays(world, client):
    _on(world, date(2026, 6, 19), "tartu", ["gavle"], title="Midsummer visit")
    body = client.get("/calendar.ics").get_data()
    calendar = Calendar.from_ical(body)
    summaries = [str(c.get("summary")) for c in calendar.walk("VEVENT")]
    assert summaries == ["Study visit: Midsummer visit"]
    assert b"Midsummer Eve" not in body and b"Victory Day" not in body
