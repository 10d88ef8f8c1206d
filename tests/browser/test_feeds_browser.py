"""The private calendar page in a real browser: links, instructions, reset."""

from sqlalchemy import select

from app.auth import sign_ins
from app.auth.models import User
from app.extensions import db
from app.partners.models import Partner
from tests import factories
from tests.browser.conftest import screenshot, serious_accessibility_violations


def _signed_in_cookie(app, page, live_server, user) -> None:
    """The session cookie the sign-in page would set (Flask-Login's `_user_id` and a live
    sign-in)."""
    serializer = app.session_interface.get_signing_serializer(app)
    raw = sign_ins.create(user.id)
    db.session.commit()
    value = serializer.dumps({"_user_id": str(user.id), "_fresh": True, sign_ins.SESSION_KEY: raw})
    page.context.add_cookies([{"name": "session", "value": value, "url": live_server}])


def test_partner_subscribes_and_resets_their_private_calendar(demo, page, live_server):
    tartu = db.session.scalar(select(Partner).where(Partner.code == "P4"))
    user = factories.user("tartu@example.org", role="partner", partner=tartu)
    old = user.feed_token
    _signed_in_cookie(demo, page, live_server, user)

    page.goto("/account/calendar")
    address = page.get_by_label("Calendar address (https)")
    assert address.input_value().endswith(f"/calendar/private/{old}.ics")
    google = page.get_by_role("link", name="add it to Google Calendar")
    assert google.get_attribute("href").startswith(
        "https://calendar.google.com/calendar/r?cid=webcal://"
    )
    assert page.get_by_role("link", name="open the webcal link").first.is_visible()
    screenshot(page, "feeds-account-calendar")
    assert serious_accessibility_violations(page) == []

    page.get_by_role("button", name="Get a new calendar address").click()
    page.wait_for_load_state()
    # Asked first: nothing is replaced until confirmed.
    db.session.expire_all()
    assert db.session.get(User, user.id).feed_token == old
    page.get_by_role("button", name="Replace my calendar address").click()
    page.wait_for_load_state()
    assert page.get_by_text("The old one no longer works").is_visible()
    db.session.expire_all()
    new = db.session.get(User, user.id).feed_token
    assert new != old
    assert page.get_by_label("Calendar address (https)").input_value().endswith(f"/{new}.ics")
    screenshot(page, "feeds-account-calendar-after-reset")
