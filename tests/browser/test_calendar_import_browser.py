"""The coordinator imports a partnership's Google calendar in a real browser: upload, the
preview (checked by axe and by eye: a screenshot), confirm; then the same file again."""

import shutil

from playwright.sync_api import expect
from sqlalchemy import func, select

from app.events.models import Event
from app.extensions import db
from app.partners.models import Partner
from tests import factories
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in
from tests.calendar_import.conftest import FILES


def test_coordinator_imports_a_calendar_after_its_preview(demo, page, tmp_path):
    genoa = db.session.scalar(select(Partner).where(Partner.code == "GEN"))
    factories.user("coord@example.org", "coordinator", genoa)
    before = db.session.scalar(select(func.count(Event.id)))
    sign_in(page, "coord@example.org")

    page.goto("/events")
    page.get_by_role("link", name="Import a calendar file (.ics)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a calendar file (.ics)")
    page.get_by_label("Calendar file (.ics)").set_input_files(str(FILES / "google_better.ics"))
    page.get_by_label("Host partner of the new events").select_option(label="Tartu (P4)")
    page.get_by_label("Kind of the new events").select_option(label="Thematic event")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What the import would do")
    expect(page.get_by_text("7 new, 0 updated, 0 unchanged, 0 not imported.")).to_be_visible()
    table = page.get_by_role("region", name="Entries of the calendar file")
    expect(table.get_by_role("cell", name="Europe/Stockholm")).to_be_visible()
    expect(table.get_by_role("cell", name="5 Sep 2019, 10:00")).to_be_visible()
    shot = tmp_path / "calendar-import-preview.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copy(shot, screenshot(page, "calendar-import-preview"))
    assert serious_accessibility_violations(page) == []
    assert db.session.scalar(select(func.count(Event.id))) == before  # nothing yet

    page.get_by_role("button", name="Import", exact=True).click()
    expect(
        page.get_by_text("Calendar imported: 7 new, 0 updated, 0 unchanged, 0 not imported.")
    ).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Event.id))) == before + 7

    page.goto("/events/import")
    page.get_by_label("Calendar file (.ics)").set_input_files(str(FILES / "google_better.ics"))
    page.get_by_label("Host partner of the new events").select_option(label="Tartu (P4)")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("0 new, 0 updated, 7 unchanged, 0 not imported.")).to_be_visible()
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)

    # A file from Outlook: its Windows zone names and its repeating call are listed, named.
    page.goto("/events/import")
    page.get_by_label("Calendar file (.ics)").set_input_files(str(FILES / "outlook_birmingham.ics"))
    page.get_by_label("Host partner of the new events").select_option(label="Birmingham (P2)")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("2 new, 0 updated, 0 unchanged, 3 not imported.")).to_be_visible()
    expect(page.get_by_text("“GMT Standard Time” of DTSTART is not an IANA zone")).to_be_visible()
    page.screenshot(path=str(tmp_path / "calendar-import-problems.png"), full_page=True)
    assert serious_accessibility_violations(page) == []
