"""Sessions (ASVS V3): a cookie stops working when its session ends, and a session ends on
sign-out, sign-out everywhere, a password change and the idle and absolute time limits.

Attacks are played with two test clients: the second holds a copy of the first one's
cookie, as a thief (a shared computer, a copied browser profile, a leaked log) would.
"""

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select, update

from app.activity.models import SECURITY_EVENT_ACTIONS, ActivityEntry
from app.auth.sign_ins import SignIn, browser_label
from app.db_types import utcnow
from app.extensions import db
from app.versioning import version_of
from tests import factories
from tests.conftest import make_app

EMAIL = "editor@example.org"
FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
)


@pytest.fixture
def editor(app):
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    return factories.user(EMAIL, "partner", tartu)


def _open(client, url: str, method: str = "GET", **kwargs):
    # The tests' app context outlives a request: forget the user Flask-Login cached in `g`,
    # so every request is judged on its own cookie, as on a real server.
    g.pop("_login_user", None)
    return client.open(url, method=method, **kwargs)


def _sign_in(app, **headers):
    client = app.test_client()
    g.pop("_login_user", None)
    response = client.post(
        "/login", data={"email": EMAIL, "password": "correct horse battery"}, headers=headers
    )
    assert response.status_code == 302, response.text[:300]
    return client


def _copy_of(app, client):
    """A second client holding the same session cookie (what a thief would replay)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client) -> bool:
    response = _open(client, "/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    return False


def test_a_copied_cookie_stops_working_when_its_session_signs_out(app, editor):
    mine = _sign_in(app)
    thief = _copy_of(app, mine)
    assert _signed_in(thief)
    assert _open(mine, "/logout", "POST").status_code == 302
    assert not _signed_in(thief)
    assert not _signed_in(mine)


def test_an_account_switched_off_loses_its_live_sessions(app, editor):
    mine = _sign_in(app)
    assert _signed_in(mine)
    db.session.execute(
        update(type(editor)).where(type(editor).id == editor.id).values(active=False)
    )
    db.session.commit()
    assert not _signed_in(mine)


def test_signing_out_on_one_device_leaves_the_others_signed_in(app, editor):
    laptop, phone = _sign_in(app), _sign_in(app)
    _open(laptop, "/logout", "POST")
    assert not _signed_in(laptop)
    assert _signed_in(phone)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, editor):
    mine, other = _sign_in(app), _sign_in(app)
    thief = _copy_of(app, other)
    response = _open(
        mine,
        "/account",
        "POST",
        data={
            "current_password": "correct horse battery",
            "new_password": "a new long one",
            "confirm": "a new long one",
            "version": version_of(editor),
        },
    )
    assert response.status_code == 302
    assert _signed_in(mine)
    assert not _signed_in(other)
    assert not _signed_in(thief)


def test_sign_out_everywhere_else_then_everywhere(app, editor):
    mine, phone, tablet = _sign_in(app), _sign_in(app), _sign_in(app)
    response = _open(mine, "/account/sign-out-others", "POST")
    assert response.status_code == 302
    assert "2 other sessions" in _open(mine, "/account").text
    assert _signed_in(mine)
    assert not _signed_in(phone) and not _signed_in(tablet)

    thief = _copy_of(app, mine)
    response = _open(mine, "/account/sign-out-everywhere", "POST")
    assert response.status_code == 302
    assert not _signed_in(mine)
    assert not _signed_in(thief)
    assert db.session.scalar(select(func.count()).select_from(SignIn)) == 0


def test_the_account_page_lists_where_one_is_signed_in(app, editor):
    mine = _sign_in(app)
    _sign_in(app, **{"User-Agent": FIREFOX_ON_WINDOWS})
    page = _open(mine, "/account").text
    assert "Where you are signed in" in page
    assert "Firefox on Windows" in page
    assert "127.0.0.1" in page
    assert "(this browser)" in page
    assert page.count("<tr") == 3  # the heading and two sessions
    assert "Sign out everywhere else" in page and "Sign out everywhere</button>" in page


def _shift(**ago: timedelta) -> None:
    """Move every stored session time into the past instead of waiting."""
    now = utcnow()
    db.session.execute(update(SignIn).values({k: now - v for k, v in ago.items()}))
    db.session.commit()


@pytest.mark.parametrize(
    ("ago", "message"),
    [
        (
            {"last_seen_at": timedelta(minutes=31)},
            "You were signed out after 30 minutes without activity.",
        ),
        (
            {"created_at": timedelta(hours=12, minutes=1), "last_seen_at": timedelta(0)},
            "a session lasts at most 12 hours",
        ),
    ],
    ids=["idle", "absolute"],
)
def test_a_session_past_its_time_limit_is_sent_to_sign_in_with_the_reason(
    app, editor, ago, message
):
    client = _sign_in(app)
    _shift(**ago)
    response = _open(client, "/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account"
    page = _open(client, response.headers["Location"]).text
    assert message in page
    assert db.session.scalar(select(func.count()).select_from(SignIn)) == 0
    # Signing in again goes back where the reader was.
    g.pop("_login_user", None)
    again = client.post(
        "/login?next=/account", data={"email": EMAIL, "password": "correct horse battery"}
    )
    assert again.headers["Location"] == "/account"
    assert _signed_in(client)


def test_activity_keeps_a_session_alive_with_at_most_one_write_a_minute(app, editor):
    client = _sign_in(app)
    _shift(last_seen_at=timedelta(minutes=29))
    assert _signed_in(client)
    db.session.expire_all()
    seen = db.session.scalar(select(SignIn.last_seen_at))
    assert utcnow() - seen < timedelta(minutes=1)  # renewed: 30 more minutes
    _shift(last_seen_at=timedelta(seconds=30))
    db.session.expire_all()
    before = db.session.scalar(select(SignIn.last_seen_at))
    assert _signed_in(client)
    db.session.expire_all()
    assert db.session.scalar(select(SignIn.last_seen_at)) == before  # not written again


def test_signing_in_renews_the_session_and_keeps_next(app, editor):
    """Nothing planted in the session before sign-in survives it (session fixation)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["csrf_token"] = "known to an attacker"
    g.pop("_login_user", None)
    response = client.post(
        "/login?next=/events/", data={"email": EMAIL, "password": "correct horse battery"}
    )
    assert response.headers["Location"] == "/events/"
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != "known to an attacker"
        assert session["_user_id"] == str(editor.id)


def test_a_cookie_from_before_sessions_were_stored_is_refused(app, editor, client):
    """A cookie with only Flask-Login's user id (as every cookie was) signs nobody in."""
    with client.session_transaction() as session:
        session["_user_id"] = str(editor.id)
        session["_fresh"] = True
    assert not _signed_in(client)


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


@pytest.mark.parametrize(
    ("site_url", "secure"),
    [("https://partners.example.org", True), ("http://127.0.0.1:5000", False)],
)
def test_the_session_cookie_flags(app, editor, site_url, secure):
    site = make_app(app.config["SQLALCHEMY_DATABASE_URI"], SITE_URL=site_url)
    with site.app_context():
        response = site.test_client().post(
            "/login", data={"email": EMAIL, "password": "correct horse battery"}
        )
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 302
    cookies = _set_cookies(response)
    assert set(cookies) == {"session"}  # no remember-me cookie
    flags = [part.strip() for part in cookies["session"].split(";")]
    assert "HttpOnly" in flags
    assert "SameSite=Lax" in flags
    assert ("Secure" in flags) is secure


def _security_events() -> list[tuple[str, str]]:
    db.session.expire_all()
    entries = db.session.scalars(
        select(ActivityEntry)
        .where(ActivityEntry.action.in_(SECURITY_EVENT_ACTIONS))
        .order_by(ActivityEntry.id)
    )
    return [
        (entry.action, entry.changed_fields.get("client address", [None, None])[1])
        for entry in entries
    ]


def test_session_ends_and_secrets_changes_are_security_events(app, editor):
    mine = _sign_in(app)
    _sign_in(app)  # elsewhere: ended by the password change
    _open(
        mine,
        "/account",
        "POST",
        data={
            "current_password": "correct horse battery",
            "new_password": "a new long one",
            "confirm": "a new long one",
            "version": version_of(editor),
        },
    )
    _open(mine, "/account/calendar/reset", "POST", data={"confirm": "yes"})
    _open(mine, "/account/sign-out-others", "POST")
    _open(mine, "/logout", "POST")
    events = [action for action, address in _security_events() if action != "signed_in"]
    assert events == ["password_changed", "feed_reset", "signed_out_all", "signed_out"]
    assert {address for _, address in _security_events()} == {"127.0.0.1"}
    entry = db.session.scalar(
        select(ActivityEntry).where(ActivityEntry.action == "password_changed")
    )
    assert entry.changed_fields["detail"][1] == "other sessions ended: 1"
    assert "a new long one" not in entry.changes


def test_expired_sessions_are_purged_by_the_command_and_at_sign_in(app, editor, runner):
    _sign_in(app), _sign_in(app)
    _shift(last_seen_at=timedelta(hours=1))
    _sign_in(app)  # purges the two idle ones
    assert db.session.scalar(select(func.count()).select_from(SignIn)) == 1
    _shift(created_at=timedelta(hours=13))
    result = runner.invoke(args=["users", "sessions-purge"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 expired session." in result.output
    assert db.session.scalar(select(func.count()).select_from(SignIn)) == 0


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (FIREFOX_ON_WINDOWS, "Firefox on Windows"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Safari/537.36 Edg/126.0",
            "Edge on Windows",
        ),
        ("curl/8.5.0", "curl"),
        ("", "Unknown browser"),
        (None, "Unknown browser"),
    ],
)
def test_browser_labels(agent, label):
    assert browser_label(agent) == label
