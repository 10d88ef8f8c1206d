"""Tartu's editor registers a delegation of three for a Genoa study visit in a real browser;
the coordinator checks them in and the attendance follows."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import serious_accessibility_violations, sign_in
from tests.delegations.conftest import world  # noqa: F401


def test_tartu_registers_three_and_the_coordinator_checks_them_in(world, page):  # noqa: F811
    visit = f"/events/{world.visit.id}"
    sign_in(page, "tartu@example.org")
    page.goto(visit)
    panel = page.get_by_role("region", name="Delegations")
    panel.get_by_role("link", name=re.compile("Register people.*Tartu")).click()
    expect(page.get_by_role("heading", level=1, name="Delegation of Tartu")).to_be_visible()
    form = page.locator("form.register-form")
    for person, role in (
        ("Anneli Säälik, Project manager", "speaker"),
        ("Mart Kask, Data expert", ""),
    ):
        form.get_by_label("Person to register").select_option(label=person)
        form.get_by_label("Role at the event").fill(role)
        form.get_by_role("button", name="Register").click()
        expect(page.get_by_text(re.compile(r"is registered\."))).to_be_visible()
    # Someone new, added on the spot: a local stakeholder, the first day only.
    form.get_by_label("Person to register").select_option(label="Someone new (type the name below)")
    form.get_by_label("Name").fill("Liis Lepp")
    form.get_by_label("Organisation").fill("University of Tartu")
    form.get_by_label("Kind").select_option(label="Local stakeholder")
    form.get_by_label("5 Mar 2026").check()
    form.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Liis Lepp is registered.")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    page.goto(visit)
    for name in ("Anneli Säälik", "Mart Kask", "Liis Lepp"):
        expect(panel.get_by_text(name)).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "coord@example.org")
    page.goto(f"{visit}/check-in/{world.tartu.id}")
    page.get_by_label(re.compile("Anneli Säälik")).check()
    page.get_by_label(re.compile("Liis Lepp")).check()
    page.get_by_role("button", name="Save the check-in").click()
    attendance = page.get_by_role("region", name="Attendance")
    row = attendance.get_by_role("row", name=re.compile("^Tartu"))
    expect(row.locator("td").nth(0)).to_have_text("1")  # staff: Anneli
    expect(row.locator("td").nth(1)).to_have_text("1")  # local stakeholders: Liis
    expect(row).to_contain_text("(from check-in)")
    assert serious_accessibility_violations(page) == []
