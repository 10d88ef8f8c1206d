"""PDFs the app makes fetch nothing from outside, whatever Host the request names.

The attendance sheet is rendered per request. Had its renderer resolved relative links
against the request's Host header with WeasyPrint's default fetcher, an attacker naming
their own (or an internal) host would have the server fetch from it.
"""

from datetime import datetime

import pytest
import weasyprint

from app.pdf import STATIC_BASE
from tests import factories
from tests.reports.test_safety import counting_server  # noqa: F401  (a fixture)


@pytest.fixture
def renderings(monkeypatch) -> list[dict]:
    """What each WeasyPrint document was given: base URL and URL fetcher."""
    seen: list[dict] = []
    original = weasyprint.HTML.__init__

    def spy(self, *args, **kwargs):
        seen.append({"base_url": kwargs.get("base_url"), "fetcher": kwargs.get("url_fetcher")})
        original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "__init__", spy)
    return seen


def test_attendance_sheet_ignores_the_host_header_and_fetches_nothing(
    app,
    client,
    renderings,
    counting_server,  # noqa: F811
):
    address, hits = counting_server
    hostile_host = address.removeprefix("http://")  # the attacker's (or an internal) server
    project = factories.project()
    tartu = factories.partner(project, "P4")
    event = factories.event(
        project, tartu, datetime(2026, 3, 10, 10, 0), datetime(2026, 3, 10, 16, 0)
    )
    factories.user("tartu@example.org", role="partner", partner=tartu)
    # Signed in under the hostile name too, so the test client sends the cookie with it.
    response = client.post(
        "/login",
        data={"email": "tartu@example.org", "password": "correct horse battery"},
        headers={"Host": hostile_host},
    )
    assert response.status_code == 302

    response = client.get(
        f"/events/{event.id}/attendance-sheet.pdf", headers={"Host": hostile_host}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert len(renderings) == 1
    used = renderings[0]
    assert used["base_url"] == STATIC_BASE, used["base_url"]
    assert hostile_host not in str(used["base_url"])
    fetcher = used["fetcher"]
    assert fetcher is not None, "WeasyPrint's default fetcher opens any URL"
    for url in (
        f"{address}/static/style.css",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)

    # A relative link or an absolute one in a sheet rendered that way reaches no server.
    weasyprint.HTML(
        string=(
            "<html lang='en'><head><title>t</title><link rel='stylesheet' href='/x.css'>"
            f"</head><body><img src='logo.png' alt='x'><img src='{address}/a.png' alt='x'>"
            "</body></html>"
        ),
        base_url=used["base_url"],
        url_fetcher=fetcher,
    ).write_pdf()
    assert hits == []
