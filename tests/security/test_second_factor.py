"""The second factor as an attacker who knows the password meets it: the password alone
opens nothing, a code works once, guessing codes is limited, turning it off needs the
password and a code; coordinators can be required to have it (ASVS V2.7, V2.8, V2.5)."""

import json
import re
from datetime import timedelta

import pyotp
import pytest
from flask import g
from sqlalchemy import select

from app.activity.models import ActivityEntry
from app.auth import second_factor
from app.auth.models import RecoveryCode, User
from app.db_types import utcnow
from app.extensions import db
from tests import factories

PASSWORD = "correct horse battery"


@pytest.fixture
def tartu(app):
    project = factories.project()
    return factories.partner(project, "P4", "Tartu", "Europe/Tallinn")


def _get(client, url):
    g.pop("_login_user", None)  # the tests' app context outlives a request
    return client.get(url)


def _post(client, url, data=None):
    g.pop("_login_user", None)
    return client.post(url, data=data or {})


def _row(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _code_now(email: str) -> str:
    return pyotp.TOTP(_row(email).second_factor_key).now()


def _turned_on(email: str) -> list[str]:
    """Switch the second factor on through the services, confirmed with the previous time
    step's code so that the current one is still unused; returns the recovery codes."""
    user = _row(email)
    second_factor.start_set_up(user)
    earlier = utcnow() - timedelta(seconds=30)
    code = pyotp.TOTP(user.second_factor_pending_key).at(earlier)
    return second_factor.confirm_set_up(user, code, now=earlier)


def _security_entries(action: str) -> list[ActivityEntry]:
    db.session.expire_all()
    return db.session.scalars(select(ActivityEntry).where(ActivityEntry.action == action)).all()


def _waiting_for_code(client) -> bool:
    with client.session_transaction() as session:
        return second_factor.PENDING_SESSION_KEY in session


def _password_step(client, email: str, next_url: str = "/account"):
    response = _post(client, f"/login?next={next_url}", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_set_up_turns_it_on_only_after_a_right_code(tartu, client):
    factories.user("editor@example.org", "partner", tartu)
    factories.sign_in(client, "editor@example.org")
    assert "Set up the second factor" in _get(client, "/account").text

    assert _post(client, "/account/second-factor/start").status_code == 302
    page = _get(client, "/account/second-factor").text
    pending = _row("editor@example.org").second_factor_pending_key
    assert pending and _row("editor@example.org").second_factor_key is None
    assert '<img src="data:image/svg+xml' in page
    assert second_factor.grouped_key(pending) in page  # the key in text, to type by hand
    assert "style=" not in page  # the page's policy forbids inline style

    wrong = f"{(int(pyotp.TOTP(pending).now()) + 1) % 1_000_000:06d}"
    refused = _post(client, "/account/second-factor/confirm", {"code": wrong})
    assert refused.status_code == 400 and "not right" in refused.text
    assert not _row("editor@example.org").has_second_factor

    shown = _post(client, "/account/second-factor/confirm", {"code": pyotp.TOTP(pending).now()})
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "no-store"
    user = _row("editor@example.org")
    assert user.has_second_factor and user.second_factor_key == pending
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", shown.text)
    assert len(codes) == second_factor.RECOVERY_CODE_COUNT == len(set(codes))
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not any(code in h or code.replace("-", "") in h for code in codes for h in stored)
    assert [e.label for e in _security_entries("second_factor_on")] == ["editor@example.org"]
    # The log never holds the key, whatever else it says about the account.
    for entry in db.session.scalars(select(ActivityEntry)):
        assert pending not in (entry.changes or "")


def test_the_password_alone_does_not_open_the_account(tartu, client):
    factories.user("editor@example.org", "partner", tartu)
    _turned_on("editor@example.org")

    response = _password_step(client, "editor@example.org", "/account")
    assert response.headers["Location"] == "/login/code"
    assert _get(client, "/account").status_code == 302  # to sign in: nobody is signed in
    assert _get(client, "/dashboard").status_code == 302
    assert _get(client, "/login/code").status_code == 200

    done = _post(client, "/login/code", {"code": _code_now("editor@example.org")})
    assert done.status_code == 302 and done.headers["Location"] == "/account"
    assert _get(client, "/account").status_code == 200
    [signed_in] = _security_entries("signed_in")
    assert json.loads(signed_in.changes)["detail"][1] == "password and authenticator"


def test_a_code_is_accepted_once(tartu, client):
    factories.user("editor@example.org", "partner", tartu)
    _turned_on("editor@example.org")
    code = _code_now("editor@example.org")
    _password_step(client, "editor@example.org")
    assert _post(client, "/login/code", {"code": code}).status_code == 302
    _post(client, "/logout")

    # Someone who saw the code (over the shoulder, a phishing page) replays it at once.
    _password_step(client, "editor@example.org")
    replayed = _post(client, "/login/code", {"code": code})
    assert replayed.status_code == 400 and "not right" in replayed.text
    assert _get(client, "/account").status_code == 302


def test_a_recovery_code_works_once(tartu, client):
    factories.user("editor@example.org", "partner", tartu)
    codes = _turned_on("editor@example.org")

    _password_step(client, "editor@example.org")
    assert _post(client, "/login/code", {"code": codes[0]}).status_code == 302
    assert _get(client, "/account").status_code == 200
    _post(client, "/logout")

    _password_step(client, "editor@example.org")
    assert _post(client, "/login/code", {"code": codes[0]}).status_code == 400
    # Typed without dashes and in capitals, another one still works.
    other = codes[1].replace("-", "").upper()
    assert _post(client, "/login/code", {"code": other}).status_code == 302
    assert second_factor.recovery_codes_left(_row("editor@example.org")) == 8


def test_wrong_codes_are_limited(tartu, client):
    factories.user("editor@example.org", "partner", tartu)
    codes = _turned_on("editor@example.org")
    right = _code_now("editor@example.org")
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"

    _password_step(client, "editor@example.org")
    with client.session_transaction() as session:
        saved = dict(session)  # an attacker keeps the cookie from just after the password
    for _ in range(second_factor.WRONG_CODES_PER_SIGN_IN - 1):
        assert _post(client, "/login/code", {"code": wrong}).status_code == 400
    last = _post(client, "/login/code", {"code": wrong})
    assert last.status_code == 302 and last.headers["Location"] == "/login"
    # The sign-in is over: even the right code needs the password again first.
    assert _post(client, "/login/code", {"code": right}).headers["Location"] == "/login"
    assert _get(client, "/account").status_code == 302

    # The old cookie buys no more guesses: the count is the account's, in the database.
    with client.session_transaction() as session:
        session.update(saved)
    assert _post(client, "/login/code", {"code": wrong}).headers["Location"] == "/login"

    failures = _security_entries("sign_in_failed")
    assert len(failures) == second_factor.WRONG_CODES_PER_SIGN_IN + 1
    assert {json.loads(e.changes)["detail"][1] for e in failures} == {"wrong second-factor code"}

    # Over sign-ins, WRONG_CODES_BEFORE_PAUSE wrong codes in a row pause app codes,
    # right ones included; a recovery code still lets the real user in.
    for _ in range(second_factor.WRONG_CODES_BEFORE_PAUSE):
        if not _waiting_for_code(client):
            _password_step(client, "editor@example.org")
        _post(client, "/login/code", {"code": wrong})
    _password_step(client, "editor@example.org")
    paused = _post(client, "/login/code", {"code": _code_now("editor@example.org")})
    assert paused.status_code == 429 and "Too many wrong codes" in paused.text
    assert _post(client, "/login/code", {"code": codes[0]}).status_code == 302
    assert _row("editor@example.org").second_factor_failures == 0


def test_the_code_step_expires(tartu, client):
    factories.user("editor@example.org", "partner", tartu)
    _turned_on("editor@example.org")
    _password_step(client, "editor@example.org")
    with client.session_transaction() as session:
        pending = dict(session[second_factor.PENDING_SESSION_KEY])
        pending["at"] -= second_factor.PENDING_SECONDS + 1
        session[second_factor.PENDING_SESSION_KEY] = pending
    late = _post(client, "/login/code", {"code": _code_now("editor@example.org")})
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert _get(client, "/account").status_code == 302


def test_turning_it_off_needs_the_password_and_a_code(tartu, client):
    factories.user("editor@example.org", "partner", tartu)
    _turned_on("editor@example.org")
    _password_step(client, "editor@example.org")
    _post(client, "/login/code", {"code": _code_now("editor@example.org")})
    # Someone at an unlocked, signed-in computer: has the session, not the password or phone.
    later = pyotp.TOTP(_row("editor@example.org").second_factor_key).at(
        utcnow() + timedelta(seconds=30)
    )
    attempts = [
        ({"off-password": "a wrong password", "off-code": later}, "Your password is wrong."),
        ({"off-password": PASSWORD, "off-code": "000000"}, "not right"),
        ({"off-password": PASSWORD}, "Give a code."),
    ]
    for data, message in attempts:
        refused = _post(client, "/account/second-factor/off", data)
        assert refused.status_code == 400 and message in refused.text
        assert _row("editor@example.org").has_second_factor

    done = _post(
        client, "/account/second-factor/off", {"off-password": PASSWORD, "off-code": later}
    )
    assert done.status_code == 302
    user = _row("editor@example.org")
    assert not user.has_second_factor and second_factor.recovery_codes_left(user) == 0
    assert len(_security_entries("second_factor_off")) == 1
    _post(client, "/logout")
    assert _password_step(client, "editor@example.org").headers["Location"] == "/account"


def test_codes_guessed_on_the_account_page_count_too(tartu, client):
    """A stolen session plus the password must not let one guess codes without end to turn
    the second factor off (or to get recovery codes of one's own)."""
    factories.user("editor@example.org", "partner", tartu)
    _turned_on("editor@example.org")
    _password_step(client, "editor@example.org")
    _post(client, "/login/code", {"code": _code_now("editor@example.org")})
    right = pyotp.TOTP(_row("editor@example.org").second_factor_key).at(
        utcnow() + timedelta(seconds=30)
    )
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    for _ in range(second_factor.WRONG_CODES_BEFORE_PAUSE):
        data = {"codes-password": PASSWORD, "codes-code": wrong}
        assert _post(client, "/account/second-factor/recovery-codes", data).status_code == 400
    paused = _post(
        client, "/account/second-factor/off", {"off-password": PASSWORD, "off-code": right}
    )
    assert paused.status_code == 400 and "Too many wrong codes" in paused.text
    assert _row("editor@example.org").has_second_factor


def test_new_recovery_codes_replace_the_old_ones(tartu, client):
    factories.user("editor@example.org", "partner", tartu)
    old = _turned_on("editor@example.org")
    _password_step(client, "editor@example.org")
    _post(client, "/login/code", {"code": old[0]})
    page = _post(
        client,
        "/account/second-factor/recovery-codes",
        {"codes-password": PASSWORD, "codes-code": old[1]},
    )
    assert page.status_code == 200 and page.text.count("<li><code>") == 10
    _post(client, "/logout")
    _password_step(client, "editor@example.org")
    assert _post(client, "/login/code", {"code": old[2]}).status_code == 400


def test_coordinators_can_be_required_to_set_it_up(app, tartu, client):
    app.config["REQUIRE_2FA_FOR_COORDINATORS"] = True
    factories.user("coordinator@example.org", "coordinator")
    factories.user("editor@example.org", "partner", tartu)

    factories.sign_in(client, "editor@example.org")
    assert _get(client, "/events").status_code == 200  # partner editors may go on without
    _post(client, "/logout")

    _password_step(client, "coordinator@example.org", "/dashboard")
    for url in ("/dashboard", "/events", "/account", "/activity"):
        response = _get(client, url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == "/account/second-factor", url
    assert _post(client, "/events/new", {"title": "x"}).headers["Location"] == (
        "/account/second-factor"
    )
    page = _get(client, "/account/second-factor")
    assert page.status_code == 200 and "Coordinators on this site must turn on" in page.text
    assert _get(client, "/static/style.css").status_code == 200

    _post(client, "/account/second-factor/start")
    key = _row("coordinator@example.org").second_factor_pending_key
    _post(client, "/account/second-factor/confirm", {"code": pyotp.TOTP(key).now()})
    assert _get(client, "/events").status_code == 200


def test_a_coordinator_without_it_may_still_sign_out(app, client):
    app.config["REQUIRE_2FA_FOR_COORDINATORS"] = True
    factories.user("coordinator@example.org", "coordinator")
    factories.sign_in(client, "coordinator@example.org")
    assert _post(client, "/logout").headers["Location"] == "/"
    assert _get(client, "/account").headers["Location"].startswith("/login")


def test_the_command_line_resets_a_lost_second_factor(tartu, client, runner):
    factories.user("editor@example.org", "partner", tartu)
    _turned_on("editor@example.org")

    result = runner.invoke(args=["users", "reset-2fa", "Editor@Example.org"])
    assert result.exit_code == 0, result.output
    user = _row("editor@example.org")
    assert not user.has_second_factor and second_factor.recovery_codes_left(user) == 0
    [entry] = _security_entries("second_factor_off")
    assert entry.actor == "Command line"
    assert _password_step(client, "editor@example.org").headers["Location"] == "/account"

    again = runner.invoke(args=["users", "reset-2fa", "editor@example.org"])
    assert again.exit_code != 0 and "has no second factor" in again.output
    unknown = runner.invoke(args=["users", "reset-2fa", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No account" in unknown.output
