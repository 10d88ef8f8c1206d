"""The people, delegations and e-mail journey end to end, in a real browser: a coordinator
adds three Tartu people, Tartu's editor registers them for a Genoa study visit, the
coordinator postpones the visit and the three invitations update in a real SMTP server
(and on the outbox page); after the visit they are checked in, and the attendance figures
and the semester report follow."""

import re
from datetime import date

import vobject
from playwright.sync_api import expect

from app.extensions import db
from app.feeds.services import entry_uid
from app.mail.delivery import deliver_due
from app.reports.render import render_pdf
from app.reports.services import build_report
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in
from tests.delegations.conftest import world  # noqa: F401
from tests.mail.conftest import smtp  # noqa: F401
from tests.reports.conftest import key_figures, pdf_text

DELEGATION = (
    ("Kristi Kuusk", "staff", "kristi.kuusk@tartu.example"),
    ("Peeter Pärn", "expert", "peeter.parn@tartu.example"),
    ("Maris Mänd", "stakeholder", "maris.mand@tartu.example"),
)


def _calendars(inbox, address: str) -> list:
    """The calendar attached to each message `address` received, in order."""
    found = []
    for message in inbox.to(address):
        part = next(
            p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"
        )
        found.append(vobject.readOne(part.get_content()))
    return found


def _participants(project) -> int:
    report = build_report(project, project.period_for(date(2026, 3, 5)).number)
    return key_figures(pdf_text(render_pdf(report)))["participants"]


def test_people_to_delegation_to_invitations_to_check_in_and_report(world, page, smtp):  # noqa: F811
    visit = f"/events/{world.visit.id}"
    sign_in(page, "coord@example.org")
    for name, kind, email in DELEGATION:
        page.goto("/people/new")
        page.get_by_label("Partner", exact=True).select_option(str(world.tartu.id))
        page.get_by_label("Name").fill(name)
        page.get_by_label("Kind").select_option(kind)
        page.get_by_label("E-mail (never shown publicly)").fill(email)
        page.get_by_label("Language of e-mails").select_option("en")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text(f"{name} added to Tartu's people.")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "tartu@example.org")
    page.goto(visit)
    page.get_by_role("region", name="Delegations").get_by_role(
        "link", name=re.compile("Register people.*Tartu")
    ).click()
    form = page.locator("form.register-form")
    for name, _kind, _email in DELEGATION:
        form.get_by_label("Person to register").select_option(label=name)
        form.get_by_role("button", name="Register").click()
        expect(page.get_by_text(f"{name} is registered.")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    # The worker sends the three invitations.
    assert deliver_due().sent >= 3
    invitations = {email: _calendars(smtp, email) for _n, _k, email in DELEGATION}
    assert all(len(found) == 1 for found in invitations.values())

    page.context.clear_cookies()
    sign_in(page, "coord@example.org")
    page.goto(visit)
    page.get_by_role("link", name="Postpone").click()
    page.get_by_label("New first day").fill("2026-03-12")
    page.get_by_label("New start time").fill("09:00")
    page.get_by_label("New last day").fill("2026-03-13")
    page.get_by_label("New end time").fill("17:00")
    page.get_by_role("button", name="Postpone").click()
    page.wait_for_load_state()
    if page.get_by_role("button", name="Postpone anyway").count():
        page.get_by_role("button", name="Postpone anyway").click()
        page.wait_for_load_state()
    expect(page.locator(".badge.status-postponed")).to_be_visible()

    # The outbox page lists each update before the worker sends it.
    page.goto("/outbox")
    outbox = page.locator("main").inner_text()
    for _name, _kind, email in DELEGATION:
        assert email in outbox
    screenshot(page, "journey-outbox")

    assert deliver_due().sent >= 3
    uid = entry_uid(world.visit.id)
    for _name, _kind, email in DELEGATION:
        first, update = _calendars(smtp, email)
        # The same entry, updated: one UID (the feed's), a higher SEQUENCE, the new day.
        assert first.vevent.uid.value == update.vevent.uid.value == uid
        assert int(update.vevent.sequence.value) > int(first.vevent.sequence.value)
        assert update.method.value == "REQUEST"
        assert update.vevent.dtstart.value.date() == date(2026, 3, 12)
        text = smtp.to(email)[-1].get_body(("plain",)).get_content()
        assert "Postponed: was" in text and "12 Mar 2026" in text

    # After the visit: it is marked held, the three are checked in, and the figures follow.
    page.goto(visit)
    page.get_by_role("button", name="Mark as held").click()
    expect(page.get_by_text("Marked as held.")).to_be_visible()
    db.session.expire_all()
    before = _participants(world.project)
    page.goto(f"{visit}/check-in/{world.tartu.id}")
    for name, _kind, _email in DELEGATION:
        page.get_by_label(re.compile(name)).check()
    page.get_by_role("button", name="Save the check-in").click()
    row = page.get_by_role("region", name="Attendance").get_by_role(
        "row", name=re.compile("^Tartu")
    )
    expect(row.locator("td").nth(0)).to_have_text("2")  # staff and the expert
    expect(row.locator("td").nth(1)).to_have_text("1")  # the local stakeholder
    expect(row).to_contain_text("(from check-in)")
    screenshot(page, "journey-attendance")
    db.session.expire_all()
    project = db.session.get(type(world.project), world.project.id)
    assert _participants(project) == before + 3
