"""Personal API tokens in a real browser: created on the account page, shown once in a
marked box, revoked after the question (static/confirm.js) is answered."""

import re

from playwright.sync_api import expect

from app.api.tokens import token_for
from tests import factories
from tests.browser.conftest import serious_accessibility_violations, sign_in

PHONE = {"width": 390, "height": 844}


def test_a_token_is_created_shown_once_and_revoked(app, page, tmp_path):
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    factories.user("tartu@example.org", role="partner", partner=tartu)
    sign_in(page, "tartu@example.org")
    page.goto("/account")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()

    page.get_by_label("Name", exact=True).fill("Monthly report script")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    box = page.locator(".new-token")
    expect(box).to_contain_text("Copy it now: it will not be shown again.")
    raw = page.get_by_label("Token", exact=True).input_value()
    assert re.fullmatch(r"ipp_[A-Za-z0-9_-]{40,}", raw)
    assert token_for(raw).name == "Monthly report script"
    row = page.get_by_role("row", name=re.compile("Monthly report script"))
    expect(row).to_contain_text("Read and write")
    expect(row).to_contain_text(f"{raw[:10]}…")
    expect(row).to_contain_text("Never")
    page.screenshot(path=str(tmp_path / "account-new-api-token.png"), full_page=True)
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "account-new-api-token-phone.png"), full_page=True)

    page.goto("/account")  # shown once: the page again has only its first characters
    assert raw not in page.content()
    expect(page.locator(".new-token")).to_have_count(0)
    expect(row).to_contain_text(f"{raw[:10]}…")

    revoke = page.get_by_role("button", name="Revoke Monthly report script")
    page.once("dialog", lambda dialog: dialog.dismiss())  # "Cancel" keeps it
    revoke.click()
    expect(row).to_be_visible()
    assert token_for(raw) is not None

    page.once("dialog", lambda dialog: dialog.accept())
    revoke.click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("Token “Monthly report script” revoked: it no longer works.")
    ).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    assert token_for(raw) is None
