"""The semester planner in a browser: its grid scrolls inside its own box at phone width,
every bar is a named link, it passes axe, and it prints landscape without the navigation."""

import pytest

from app.demo.loader import load_demo
from tests.browser.conftest import screenshot, serious_accessibility_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_semester(app, live_server):
    load_demo()
    return f"{live_server}/planner?semester=5"


def test_the_planner_scrolls_in_its_box_at_phone_width(page, demo_semester):
    page.set_viewport_size(PHONE)
    page.goto(demo_semester)
    widths = page.evaluate(
        """() => {
          const box = document.querySelector('.planner-scroll');
          return {page: document.documentElement.scrollWidth, view: window.innerWidth,
                  box: box.clientWidth, grid: box.scrollWidth};
        }"""
    )
    assert widths["page"] <= widths["view"], widths  # the page itself does not scroll sideways
    assert widths["grid"] > widths["box"], widths  # the grid scrolls inside its box
    box = page.locator(".planner-scroll")
    box.evaluate("box => box.scrollLeft = box.scrollWidth")
    assert box.evaluate("box => box.scrollLeft") > 0
    screenshot(page, "planner-phone")


def test_every_bar_is_a_link_named_for_its_event_dates_and_role(page, demo_semester):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_semester)
    bars = page.locator("a.bar")
    assert bars.count() == 8
    name = "Study visit: Service design and e-service development, 27 Oct 2021, Gävle hosts"
    visit = page.get_by_role("link", name=name)
    assert visit.count() == 1
    visit.click()
    page.wait_for_load_state()
    assert "Service design and e-service development" in page.locator("h1").inner_text()
    page.go_back()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "planner-desktop")


def test_printed_landscape_without_the_navigation(page, demo_semester):
    page.goto(demo_semester)
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".subnav").is_hidden()
    assert page.locator("table.planner").is_visible()
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    # A4 landscape: the first page's box is wider than tall (842 × 595 points).
    assert b"/MediaBox [0 0 841.91998 594.95996]" in pdf or b"842" in pdf
