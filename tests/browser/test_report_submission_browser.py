"""A semester report submitted in the browser: the coordinator submits semester 5, a
funder downloads version 1, late attendance is recorded, the reports page says what changed
since submission, version 2 is submitted, and both versions download with their checksums."""

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from app.demo.loader import load_demo
from app.enums import EventStatus
from app.events.models import Event
from app.extensions import db
from app.home.queries import the_project
from app.reports.models import ReportSubmission
from tests import factories
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in

pytestmark = pytest.mark.browser

SEMESTER = 5


def _download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).first.click()
    return Path(info.value.path()).read_bytes()


def _checksum(version: int) -> str:
    db.session.expire_all()
    return db.session.scalar(
        select(ReportSubmission.sha256).where(
            ReportSubmission.period_number == SEMESTER, ReportSubmission.version == version
        )
    )


def test_submit_download_change_and_submit_again(app, browser, live_server, page):
    load_demo()
    factories.user("coordinator@example.org", role="coordinator")
    factories.user("funder@example.org", role="funder")
    period = the_project().period(SEMESTER)
    event = next(
        e
        for e in db.session.scalars(select(Event).where(Event.status == EventStatus.HELD.value))
        if period.contains(e.local_start.date())
    )
    city = event.host.city

    sign_in(page, "coordinator@example.org")
    page.goto("/reports/")
    page.get_by_role("button", name=f"Submit semester {SEMESTER}").click()
    page.wait_for_load_state()
    assert "Semester 5: submitted versions" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="Version 1 (PDF)").count() == 1
    assert serious_accessibility_violations(page) == []

    funder_context = browser.new_context(base_url=live_server, locale="en-GB")
    funder = funder_context.new_page()
    sign_in(funder, "funder@example.org")
    funder.goto("/reports/")
    assert funder.get_by_role("button", name=f"Submit semester {SEMESTER}").count() == 0
    first = _download(funder, "Version 1 (PDF)")
    assert hashlib.sha256(first).hexdigest() == _checksum(1)

    page.goto(f"/events/{event.id}")
    page.get_by_label(f"Staff of {city}").fill("3")
    page.get_by_label(f"Local stakeholders of {city}").fill("4")
    page.get_by_role("button", name=f"Save attendance of {city}").click()
    page.wait_for_load_state()

    page.goto("/reports/")
    changed = page.locator("details.changed-since-submission")
    assert changed.count() == 1
    assert "changed since submission" in changed.inner_text()
    changed.locator("summary").click()
    assert f"Attendance of {city}" in changed.inner_text()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "reports-changed-since-submission")
    page.goto(f"/reports/semester/{SEMESTER}/versions")
    assert "Participants: 0 → 7" in page.locator("main").inner_text()
    screenshot(page, "report-versions-changed")
    page.goto("/reports/")

    page.get_by_role("button", name=f"Submit version 2 semester {SEMESTER}").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Changed since submission").count() == 0
    assert page.get_by_role("link", name="Version 2 (PDF)").count() == 1
    for version in (1, 2):
        data = _download(page, f"Version {version} (PDF)")
        assert hashlib.sha256(data).hexdigest() == _checksum(version)
    assert hashlib.sha256(first).hexdigest() == _checksum(1)  # version 1 as the funder got it

    funder.goto("/reports/")
    assert funder.locator("details.changed-since-submission").count() == 0
    second = _download(funder, "Version 2 (PDF)")
    assert hashlib.sha256(second).hexdigest() == _checksum(2)
    funder_context.close()

    result = app.test_cli_runner().invoke(args=["report", "verify"])
    assert result.exit_code == 0, result.output
    assert "All 2 stored reports match their checksums." in result.output
