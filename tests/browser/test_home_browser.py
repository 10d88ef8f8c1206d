"""The published programme in a real browser."""

from tests.browser.conftest import screenshot, serious_accessibility_violations


def test_anonymous_visitor_reads_the_programme(demo, page):
    page.goto("/")
    assert page.get_by_role("heading", name="Partners").is_visible()
    screenshot(page, "home-anonymous")
    assert serious_accessibility_violations(page) == []
    # BETTER has ended: the home page shows its last semesters with events, links the others.
    page.get_by_role("link", name="Semester 2 (Feb 2020 – Jul 2020)").click()
    assert "semester=2" in page.url
    assert page.get_by_text("Thematic event #3").first.is_visible()
    assert page.get_by_text("16 Jun 2020, 09:30 BST (Europe/London)").first.is_visible()
    assert serious_accessibility_violations(page) == []
