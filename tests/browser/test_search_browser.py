"""Searching from the header in a real browser: a visitor types a city without its accent,
sees the hits grouped by kind with the words marked, follows one; a signed-in reader also
finds people. Every page passes axe and the security policy."""

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in


def _checked(page, name: str) -> None:
    screenshot(page, f"search-{name}")
    assert serious_accessibility_violations(page) == []


def test_a_visitor_searches_from_the_header_and_follows_a_hit(demo, page):
    page.goto("/")
    box = page.get_by_role("search").get_by_label("Search events, good practices and people")
    box.fill("gavle")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Search")).to_be_visible()
    events = page.get_by_role("region", name="Events (5)")
    expect(events).to_be_visible()
    expect(page.get_by_role("region", name="Good practices (1)")).to_be_visible()
    expect(page.get_by_role("region", name="People", exact=False)).to_have_count(0)
    first = events.get_by_role("link").first
    expect(first).to_have_text("Study visit: Service design and e-service development")
    expect(events.locator("mark").first).to_have_text("Gävle")
    expect(page.get_by_label("Words to look for")).to_have_value("gavle")
    _checked(page, "1-results")

    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Service design and e-service development"
    )

    page.get_by_role("search").first.get_by_label("Search events, good practices and people").fill(
        "zzzqqq"
    )
    page.get_by_role("button", name="Search").first.click()
    expect(page.get_by_text("Nothing matches “zzzqqq”.")).to_be_visible()
    _checked(page, "2-nothing")


def test_a_signed_in_reader_finds_people_by_name_without_accents(demo, page):
    factories.user("funder@example.org", "funder")
    sign_in(page, "funder@example.org")
    box = page.get_by_role("search").get_by_label("Search events, good practices and people")
    box.fill("saalik")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    people = page.get_by_role("region", name="People (1)")
    expect(people.get_by_role("link")).to_have_text("Anneli Säälik")
    expect(people.locator("mark")).to_have_text("Säälik")
    _checked(page, "3-people")


def test_the_results_fit_a_phone(demo, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/search?q=nyiregyhaza")
    expect(page.get_by_role("region", name="Events (4)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(
        page.get_by_role("search").first.get_by_role("button", name="Search")
    ).to_be_in_viewport()
