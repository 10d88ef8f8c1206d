"""Choosing a language in the header, in a real browser."""

from tests.browser.conftest import screenshot, serious_accessibility_violations


def test_the_header_switch_turns_the_page_hungarian_and_it_stays(demo, page):
    page.goto("/events")
    switch = page.get_by_role("navigation", name="Language")
    switch.get_by_role("link", name="Magyar").click()
    page.wait_for_url("**/events?lang=hu")
    assert page.locator("html").get_attribute("lang") == "hu"
    assert page.get_by_role("link", name="Események").first.is_visible()
    assert (
        page.get_by_role("navigation", name="Nyelv")
        .get_by_role("link", name="Magyar")
        .get_attribute("aria-current")
        == "true"
    )
    # The cookie keeps the choice on the next page, with no parameter.
    page.goto("/events?semester=2&when=all")
    assert page.locator("html").get_attribute("lang") == "hu"
    assert page.get_by_text(
        "2020. június 16. 9:30 brit nyári idő (Europe/London)"
    ).first.is_visible()
    screenshot(page, "semester-2-hu")
    assert serious_accessibility_violations(page) == []
