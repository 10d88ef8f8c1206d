"""Open redirects: no `next` an attacker writes sends the reader off the site.

Every form that returns somewhere is posted with each payload; the Location it answers is
resolved the way a browser resolves it (tabs and newlines dropped, a backslash read as a
slash) and must stay on this site, on the page the form goes back to without a `next`.
"""

from io import BytesIO
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.outcomes.models import Attachment
from app.outcomes.services import store_attachment
from app.redirects import safe_next
from tests import factories
from tests.test_roles_by_route import COORD, HOST, PNG, build_world

SITE = "http://localhost"

# Each one, on today's main, left the site from at least one form (or would with one more
# decoding on the way); every one must now fall back to the form's own page.
PAYLOADS = [
    "//evil.example/",
    "////evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    " //evil.example/",
    "\x00//evil.example/",
    "/\x00/evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "HTTPS://evil.example/",
    "javascript:alert('evil')",
    "JaVaScRiPt:alert('evil')",
    "data:text/html,evil",
    "%2F%2Fevil.example/",
    "/%2Fevil.example/",
    "/%2F%2Fevil.example/",
    "/%5Cevil.example/",
    "/%5C%5Cevil.example/",
    "/%09/evil.example/",
    "/%0d%0a/evil.example/",
    "%252F%252Fevil.example/",
    "/%252Fevil.example/",
    "/%25252F/evil.example/",
    "/%255Cevil.example/",
    "/%E2%80%AE//evil.example/",  # right-to-left override
    "/\u200b/evil.example/",  # zero-width space
    "/\u3000/evil.example/",  # ideographic space
    "/\uff0f/evil.example/",  # full-width solidus: a slash once folded
    "/\uff3cevil.example/",  # full-width reverse solidus
    "/%EF%BC%8F/evil.example/",
    "evil.example",
]

KEPT = ["/events/3?x=1#h", "/practices?owner=4&stage=studied", "/action-plans/P4#action-2"]


def browser_destination(location: str) -> str:
    """Where a browser on SITE goes with this Location (WHATWG URL parsing, in short)."""
    location = location.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f ")
    for ch in "\t\n\r":
        location = location.replace(ch, "")
    return urljoin(SITE + "/some/page", location.replace("\\", "/"))


def assert_stays(response, expected: str, payload: str) -> None:
    if response.status_code == 400:  # refused outright (a NUL in any field is): no redirect
        assert "Location" not in response.headers, payload
        return
    assert response.status_code in (302, 303), (payload, response.status_code)
    location = response.headers["Location"]
    destination = urlsplit(browser_destination(location))
    assert (destination.scheme, destination.netloc) == ("http", "localhost"), (payload, location)
    assert location == expected, (payload, location)


def _sign_in_as(client, world, role: str) -> None:
    with client.session_transaction() as session:
        factories.signed_in(session, world.users[role])


# --- The helper itself ------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_next_refuses_every_payload(app, payload):
    with app.test_request_context():
        assert safe_next(payload) == "/"
        assert safe_next(payload, default="/fallback") == "/fallback"


@pytest.mark.parametrize("target", KEPT)
def test_safe_next_keeps_a_path_on_this_site(app, target):
    with app.test_request_context():
        assert safe_next(target) == target


def test_safe_next_without_a_target_is_the_default(app):
    with app.test_request_context():
        assert safe_next(None) == "/"
        assert safe_next("") == "/"
        assert safe_next(None, default="") == ""
        assert safe_next("/" + "a" * 5000) == "/"


# --- Sign-in ----------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sign_in_never_leaves_the_site(app, client, payload):
    factories.user("coord@example.org")
    page = client.get("/login", query_string={"next": payload})
    assert page.status_code in (200, 400)  # the form, whose action keeps the query string
    response = client.post(
        "/login",
        query_string={"next": payload},
        data={"email": "coord@example.org", "password": "correct horse battery"},
    )
    assert_stays(response, "/", payload)


@pytest.mark.parametrize("target", KEPT)
def test_sign_in_returns_to_the_page_asked_for(app, client, target):
    factories.user("coord@example.org")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "coord@example.org", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == target


def test_a_form_posted_signed_out_sends_to_sign_in_without_a_foreign_next(app, client):
    """The page a signed-out form came from (its Referer) becomes `next` only when it is a
    plain path here: `https://this-site//evil.example/` is not."""
    world = build_world()
    for referrer in (f"{SITE}//evil.example/x", f"{SITE}/\\evil.example/", "https://evil.example/"):
        response = client.post(
            f"/events/{world.event}/practices", headers={"Referer": referrer}, data={}
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/login", referrer
    response = client.post(
        f"/events/{world.event}/practices", headers={"Referer": f"{SITE}/events/{world.event}"}
    )
    assert response.headers["Location"] == f"/login?next=/events/{world.event}"


# --- Forms that return ------------------------------------------------------------------


def _forms(world) -> dict:
    """Each form that returns: (url, data without `next`, where it returns by default)."""
    event_page = f"/events/{world.event}"
    return {
        "practice link": (
            f"/events/{world.event}/practices",
            {"practice_id": str(world.hidden_practice), "role": "studied"},
            f"/events/{world.event}/outcomes",
        ),
        "upload": (
            f"/evidence/event/{world.event}",
            {"category": "photo", "file": lambda: (BytesIO(PNG), "photo.png")},
            f"{event_page}#evidence",
        ),
        "event outcome": (
            f"/events/{world.event}/outcomes",
            {"kind": "lesson", "text": "Start small"},
            f"/events/{world.event}/outcomes",
        ),
        "action outcome": (
            f"/actions/{world.action}/outcomes",
            {"kind": "lesson", "text": "Ask first"},
            f"/action-plans/{world.host_code}#action-{world.action}",
        ),
        "feed reset": ("/account/calendar/reset", {"confirm": "yes"}, "/account/calendar"),
        "evidence removal": (
            "/evidence/{attachment}/delete",
            {},
            f"{event_page}#evidence",
        ),
    }


FORMS = [
    "practice link",
    "upload",
    "event outcome",
    "action outcome",
    "feed reset",
    "evidence removal",
]


def _post(client, world, form: str, payload: str | None):
    url, data, expected = _forms(world)[form]
    if "{attachment}" in url:  # each removal needs a file of its own
        attachment = store_attachment(
            BytesIO(b"%PDF-1.4 minutes"),
            "minutes.pdf",
            category="minutes",
            event=db.session.get(Event, world.event),
        )
        db.session.commit()
        url = url.format(attachment=attachment.id)
    fields = {k: (v() if callable(v) else v) for k, v in data.items()}
    if payload is not None:
        fields["next"] = payload
    return client.post(url, data=fields), expected


@pytest.mark.parametrize("form", FORMS)
def test_posted_forms_never_leave_the_site(app, client, form):
    world = build_world()
    _sign_in_as(client, world, COORD)
    failures = []
    for payload in PAYLOADS:
        response, expected = _post(client, world, form, payload)
        try:
            assert_stays(response, expected, payload)
        except AssertionError as error:
            failures.append(str(error))
    assert failures == []


@pytest.mark.parametrize("form", FORMS)
def test_posted_forms_return_to_the_page_they_came_from(app, client, form):
    world = build_world()
    _sign_in_as(client, world, HOST)
    response, _ = _post(client, world, form, "/events/3?x=1#h")
    assert response.status_code in (302, 303)
    assert response.headers["Location"] == "/events/3?x=1#h"


def test_feed_reset_not_confirmed_asks_again_with_a_safe_next(app, client):
    world = build_world()
    _sign_in_as(client, world, HOST)
    for payload in PAYLOADS:
        response = client.post("/account/calendar/reset", data={"next": payload})
        if response.status_code == 400:  # a NUL: refused before any view runs
            continue
        assert response.status_code == 303
        assert response.headers["Location"] == "/account/calendar/reset?next=/account/calendar"
        page = client.get(response.headers["Location"]).text
        assert "evil" not in page, payload


def test_evidence_removal_page_offers_no_foreign_way_back(app, client):
    """The confirmation page puts `next` in a hidden field and a "Keep it" link."""
    world = build_world()
    _sign_in_as(client, world, HOST)
    for payload in PAYLOADS:
        page = client.get(f"/evidence/{world.attachment}/delete", query_string={"next": payload})
        assert page.status_code in (200, 400)  # 400: a NUL, refused before any view runs
        assert "evil" not in page.text, payload
    page = client.get(
        f"/evidence/{world.attachment}/delete", query_string={"next": "/events/3?x=1#h"}
    )
    assert 'name="next" value="/events/3?x=1#h"' in page.text
    assert db.session.scalar(select(Attachment).where(Attachment.id == world.attachment))
