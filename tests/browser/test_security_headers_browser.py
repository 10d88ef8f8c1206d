"""The Content Security Policy in a real browser: the pages still work under it, and a
violation is noticed (every browser test fails on one, see conftest.py)."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.partners.models import Partner
from tests import factories
from tests.browser.conftest import sign_in


def _partner(code: str) -> Partner:
    return db.session.scalar(select(Partner).where(Partner.code == code))


@pytest.fixture
def future_event(demo):
    factories.user("coord@example.org", "coordinator", _partner("GEN"))
    event = factories.event(
        _partner("GEN").project,
        _partner("P4"),
        datetime(2031, 5, 10, 9),
        datetime(2031, 5, 10, 17),
        title="Open data in Tartu",
    )
    return event.id


def _status(event_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Event, event_id).status


def test_cancelling_an_event_asks_first(future_event, page):
    sign_in(page, "coord@example.org")
    page.goto(f"/events/{future_event}")
    questions = []

    def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.get_by_role("button", name="Cancel the event").click()
    page.wait_for_load_state()
    assert questions == ["Cancel this event? It stays in the programme, marked cancelled."]
    assert _status(future_event) != "cancelled"
    assert page.get_by_role("button", name="Cancel the event").is_visible()

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel the event").click()
    assert len(questions) == 2
    assert _status(future_event) == "cancelled"
    assert page.locator(".badge.status-cancelled").is_visible()


def test_the_policy_blocks_injected_script_and_the_tests_notice(demo, page, request):
    response = page.goto("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate(
        """() => {
        window.ran = false;
        document.body.insertAdjacentHTML(
            "beforeend", '<img src="/static/none.png" onerror="window.ran = true">');
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
    }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.ran") is False
    seen = list(request.node.csp_violations)
    assert any("Content Security Policy" in text for text in seen), seen
    request.node.csp_violations.clear()  # noticed on purpose: this test passes
