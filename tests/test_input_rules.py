"""Hostile and absurd input answers 404 or 400, never 500, on SQLite and PostgreSQL.

A table of requests (URL, form) with the status each must get, built on the roles table's
world; and every `<int:...>` route asked for an id beyond the database's integer column.
"""

import re

import pytest

from app.errors import DomainError
from app.events.models import Event
from app.extensions import db
from app.input_rules import MAX_ID, NUL_MESSAGE, IdConverter, one_line, text_block, web_address
from app.versioning import version_of
from tests.test_roles_by_route import ANON, COORD, HOST, _request, build_world

HUGE = str(MAX_ID + 1)  # 2**31: beyond PostgreSQL's INTEGER
ENORMOUS = "99999999999999999999999"  # beyond 64 bits too


def _event_post(**changes) -> dict:
    form = {
        "kind": "study_visit",
        "title": "A visit",
        "host": "{host_partner}",
        "timezone": "",
        "start_date": "2026-05-05",
        "end_date": "2026-05-05",
        "format": "in_person",
        "venue": "0",
        "is_public": "y",
        "save_anyway": "1",
    }
    form.update(changes)
    return form


# (role, method, url, data, expected status)
CASES = [
    # Months the calendar cannot draw; garbage falls back to this month, as before.
    (ANON, "GET", "/events/calendar?month=9999-12", {}, 404),
    (ANON, "GET", "/events/calendar?month=0001-01", {}, 404),
    (ANON, "GET", "/events/calendar?month=1989-12", {}, 404),
    (ANON, "GET", "/events/calendar?month=2100-12", {}, 200),
    (ANON, "GET", "/events/calendar?month=2026-13", {}, 200),
    (ANON, "GET", "/events/calendar?month=banana", {}, 200),
    (ANON, "GET", "/events/calendar?month=%00", {}, 400),
    # Ids beyond the column, in URLs and in query strings.
    (ANON, "GET", f"/events/{HUGE}", {}, 404),
    (ANON, "GET", f"/events/{ENORMOUS}", {}, 404),
    (ANON, "GET", f"/events/{HUGE}.ics", {}, 404),
    (ANON, "GET", f"/practices/{HUGE}", {}, 404),
    (COORD, "GET", f"/evidence/{HUGE}", {}, 404),
    (COORD, "GET", f"/events/{{event}}/sessions/{HUGE}/edit", {}, 404),
    (ANON, "GET", f"/practices?owner={ENORMOUS}", {}, 200),
    (ANON, "GET", f"/practices?owner={HUGE}", {}, 200),
    (COORD, "GET", f"/dashboard?semester={ENORMOUS}", {}, 404),
    (COORD, "GET", "/dashboard?semester=%C2%B2", {}, 404),  # "²" is a digit to isdigit()
    (ANON, "GET", "/events?semester=%C2%B2", {}, 200),
    (ANON, "GET", f"/events?semester={ENORMOUS}", {}, 200),
    (COORD, "GET", f"/indicators?period={ENORMOUS}", {}, 302),  # told: no such semester
    # NUL bytes in a filter, a form and the sign-in e-mail.
    (ANON, "GET", "/events?kind=%00", {}, 400),
    (ANON, "GET", "/practices?theme=a%00b", {}, 400),
    (ANON, "GET", "/calendar.ics?partner=%00", {}, 400),
    (ANON, "POST", "/login", {"email": "a\x00@example.org", "password": "x"}, 400),
    (COORD, "GET", "/action-plans/P%00", {}, 400),
    (ANON, "GET", "/calendar/private/%00.ics", {}, 400),
    (COORD, "POST", "/events/new", _event_post(title="Visit\x00"), 400),
    (
        COORD,
        "POST",
        "/practices/new",
        {"title": "A\x00", "owner_partner_id": "{host_partner}"},
        400,
    ),
    # Huge ids posted in select fields: refused as a form error, or flashed and sent back.
    (COORD, "POST", "/events/new", _event_post(host=HUGE), 400),
    (COORD, "POST", "/events/new", _event_post(host=ENORMOUS), 400),
    (COORD, "POST", "/events/new", _event_post(participants=[HUGE]), 400),
    (COORD, "POST", "/events/new", _event_post(venue=HUGE), 400),
    (COORD, "POST", "/events/{event}/edit", _event_post(venue=ENORMOUS), 400),
    (
        COORD,
        "POST",
        "/events/{event}/sessions",
        {
            "title": "Talk",
            "kind": "seminar",
            "start_date": "2026-03-05",
            "start_time": "10:00",
            "end_time": "11:00",
            "experts": [HUGE],
        },
        400,
    ),
    (COORD, "POST", "/practices/new", {"title": "A", "owner_partner_id": HUGE}, 400),
    (COORD, "POST", "/practices/{practice}/transfers", {"importer_partner_id": HUGE}, 302),
    (COORD, "POST", "/practices/{practice}/transfers", {"importer_partner_id": ENORMOUS}, 302),
    (HOST, "POST", "/events/{event}/practices", {"practice_id": HUGE, "role": "presented"}, 302),
    (
        COORD,
        "POST",
        "/events/{event}/outcomes",
        {"kind": "figure", "indicator_id": ENORMOUS, "value": "3", "period_number": "2"},
        302,
    ),
    (
        COORD,
        "POST",
        "/events/{event}/outcomes",
        {"kind": "figure", "indicator_id": "{indicator}", "value": "3", "period_number": ENORMOUS},
        302,
    ),
    (COORD, "POST", "/actions/{action}/edit", {"title": "A", "inspired_by_practice_id": HUGE}, 400),
    # Absurd dates are refused with a message, not stored.
    (
        COORD,
        "POST",
        "/events/new",
        _event_post(start_date="9999-12-31", end_date="9999-12-31"),
        400,
    ),
    (
        COORD,
        "POST",
        "/events/new",
        _event_post(start_date="0001-01-01", end_date="0001-01-01"),
        400,
    ),
    (
        COORD,
        "POST",
        "/events/{event}/postpone",
        {"start_date": "9999-12-30", "end_date": "9999-12-31"},
        400,
    ),
    # Meeting links that are not one web address.
    (COORD, "POST", "/events/new", _event_post(online_url="https://x.org/a\r\nX-Evil: 1"), 400),
    (COORD, "POST", "/events/{event}/move-online", {"online_url": "https://x.org/a b"}, 400),
    (COORD, "POST", "/events/{event}/move-online", {"online_url": "https://x.org/\tz"}, 400),
]


@pytest.mark.parametrize(
    ("role", "method", "url", "data", "expected"),
    CASES,
    ids=[
        f"{c[1]} {c[2]} {sorted(c[3].items())[:1]} as {c[0]}".replace("\x00", "NUL") for c in CASES
    ],  # noqa: E501
)
def test_hostile_request_gets_the_right_status(app, client, role, method, url, data, expected):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug answers 500 here instead of raising
    world = build_world()
    if method == "POST" and url.startswith("/events/{event}/"):
        # A form that changes the event carries the version it was loaded at.
        data = {**data, "version": version_of(db.session.get(Event, world.event))}
    response = _request(client, world, role, method, url, data)
    assert response.status_code == expected, response.get_data(as_text=True)[:400]


def test_every_id_route_answers_404_beyond_the_column(app, client):
    world = build_world()
    checked = 0
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IdConverter)]
        if not ints:
            continue
        url = rule.rule
        for name in rule.arguments:
            value = HUGE if name in ints else world.host_code
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", value, url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = _request(client, world, COORD, method, url, {})
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked >= 20


def test_nul_is_refused_with_a_page_that_says_so(app, client):
    response = client.get("/events?kind=%00")
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert NUL_MESSAGE.split(":")[0] in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "line", "block"),
    [
        ("Visit\r\nTartu", "Visit  Tartu", "Visit\nTartu"),
        ("\x07Bell\x1b[31m", "Bell [31m", "Bell[31m"),
        ("Tab\there", "Tab here", "Tab\there"),
        ("Line\u2028sep", "Line sep", "Line\nsep"),
        ("  plain  ", "plain", "plain"),
    ],
)
def test_control_characters_are_taken_out_of_text(text, line, block):
    assert one_line(text) == line
    assert text_block(text) == block


@pytest.mark.parametrize(
    "url",
    [
        "https://x.org/a\r\nb",
        "https://x.org/a b",
        "https://x.org/\ta",
        "https://x.org/\x00",
        "https://x.org/\x85a",
        "javascript:alert(1)",
        "x.org",
    ],
)
def test_web_addresses_with_spaces_or_control_characters_are_refused(url):
    with pytest.raises(DomainError) as refused:
        web_address(url, "online_url")
    assert refused.value.field == "online_url"


def test_a_clean_web_address_is_kept():
    assert web_address("  https://zoom.us/j/123?pwd=a%20b  ", "online_url") == (
        "https://zoom.us/j/123?pwd=a%20b"
    )
