"""The API's docs page in a real browser: readable, served by us (no CDN, no script), and
clean for axe and the security policy; its example answers in the browser too."""

import json

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, serious_accessibility_violations


def test_a_developer_reads_the_docs_and_tries_the_example(demo, page):
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_have_text("The programme's API")
    operation = page.locator("section.api-operation", has_text="POST /api/v1/events").first
    expect(operation.get_by_role("table").last).to_contain_text("host")
    page.get_by_role("link", name="openapi.json").click()
    spec = json.loads(page.locator("body").inner_text())
    assert spec["openapi"] == "3.1.0"
    page.go_back()
    screenshot(page, "api-docs")
    assert serious_accessibility_violations(page) == []
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.reload()
    assert all(url.startswith(page.url.split("/api/")[0]) for url in requests), requests
    page.goto("/api/v1/events?partner=P4&limit=2")
    body = json.loads(page.locator("body").inner_text())
    assert len(body["items"]) == 2 and body["paging"]["next_cursor"]
