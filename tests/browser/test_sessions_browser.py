"""Where one is signed in, in a real browser: the list on the account page and its buttons."""

from sqlalchemy import func, select

from app.auth.sign_ins import SignIn
from app.extensions import db
from tests import factories
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in


def test_the_account_page_lists_sessions_and_signs_out_the_others(app, browser, page, live_server):
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    factories.user("tartu@example.org", role="partner", partner=tartu)
    phone = browser.new_context(base_url=live_server)
    try:
        sign_in(phone.new_page(), "tartu@example.org")
        sign_in(page, "tartu@example.org")
        page.goto("/account")
        sessions = page.get_by_role("table")
        assert sessions.get_by_role("row").count() == 3  # the heading and two sessions
        assert "(this browser)" in sessions.inner_text()
        screenshot(page, "auth-account-sessions")
        assert serious_accessibility_violations(page) == []

        page.get_by_role("button", name="Sign out everywhere else").click()
        page.wait_for_load_state()
        assert "Signed out everywhere else (1 other session)" in page.content()
        assert page.get_by_role("table").get_by_role("row").count() == 2
        assert db.session.scalar(select(func.count()).select_from(SignIn)) == 1
    finally:
        phone.close()
