"""The key journeys of the events screens, in a real browser (Debian's chromium)."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.partners.models import Partner
from tests import factories
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in


def _partner(code: str) -> Partner:
    return db.session.scalar(select(Partner).where(Partner.code == code))


@pytest.fixture
def accounts(demo):
    factories.user("coord@example.org", "coordinator", _partner("GEN"))
    factories.user("tartu@example.org", "partner", _partner("P4"))
    factories.user("funder@example.org", "funder")
    return demo


def _no_serious_violations(page, name: str) -> None:
    screenshot(page, name)
    assert serious_accessibility_violations(page) == [], name


def test_coordinator_schedules_and_postpones_a_study_visit_partner_follows(accounts, page):
    sign_in(page, "coord@example.org")
    page.goto("/events/new")
    _no_serious_violations(page, "events-new")
    page.get_by_label("Kind").select_option(label="Study visit")
    page.get_by_label("Title").fill("Open data in Genoa")
    page.get_by_label("Host partner").select_option(label="Genoa (GEN)")
    visitors = page.get_by_role("group", name="Visiting partners")
    visitors.get_by_label("Tartu").check()
    visitors.get_by_label("Gävle").check()
    page.get_by_label("First day").fill("2027-05-10")
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("Last day").fill("2027-05-10")
    page.get_by_label("End time").fill("17:00")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    # The demo partnership's semesters end before 2027: asked first, then saved anyway.
    assert page.get_by_text("counts in no semester report").is_visible()
    page.get_by_role("button", name="Save anyway").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Study visit: Open data in Genoa").is_visible()
    assert page.get_by_text("Gävle, Tartu", exact=True).is_visible()  # visiting partners
    # The coordinator belongs to Genoa: Genoa's time, no second clock.
    assert page.get_by_text("10 May 2027, 09:00 CEST (Europe/Rome)").first.is_visible()
    _no_serious_violations(page, "event-detail-coordinator")

    page.get_by_role("link", name="Postpone").click()
    _no_serious_violations(page, "event-postpone")
    page.get_by_label("New first day").fill("2027-06-14")
    page.get_by_label("New start time").fill("09:00")
    page.get_by_label("New last day").fill("2027-06-14")
    page.get_by_label("New end time").fill("17:00")
    page.get_by_role("button", name="Postpone").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Postpone anyway").click()
    page.wait_for_load_state()
    assert page.locator(".badge.status-postponed").is_visible()
    assert "10 May 2027" in page.locator(".original").inner_text()
    assert page.get_by_text("14 Jun 2027, 09:00 CEST (Europe/Rome)").first.is_visible()

    # The agenda is edited on the event page; experts are picked from people.
    page.get_by_text("Add a session").click()
    page.get_by_label("Session title").fill("Genoa's open data portal")
    page.get_by_label("From").fill("09:30")
    page.get_by_label("Until", exact=True).fill("11:00")
    page.get_by_role("group", name="Experts").get_by_label("Mazzanti").check()
    page.get_by_role("button", name="Add session").click()
    page.wait_for_load_state()
    agenda = page.locator(".sessions").inner_text()
    assert "Genoa's open data portal" in agenda and "Mazzanti" in agenda
    _no_serious_violations(page, "event-detail-agenda")

    event = db.session.scalar(select(Event).where(Event.title == "Open data in Genoa"))
    # Created at 1; postponing and adding a session are each a change calendars see.
    assert event.status == "postponed" and event.revision == 3
    assert [p.code for p in event.participants] == ["GEN", "P3", "P4"]

    for path, name in (
        ("/events", "events-list"),
        ("/events/calendar?month=2027-06", "events-calendar"),
        ("/dashboard", "dashboard"),
        ("/account", "account"),
    ):
        page.goto(path)
        _no_serious_violations(page, name)

    # A Tartu editor sees it in Tartu's zone, Genoa's local time beside it, and cannot edit.
    page.get_by_role("button", name="Sign out", exact=True).click()
    sign_in(page, "tartu@example.org")
    page.goto(f"/events/{event.id}")
    when = page.locator(".when").inner_text()
    assert "14 Jun 2027, 10:00 EEST (Europe/Tallinn)" in when
    assert "local: 14 Jun 2027, 09:00 CEST (Europe/Rome)" in when
    assert page.get_by_role("link", name="Edit").count() == 0
    assert page.get_by_role("button", name="Cancel the event").count() == 0
    _no_serious_violations(page, "event-detail-partner")
    response = page.goto(f"/events/{event.id}/edit")
    assert response.status == 403


def test_anonymous_visitor_does_not_see_an_internal_event(accounts, page):
    project = _partner("GEN").project
    internal = factories.event(
        project,
        _partner("P4"),
        datetime(2027, 3, 5, 10),
        datetime(2027, 3, 5, 12),
        kind="meeting",
        title="Steering group budget talk",
        is_public=False,
    )
    page.goto("/events?when=all")
    assert page.get_by_text("Thematic event #3").first.is_visible()
    assert page.get_by_text("Steering group budget talk").count() == 0
    _no_serious_violations(page, "events-list-anonymous")
    page.goto("/events/calendar?month=2027-03")
    assert page.get_by_text("Steering group budget talk").count() == 0
    assert page.goto(f"/events/{internal.id}").status == 404
    response = page.goto("/events/calendar?month=2020-06")
    assert response.status == 200
    _no_serious_violations(page, "events-calendar-anonymous")
    page.get_by_role("link", name="Thematic event #3").first.click()
    assert page.get_by_text("Harding").first.is_visible()  # expert names are public
    assert page.get_by_role("heading", name="Attendance").count() == 0
    _no_serious_violations(page, "event-detail-anonymous")


def test_bad_input_keeps_what_was_typed(accounts, page):
    sign_in(page, "tartu@example.org")
    page.goto("/events/new")
    page.get_by_label("Title").fill("<b>Local meeting</b>")
    page.get_by_label("First day").fill("2027-05-10")
    page.get_by_label("Start time").fill("15:00")
    page.get_by_label("End time").fill("14:00")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    # Beside the field, and in the summary of the form's problems at the top.
    assert page.locator(".field").get_by_text("The end is before the start.").is_visible()
    assert page.locator(".error-summary").get_by_text("The end is before the start.").is_visible()
    assert page.get_by_label("Title").input_value() == "<b>Local meeting</b>"
    _no_serious_violations(page, "events-new-error")
    assert db.session.scalar(select(Event).where(Event.title.like("%Local meeting%"))) is None


def test_overlap_warning_is_shown_and_can_be_confirmed(accounts, page):
    sign_in(page, "coord@example.org")
    page.goto("/events/new")
    page.get_by_label("Kind").select_option(label="Import workshop")
    page.get_by_label("Title").fill("Clashing workshop")
    page.get_by_role("group", name="Visiting partners").get_by_label("Birmingham").check()
    page.get_by_label("First day").fill("2020-06-17")
    page.get_by_label("Last day").fill("2020-06-17")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    warning = page.get_by_role("alert")
    assert "overlapping event: Thematic event #3" in warning.inner_text()
    _no_serious_violations(page, "events-new-warning")
    assert page.get_by_label("Title").input_value() == "Clashing workshop"
    page.get_by_role("button", name="Save anyway").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Import workshop: Clashing workshop").is_visible()
