"""On a phone the header folds its menu behind a Menu button (mouse and keyboard; without
scripts the menu is simply open); a form that comes back with errors opens with a summary
that takes the focus and links each message to its field."""

from datetime import datetime

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _world():
    project = factories.project(years=8)
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    factories.event(
        project, genoa, datetime(2026, 3, 5, 10), datetime(2026, 3, 5, 16), participants=[tartu]
    )
    factories.user("coord@example.org", "coordinator", genoa)


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def test_the_menu_button_opens_and_closes_the_menu_on_a_phone(app, page):
    _world()
    sign_in(page, "coord@example.org")
    page.set_viewport_size(PHONE)
    page.goto("/")
    button = page.get_by_role("button", name="Menu")
    events = page.locator(".site-menu").get_by_role("link", name="Events", exact=True)
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(events).to_be_hidden()
    header_height = page.locator(".site-header").bounding_box()["height"]
    assert header_height < 120, header_height  # was a third of the screen signed in
    assert serious_accessibility_violations(page) == []

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(events).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "phone-menu-open")
    assert serious_accessibility_violations(page) == []

    # Keyboard: Escape closes it and leaves the focus on the button; Enter opens it again.
    events.focus()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    first_link = page.locator(".site-menu a").first
    expect(first_link).to_be_focused()
    # Our own focus ring: a white 3 px outline, set off from the link, on the dark header.
    ring = first_link.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.outlineOffset]; }"
    )
    assert ring == ["solid", "3px", "rgb(255, 255, 255)", "2px"], ring
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "false")

    # A wide screen shows the menu itself and no button.
    page.set_viewport_size(DESKTOP)
    expect(button).to_be_hidden()
    expect(events).to_be_visible()


def test_without_scripts_the_phone_menu_is_open(app, browser, live_server):
    _world()
    context = browser.new_context(base_url=live_server, java_script_enabled=False, viewport=PHONE)
    try:
        tab = context.new_page()
        tab.goto("/")
        expect(tab.get_by_role("button", name="Menu")).to_be_hidden()
        expect(tab.locator(".site-menu").get_by_role("link", name="Events")).to_be_visible()
        expect(tab.get_by_role("link", name="Sign in")).to_be_visible()
    finally:
        context.close()


def _check_summary(page, field_id: str, shot: str) -> None:
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: "), page.title()
    screenshot(page, shot)
    assert serious_accessibility_violations(page) == []
    summary.locator(f"a[href='#{field_id}']").click()
    expect(page.locator(f"#{field_id}")).to_be_focused()
    expect(page.locator(f"#{field_id}")).to_have_attribute("aria-invalid", "true")


def test_a_failed_event_form_opens_with_a_summary_that_leads_to_the_fields(app, page):
    _world()
    sign_in(page, "coord@example.org")
    for size, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.goto("/events/new")
        page.get_by_label("Title").fill("")
        page.get_by_role("button", name="Save", exact=True).click()
        _check_summary(page, "title", f"event-form-errors-{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


def test_a_bad_sign_in_and_a_wrong_current_password_are_summarised(app, page):
    _world()
    page.goto("/login")
    page.get_by_label("E-mail").fill("coord@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    _check_summary(page, "password", "login-errors")

    sign_in(page, "coord@example.org")
    page.goto("/account")
    page.get_by_label("Current password").fill("not the password")
    page.get_by_label("New password", exact=True).fill("a long new password")
    page.get_by_label("New password again").fill("a long new password")
    page.get_by_role("button", name="Change password").click()
    _check_summary(page, "current_password", "password-errors")
    # The new password's hint is read with the field.
    hint = page.locator("#new_password-hint")
    expect(hint).to_have_text("At least 10 characters.")
    described = page.locator("#new_password").get_attribute("aria-describedby")
    assert "new_password-hint" in described.split()
