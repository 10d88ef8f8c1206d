"""Password guessing against the sign-in form, as an attacker would try it.

Parallel guesses against a real multi-worker server; e-mails with and without an account
answered alike; the attacker's address slowed down, never the real user's; waits that
grow; the unlock command; Redis counters shared by two app servers.
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from app.auth import throttle
from app.auth.throttle import MAX_FAILURES, SignInThrottle
from app.extensions import db
from tests import factories
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
ATTACKER, REAL_USER = "203.0.113.9", "198.51.100.4"
WRONG = "E-mail or password is wrong."
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def attempt(client, email, password="a wrong guess", address=ATTACKER):
    g.pop("_login_user", None)
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def entries(action: str) -> list[ActivityEntry]:
    db.session.expire_all()
    return db.session.scalars(
        select(ActivityEntry).where(ActivityEntry.action == action).order_by(ActivityEntry.id)
    ).all()


# --- (a) Parallel guesses against four gunicorn workers


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def _gunicorn(database_url: str, log: Path, redis_url: str = ""):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "gunicorn-test-secret",
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
    }
    command = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "4", "--threads", "4", "--preload", "--error-logfile", str(log)]
    # Keep-alive connections must not hold the shutdown for gunicorn's default 30 s.
    command += ["--graceful-timeout", "2"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a loaded CI machine starts slowly
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/login", timeout=2):
                return server, base
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    _stop(server)
    raise AssertionError("gunicorn did not start:\n" + log.read_text()[-2000:])


def _guess_in_parallel(base: str, email: str, count: int) -> list[tuple[int, str]]:
    """`count` browsers load the form, then all post a wrong password at the same moment."""
    ready = threading.Barrier(count)
    answers: list[tuple[int, str]] = []

    def guess():
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(base + "/login", timeout=30) as page:
            token = re.search(
                r'name="csrf_token" type="hidden" value="([^"]+)"', page.read().decode()
            )
        form = {"csrf_token": token.group(1), "email": email, "password": "a wrong guess"}
        ready.wait(timeout=30)
        try:
            with opener.open(
                base + "/login", urllib.parse.urlencode(form).encode(), timeout=30
            ) as r:
                answers.append((r.status, r.read().decode()))
        except urllib.error.HTTPError as refused:
            answers.append((refused.code, refused.read().decode()))

    threads = [threading.Thread(target=guess) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


@pytest.mark.parametrize("counters", ["database", "redis"])
def test_forty_parallel_guesses_on_four_workers_check_at_most_the_limit(
    app, database_urls, request, tmp_path, counters
):
    redis_url = ""
    if counters == "redis":
        if "postgresql" in request.node.callspec.id:
            pytest.skip("the Redis counters are the same whatever the database")
        redis_url = _redis_or_skip()
    factories.user("coordinator@example.org")
    backend = request.node.callspec.params["app"]
    server, base = _gunicorn(database_urls[backend], tmp_path / "gunicorn.log", redis_url)
    try:
        answers = _guess_in_parallel(base, "coordinator@example.org", 40)
    finally:
        _stop(server)
    statuses = sorted(status for status, _ in answers)
    assert len(statuses) == 40
    assert statuses.count(400) == MAX_FAILURES, statuses
    assert statuses.count(429) == 40 - MAX_FAILURES, statuses
    assert all(WRONG in body for status, body in answers if status == 400)
    assert len(entries("sign_in_failed")) == MAX_FAILURES
    assert len(entries("locked")) == 1


# --- (b) No account enumeration


def _answer(response, email: str) -> tuple:
    body = response.get_data(as_text=True).replace(email, "EMAIL")
    return response.status_code, response.headers.get("Retry-After"), body


def test_unknown_and_known_emails_answer_alike_at_every_attempt(app, client, clock):
    """At the same moments (the clock is stopped, so Retry-After compares too)."""
    factories.user("coordinator@example.org")
    known, unknown = [], []
    timings = {"known": [], "unknown": []}
    for _ in range(MAX_FAILURES + 3):
        for email, answers, kind in (
            ("coordinator@example.org", known, "known"),
            ("nobody-here@example.org", unknown, "unknown"),
        ):
            started = time.perf_counter()
            answers.append(_answer(attempt(client, email), email))
            timings[kind].append(time.perf_counter() - started)
    assert known == unknown
    assert [status for status, _, _ in known] == [400] * MAX_FAILURES + [429] * 3
    assert WRONG in known[0][2]
    assert "Too many sign-in attempts from here. Try again in 1 minute." in known[-1][2]
    assert known[-1][1] is not None and 0 < int(known[-1][1]) <= 60
    # A password is hashed for an unknown e-mail too, so it is not answered much faster
    # (the quickest of each: a busy machine only ever adds time).
    checked = slice(0, MAX_FAILURES)
    quickest = {kind: min(spans[checked]) for kind, spans in timings.items()}
    assert quickest["unknown"] > quickest["known"] / 3, quickest
    # Failures are logged for both; the store keeps neither e-mail.
    assert [e.label for e in entries("sign_in_failed")].count("coordinator@example.org") == 5
    stored = " ".join(
        f"{row.key} {row.email_hash}" for row in db.session.scalars(select(SignInThrottle))
    )
    assert "example.org" not in stored and "nobody" not in stored


# --- (c) Lock-out is not a weapon


def test_the_real_user_signs_in_from_elsewhere_while_the_attacker_waits(app, client):
    coordinator = factories.user("coordinator@example.org")
    for _ in range(MAX_FAILURES):
        assert attempt(client, "coordinator@example.org").status_code == 400
    # Even the right password is refused from the attacker's address ...
    assert attempt(client, "coordinator@example.org", PASSWORD).status_code == 429
    # ... while the coordinator, from theirs, signs in at once.
    response = attempt(client, "Coordinator@Example.org", PASSWORD, address=REAL_USER)
    assert response.status_code == 302
    signed_in = entries("signed_in")
    assert [(e.user_id, e.changed_fields["client address"][1]) for e in signed_in] == [
        (coordinator.id, REAL_USER)
    ]
    assert len(entries("locked")) == 1


def test_a_right_password_starts_the_count_over(app, client):
    factories.user("coordinator@example.org")
    for _ in range(MAX_FAILURES - 1):
        assert attempt(client, "coordinator@example.org").status_code == 400
    assert attempt(client, "coordinator@example.org", PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(MAX_FAILURES):
        assert attempt(client, "coordinator@example.org").status_code == 400
    assert attempt(client, "coordinator@example.org").status_code == 429


def test_spraying_one_password_over_many_emails_is_slowed_down(app, client, monkeypatch):
    monkeypatch.setattr(throttle, "ADDRESS_MAX_FAILURES", 8)  # fewer slow password checks
    factories.user("coordinator@example.org")
    limit = throttle.ADDRESS_MAX_FAILURES
    answers = [attempt(client, f"person{n}@example.org").status_code for n in range(limit - 1)]
    assert answers == [400] * (limit - 1)
    # A right password from the same address (an office) does not count against it ...
    assert attempt(client, "coordinator@example.org", PASSWORD).status_code == 302
    client.post("/logout")
    # ... the next failure does, and then every e-mail from there waits.
    assert attempt(client, "one-more@example.org").status_code == 400
    assert attempt(client, "and-another@example.org").status_code == 429
    assert attempt(client, "coordinator@example.org", PASSWORD).status_code == 429
    # Other addresses are not affected.
    response = attempt(client, "coordinator@example.org", PASSWORD, address=REAL_USER)
    assert response.status_code == 302


# --- (d) Waits that grow


def test_each_failure_after_the_limit_doubles_the_wait_up_to_an_hour(app, client, clock):
    factories.user("coordinator@example.org")
    for _ in range(MAX_FAILURES):
        assert attempt(client, "coordinator@example.org").status_code == 400
    waits = []
    for _ in range(8):
        refused = attempt(client, "coordinator@example.org")
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        waits.append(wait)
        clock.move(seconds=wait - 5)
        assert attempt(client, "coordinator@example.org").status_code == 429  # not yet
        clock.move(seconds=6)
        assert attempt(client, "coordinator@example.org").status_code == 400  # one more try
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    page = attempt(client, "coordinator@example.org").get_data(as_text=True)
    assert "Try again in 60 minutes." in page
    # A day without attempts, and the count starts over.
    clock.move(hours=25)
    for _ in range(MAX_FAILURES):
        assert attempt(client, "coordinator@example.org").status_code == 400
    assert attempt(client, "coordinator@example.org").status_code == 429


# --- (e) Unlocking


def test_unlock_lets_every_address_try_again_and_is_logged(app, client, runner):
    factories.user("coordinator@example.org")
    for address in (ATTACKER, REAL_USER):
        for _ in range(MAX_FAILURES):
            attempt(client, "coordinator@example.org", address=address)
        assert attempt(client, "coordinator@example.org", address=address).status_code == 429
    result = runner.invoke(args=["users", "unlock", "Coordinator@example.org"])
    assert result.exit_code == 0, result.output
    assert "coordinator@example.org may sign in again" in result.output
    assert attempt(client, "coordinator@example.org", PASSWORD, REAL_USER).status_code == 302
    client.post("/logout")
    assert attempt(client, "coordinator@example.org", address=ATTACKER).status_code == 400
    (unlocked,) = entries("unlocked")
    assert (unlocked.actor, unlocked.label) == ("Command line", "coordinator@example.org")
    assert "2 sign-in counters cleared" in unlocked.changed_fields["detail"][1]


# --- (f) Redis


def _redis_or_skip() -> str:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as error:  # no server, or no client library
        pytest.skip(f"Redis does not answer at {REDIS_URL}: {error}")
    return REDIS_URL


def test_redis_counts_across_two_app_servers(app, database_urls, request, tmp_path):
    redis_url = _redis_or_skip()
    factories.user("coordinator@example.org")
    url = database_urls[request.node.callspec.params["app"]]
    settings = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex}:"}
    first, second = (make_app(url, UPLOAD_DIR=str(tmp_path), **settings) for _ in range(2))
    clients = [first.test_client(), second.test_client()]
    statuses = []
    for n in range(MAX_FAILURES + 2):
        with (first if n % 2 == 0 else second).app_context():
            statuses.append(attempt(clients[n % 2], "coordinator@example.org").status_code)
    assert statuses == [400] * MAX_FAILURES + [429, 429]
    assert db.session.scalar(select(func.count()).select_from(SignInThrottle)) == 0
    with second.app_context():
        assert (
            attempt(clients[1], "coordinator@example.org", PASSWORD, REAL_USER).status_code == 302
        )
    with first.app_context():
        result = first.test_cli_runner().invoke(args=["users", "unlock", "coordinator@example.org"])
        assert result.exit_code == 0, result.output
    with second.app_context():
        assert attempt(second.test_client(), "coordinator@example.org").status_code == 400
    assert len(entries("unlocked")) == 1
    for instance in (first, second):
        with instance.app_context():
            db.engine.dispose()


# --- The client address cannot be forged


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(app, client):
    factories.user("coordinator@example.org")
    statuses = []
    for n in range(MAX_FAILURES + 1):
        g.pop("_login_user", None)
        response = client.post(
            "/login",
            data={"email": "coordinator@example.org", "password": "a wrong guess"},
            environ_base={"REMOTE_ADDR": ATTACKER},
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        )
        statuses.append(response.status_code)
    assert statuses == [400] * MAX_FAILURES + [429]


def test_behind_a_proxy_the_forwarded_address_is_the_client(app, database_urls, request):
    url = database_urls[request.node.callspec.params["app"]]
    proxied = make_app(url, PROXY_FIX_HOPS=1)
    with proxied.app_context():
        response = proxied.test_client().post(
            "/login",
            data={"email": "someone@example.org", "password": "a wrong guess"},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
            headers={"X-Forwarded-For": f"{ATTACKER}"},
        )
        assert response.status_code == 400
        db.engine.dispose()
    (failed,) = entries("sign_in_failed")
    assert failed.changed_fields["client address"] == [None, ATTACKER]
