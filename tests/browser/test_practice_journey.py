"""A new user follows the practice Tartu adopted from Gävle, in a real browser."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.outcomes.views import event_url
from app.partners.models import Partner
from tests import factories
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in

PRACTICE = "Service design and e-service development"  # the heading in 000
ACTION = "Service design training programme for service owners"


def _no_serious_violations(page):
    assert serious_accessibility_violations(page) == []


def test_new_user_follows_gavles_practice_from_the_study_visit_to_tartus_action(demo, page, app):
    tartu = db.session.scalar(select(Partner).where(Partner.city == "Tartu"))
    factories.user("new.colleague@tartu.example", "partner", tartu)
    visit = db.session.scalar(
        select(Event).where(Event.title == "Service design and e-service development")
    )
    with app.test_request_context():
        visit_url = event_url(visit)
    sign_in(page, "new.colleague@tartu.example")

    # The study visit of 27 Oct 2021 lists the practice it studied.
    page.goto(visit_url)
    expect(page.get_by_text("27 Oct 2021").first).to_be_visible()
    panel = page.get_by_role("region", name="Good practices at this event")
    expect(panel.get_by_text("Studied")).to_be_visible()
    screenshot(page, "practices-1-study-visit")
    _no_serious_violations(page)
    panel.get_by_role("link", name=PRACTICE).click()

    # The practice page: Gävle's practice, the visit, and the transfer to Tartu as a timeline.
    # No document puts this one practice in Tartu's plan, so the transfer stays "Studied".
    expect(page.get_by_role("heading", level=1, name=re.compile(PRACTICE))).to_be_visible()
    transfer = page.get_by_role("region", name=re.compile("Gävle → Tartu"))
    expect(transfer.get_by_text("Studied").first).to_be_visible()
    expect(
        transfer.get_by_role("link", name=re.compile("Service design and e-service"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    screenshot(page, "practices-2-practice")
    _no_serious_violations(page)

    # Tartu's action plan: the group names the partners whose practices it adopts (003).
    page.goto("/action-plans/P4")
    group = page.locator("section.action-group", has_text="Internal processes")
    expect(group.get_by_text("Inspired by: Good practices of Gävle and Birmingham")).to_be_visible()
    action = page.locator("article.action", has_text=ACTION)
    expect(action.get_by_role("heading", name=re.compile(ACTION))).to_be_visible()
    expect(action.get_by_text("12 service owners")).to_be_visible()
    expect(
        action.get_by_role("link", name=re.compile("assumed for the demo")).first
    ).to_be_visible()
    screenshot(page, "practices-3-action-plan")
    _no_serious_violations(page)


def test_matrix_page_draws_the_gavle_to_tartu_flow(demo, page):
    factories.user("coordinator@genoa.example", "coordinator")
    sign_in(page, "coordinator@genoa.example")
    page.goto("/partnership")
    picture = page.locator("figure svg[role=img]")
    expect(picture).to_be_visible()
    assert "Gävle → Tartu: " + PRACTICE in picture.inner_html()
    table = page.get_by_role("table", name=re.compile("owner by importer"))
    gavle_row = table.get_by_role("row", name=re.compile("^Gävle"))
    # Studied by Tartu, Birmingham and Genoa on the visit of 27 October 2021 (000).
    expect(gavle_row.get_by_role("cell", name=re.compile(r"1 \(Studied\)"))).to_have_count(3)
    screenshot(page, "practices-4-matrix")
    _no_serious_violations(page)


def test_other_pages_pass_the_accessibility_check(demo, page):
    factories.user("coordinator@genoa.example", "coordinator")
    sign_in(page, "coordinator@genoa.example")
    for path, name in (
        ("/practices", "practices-list"),
        ("/practices/new", "practices-new"),
        ("/indicators?period=7", "indicators-s7"),
        ("/indicators/manage", "indicators-manage"),
        ("/action-plans", "action-plans"),
    ):
        page.goto(path)
        screenshot(page, name)
        assert serious_accessibility_violations(page) == [], path


def test_host_editor_records_an_outcome_and_uploads_evidence(demo, page, app, tmp_path):
    gavle = db.session.scalar(select(Partner).where(Partner.city == "Gävle"))
    factories.user("editor@gavle.example", "partner", gavle)
    visit = db.session.scalar(
        select(Event).where(Event.title == "Service design and e-service development")
    )
    sign_in(page, "editor@gavle.example")
    page.goto(f"/events/{visit.id}/outcomes")

    page.get_by_text("Record an outcome").click()
    page.get_by_label("Kind of outcome").select_option("figure")
    page.get_by_label("Indicator (for a figure)").select_option(label="PE: Participants in events")
    page.get_by_label("Value (for a figure)").fill("-4")
    page.get_by_role("button", name="Record outcome").click()
    expect(
        page.get_by_text("Outcome not recorded: An indicator figure cannot be negative.")
    ).to_be_visible()

    page.get_by_text("Record an outcome").click()
    page.get_by_label("Kind of outcome").select_option("figure")
    page.get_by_label("Indicator (for a figure)").select_option(label="PE: Participants in events")
    page.get_by_label("Value (for a figure)").fill("14")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.get_by_text("Outcome recorded.")).to_be_visible()
    expect(page.get_by_text("Participants in events: 14 people (semester 5)")).to_be_visible()

    page.get_by_text("Upload evidence").click()
    bad = tmp_path / "agenda.html"
    bad.write_text("<script>alert(1)</script>")
    page.get_by_label(re.compile("^File")).set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text(re.compile("File not uploaded: Files of type “.html”"))).to_be_visible()

    page.get_by_text("Upload evidence").click()
    good = tmp_path / "Agenda 27 Oct.pdf"
    good.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label(re.compile("^File")).set_input_files(str(good))
    page.get_by_label("Kind of evidence").select_option("agenda")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("“Agenda 27 Oct.pdf” uploaded.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Agenda 27 Oct.pdf", exact=True).click()
    assert download.value.suggested_filename == "Agenda 27 Oct.pdf"
    screenshot(page, "practices-5-event-evidence")
    _no_serious_violations(page)
