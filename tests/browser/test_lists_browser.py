"""A coordinator works through the events list in a real browser: sorts by a column, goes
to page 2, changes the page size, switches to past events and downloads them as CSV."""

import csv
import io
import re
from datetime import UTC, date, datetime

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in
from tests.lists.rows import add_rows


def _checked(page, name: str) -> None:
    screenshot(page, f"lists-{name}")
    assert serious_accessibility_violations(page) == []


def test_sort_page_resize_switch_to_past_and_download(app, page):
    today = datetime.now(UTC).date()
    project = factories.project(start_date=date(today.year - 1, 8, 1), years=4)
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    gavle = factories.partner(project, "P3", "Gävle", "Europe/Stockholm", country="SE")
    factories.user("coord@example.org", "coordinator", tartu)
    add_rows({"project": project, "tartu": tartu, "gavle": gavle}, 140)
    sign_in(page, "coord@example.org")

    page.goto("/events")
    expect(page.get_by_role("heading", level=1, name="Events")).to_be_visible()
    _checked(page, "1-upcoming")
    rows = page.locator("table.event-list tbody tr")
    expect(rows).to_have_count(25)

    # Sort by host: the column says so to a screen reader.
    page.get_by_role("link", name="Host", exact=True).click()
    host_head = page.get_by_role("columnheader", name=re.compile("^Host"))
    expect(host_head).to_have_attribute("aria-sort", "ascending")
    hosts = rows.locator("td:nth-child(4)").all_inner_texts()
    assert [h.split("\n")[0] for h in hosts] == sorted(h.split("\n")[0] for h in hosts)

    # Page 2 keeps the sort.
    pager = page.get_by_role("navigation", name="Pages of the events list")
    expect(pager).to_contain_text("Page 1 of")
    pager.get_by_role("link", name="Next").click()
    expect(pager).to_contain_text("Page 2 of")
    assert "sort=host" in page.url and "page=2" in page.url
    _checked(page, "2-page-two")

    # 50 a page, still sorted by host, back on page 1.
    pager.get_by_role("link", name="50", exact=True).click()
    expect(rows).to_have_count(50)
    assert "size=50" in page.url and "sort=host" in page.url and "page=" not in page.url
    expect(host_head).to_have_attribute("aria-sort", "ascending")

    # Past events: the latest first, with a filter typed in the URL kept.
    page.get_by_role("link", name="Past", exact=True).click()
    expect(page.get_by_role("link", name="Upcoming", exact=True)).to_be_visible()
    assert "when=past" in page.url and "size=50" in page.url
    starts = rows.locator("time").evaluate_all("nodes => nodes.map(n => n.dateTime)")
    assert starts and starts == sorted(starts, reverse=True)
    assert all(datetime.fromisoformat(s) < datetime.now(UTC) for s in starts)
    _checked(page, "3-past")
    shown = rows.evaluate_all("rows => rows.map(r => r.dataset.eventId)")
    total = int(re.search(r"of (\d+)", page.locator(".list-count").inner_text()).group(1))

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download CSV").click()
    download = waiting.value
    assert download.suggested_filename == "events.csv"
    data = open(download.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 as Excel reads it
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    # Every past event, not one page, in the list's order.
    assert len(table) == total > len(shown)
    assert [r["ID"] for r in table][: len(shown)] == shown
    assert {r["Host"] for r in table} == {"Tartu", "Gävle"}
    assert {r["Time zone"] for r in table} == {"Europe/Tallinn", "Europe/Stockholm"}
    now = datetime.now(UTC)
    assert all(datetime.fromisoformat(r["End (UTC)"]).replace(tzinfo=UTC) < now for r in table)
