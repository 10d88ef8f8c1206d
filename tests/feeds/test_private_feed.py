"""The private feed: internal events at an unguessable URL, its page, reset, and logs."""

import logging
from datetime import date

from app.auth.models import User
from app.extensions import db
from app.feeds.logmask import MaskFeedTokens
from tests import factories
from tests.conftest import make_app


def _setup():
    project = factories.project(acronym="DEMO")
    tartu = factories.partner(project, "P4")
    public = factories.event(project, tartu, date(2025, 5, 6), date(2025, 5, 6), title="Open day")
    internal = factories.event(
        project, tartu, date(2025, 5, 7), date(2025, 5, 7), title="Steering", is_public=False
    )
    user = factories.user("partner@example.org", role="partner", partner=tartu)
    return user, public, internal


def _sign_in(client, email="partner@example.org"):
    """Flask-Login's session key, as the sign-in page sets it (that page is not ours)."""
    from sqlalchemy import select

    user = db.session.scalar(select(User).where(User.email == email))
    with client.session_transaction() as session:
        factories.signed_in(session, user)


def test_private_feed_has_public_and_internal_events(app, client):
    user, public, internal = _setup()
    response = client.get(f"/calendar/private/{user.feed_token}.ics")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Open day" in body and "Steering" in body
    assert "partner@example.org" not in body and user.feed_token not in body
    assert "private" in response.headers["Cache-Control"]
    assert "Steering" not in client.get("/calendar.ics").get_data(as_text=True)


def test_unknown_token_is_404(app, client):
    _setup()
    assert client.get("/calendar/private/not-a-real-token-at-all-0000.ics").status_code == 404


def test_reset_kills_the_old_url(app, client):
    user, _, _ = _setup()
    old = user.feed_token
    assert client.get(f"/calendar/private/{old}.ics").status_code == 200
    _sign_in(client)
    response = client.post(
        "/account/calendar/reset", data={"next": "/account/calendar", "confirm": "yes"}
    )
    assert response.status_code == 302 and response.location.endswith("/account/calendar")
    new = db.session.get(User, user.id).feed_token
    assert new != old
    assert client.get(f"/calendar/private/{old}.ics").status_code == 404
    assert client.get(f"/calendar/private/{new}.ics").status_code == 200
    page = client.get("/account/calendar").get_data(as_text=True)
    assert "new address" in page and new in page and old not in page


def test_reset_needs_a_signed_in_user_and_a_csrf_token(app, database_urls):
    anonymous = app.test_client()
    response = anonymous.post("/account/calendar/reset")
    assert response.status_code == 302 and "/login" in response.location
    assert anonymous.get("/account/calendar").status_code == 302

    user, _, _ = _setup()
    old = user.feed_token
    protected = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    with protected.app_context():
        client = protected.test_client()
        _sign_in(client)
        assert client.post("/account/calendar/reset").status_code == 400  # no token
        assert db.session.get(User, user.id).feed_token == old
        page = client.get("/account/calendar/reset").get_data(as_text=True)
        form_token = page.split('name="csrf_token" value="')[1].split('"')[0]
        response = client.post(
            "/account/calendar/reset", data={"csrf_token": form_token, "confirm": "yes"}
        )
        assert response.status_code == 302
        db.session.expire_all()
        assert db.session.get(User, user.id).feed_token != old
        db.session.remove()
        db.engine.dispose()


def test_account_page_shows_the_links_and_instructions(app, client):
    user, _, _ = _setup()
    _sign_in(client)
    page = client.get("/account/calendar").get_data(as_text=True)
    https = f"http://127.0.0.1:5000/calendar/private/{user.feed_token}.ics"
    webcal = f"webcal://127.0.0.1:5000/calendar/private/{user.feed_token}.ics"
    assert https in page and webcal in page
    assert f"https://calendar.google.com/calendar/r?cid={webcal}" in page
    for client_name in ("Google Calendar", "Outlook", "Apple Calendar"):
        assert client_name in page
    assert 'action="/account/calendar/reset"' in page


def test_site_url_makes_the_subscribe_links(app, client):
    user, _, _ = _setup()
    app.config["SITE_URL"] = "https://events.example.eu"
    _sign_in(client)
    page = client.get("/account/calendar").get_data(as_text=True)
    assert f"https://events.example.eu/calendar/private/{user.feed_token}.ics" in page
    assert f"webcal://events.example.eu/calendar/private/{user.feed_token}.ics" in page
    body = client.get(f"/calendar/private/{user.feed_token}.ics").get_data(as_text=True)
    assert (
        "@events.example.eu" in body and "URL;VALUE=URI:https://events.example.eu/events/" in body
    )


def test_request_log_never_shows_the_whole_token(app, client, caplog):
    user, _, _ = _setup()
    token = user.feed_token
    logger = logging.getLogger("werkzeug")
    assert any(isinstance(f, MaskFeedTokens) for f in logger.filters)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        # The line werkzeug's development server writes for each request.
        logger.info(
            '%s - - [%s] "%s" %s %s',
            "127.0.0.1",
            "23/Nov/2026 12:00:00",
            f"GET /calendar/private/{token}.ics HTTP/1.1",
            "200",
            "-",
        )
    line = caplog.records[-1].getMessage()
    assert token not in line
    assert f"/calendar/private/{token[:4]}…" in line
    assert "200" in line


def test_live_server_log_masks_the_token(app, client, tmp_path):
    """Through werkzeug's real request handler, as `flask run` logs."""
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    user, _, _ = _setup()
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("werkzeug")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.port}/calendar/private/{user.feed_token}.ics"
        with urllib.request.urlopen(url) as response:
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join()
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    lines = [record.getMessage() for record in records]
    assert any("/calendar/private/" in line for line in lines), lines
    assert not any(user.feed_token in line for line in lines), lines


def test_gunicorn_access_log_masks_the_token_too(app, caplog):
    user, _, _ = _setup()
    logger = logging.getLogger("gunicorn.access")
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        # gunicorn formats its access line from a dict of atoms.
        atoms = {"h": "10.0.0.7", "r": f"GET /calendar/private/{user.feed_token}.ics HTTP/1.1"}
        logger.info('%(h)s "%(r)s" 200', atoms)
    line = caplog.records[-1].getMessage()
    assert user.feed_token not in line and "/calendar/private/" in line
