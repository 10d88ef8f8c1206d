"""Accounts: throttled sign-in, changing one's password, the time zone, the CLI."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import g

from app.auth import throttle
from app.auth.models import User
from app.extensions import db
from app.versioning import version_of
from tests import factories


@pytest.fixture
def tartu_user(app):
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    return factories.user("Editor@Example.org", "partner", tartu)


def login(client, email, password):
    g.pop("_login_user", None)
    return client.post("/login", data={"email": email, "password": password})


def test_sign_in_and_out(tartu_user, client):
    response = login(client, "editor@example.org", "correct horse battery")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    g.pop("_login_user", None)
    client.post("/logout")
    g.pop("_login_user", None)
    assert client.get("/account").status_code == 302


def test_wrong_password_is_refused_with_a_message(tartu_user, client):
    response = login(client, "editor@example.org", "wrong guess")
    assert response.status_code == 400
    assert "E-mail or password is wrong." in response.get_data(as_text=True)
    assert 'value="editor@example.org"' in response.get_data(as_text=True)
    response = login(client, "nobody@example.org", "wrong guess")
    assert "E-mail or password is wrong." in response.get_data(as_text=True)


def test_sign_in_is_throttled_after_repeated_failures(tartu_user, client, monkeypatch):
    for _ in range(throttle.MAX_FAILURES):
        assert login(client, "editor@example.org", "guess").status_code == 400
    response = login(client, "editor@example.org", "correct horse battery")
    assert response.status_code == 429
    # The minute's wait runs from the last failure, so a slow machine may already be a
    # second or more into it.
    assert 50 <= int(response.headers["Retry-After"]) <= 60
    assert "Too many sign-in attempts from here. Try again in 1 minute." in response.get_data(
        as_text=True
    )
    # Once the wait has passed the right password works, and the count starts again.
    later = datetime.now(UTC) + timedelta(minutes=1, seconds=1)
    monkeypatch.setattr(throttle, "utcnow", lambda: later)
    assert login(client, "editor@example.org", "correct horse battery").status_code == 302


def test_changing_ones_own_password(tartu_user, client):
    login(client, "editor@example.org", "correct horse battery")
    response = client.post(
        "/account",
        data={"current_password": "wrong", "new_password": "a new long one", "confirm": "x"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "The two new passwords differ." in page
    response = client.post(
        "/account",
        data={
            "current_password": "wrong",
            "new_password": "a new long one",
            "confirm": "a new long one",
            "version": version_of(tartu_user),
        },
    )
    assert "Your current password is wrong." in response.get_data(as_text=True)
    response = client.post(
        "/account",
        data={
            "current_password": "correct horse battery",
            "new_password": "short",
            "confirm": "short",
            "version": version_of(tartu_user),
        },
    )
    assert "at least 10 characters" in response.get_data(as_text=True)
    response = client.post(
        "/account",
        data={
            "current_password": "correct horse battery",
            "new_password": "a new long one",
            "confirm": "a new long one",
            "version": version_of(tartu_user),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, tartu_user.id).check_password("a new long one")


def test_choosing_the_zone_times_are_shown_in(tartu_user, client):
    login(client, "editor@example.org", "correct horse battery")
    page = client.get("/account").get_data(as_text=True)
    assert "My partner&#39;s zone (Europe/Tallinn)" in page
    response = client.post(
        "/account",
        data={
            "zone-timezone": "America/New_York",
            "zone-submit_zone": "Save",
            "zone-version": version_of(tartu_user),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, tartu_user.id).timezone == "America/New_York"
    response = client.post(
        "/account",
        data={
            "zone-timezone": "Mars/Olympus",
            "zone-submit_zone": "Save",
            "zone-version": version_of(db.session.get(User, tartu_user.id)),
        },
    )
    assert response.status_code == 400


def test_cli_creates_accounts_and_demo_accounts(demo, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "new@example.org",
            "--role",
            "partner",
            "--partner",
            "P4",
            "--password-stdin",
        ],
        input="a long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created partner account new@example.org for Tartu." in result.output
    result = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "partner", "--password-stdin"],
        input="a long password\n",
    )
    assert result.exit_code != 0 and "needs --partner" in result.output
    result = runner.invoke(args=["users", "ensure-demo"])
    assert result.exit_code == 0 and "coordinator@better.example" in result.output


def test_anonymous_post_goes_to_sign_in_and_back_to_the_page_it_came_from(demo, client):
    from sqlalchemy import select

    from app.events.models import Event

    event_id = db.session.scalar(select(Event.id).where(Event.number == 3))
    page = f"/events/{event_id}"
    response = client.post(page + "/cancel", headers={"Referer": "http://localhost" + page})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={page}"
    response = client.post(page + "/cancel", headers={"Referer": "https://evil.example/x"})
    assert response.headers["Location"] == "/login"
    assert client.get("/events/new").headers["Location"].startswith("/login?next=")


def test_forms_without_the_csrf_token_are_refused(tartu_user, app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = login(client, "editor@example.org", "correct horse battery")
        assert response.status_code == 400
        assert "This form has expired" in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
