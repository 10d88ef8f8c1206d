"""Every route, with every role: who is let in and who is refused.

The table below is the contract. To add an area, append its routes to ROUTES (and its
blueprint to COVERED_BLUEPRINTS): `test_every_route_is_in_the_table` fails until every
route of a covered blueprint has a row. A row's `url` may use the ids in `World` (extend
`build_world` when a route needs an object of its own).

Refused means: a signed-in user gets 403, an anonymous visitor is sent to sign in
(302 to /login), unless the row says otherwise (an internal event is 404 to the public,
so its existence is not told). Unknown ids answer 404 to everyone.
"""

from dataclasses import dataclass, field
from datetime import datetime

import pytest
from flask import g

from app.auth.models import User
from app.events.models import EventSession
from app.extensions import db
from tests import factories

ANON, COORD, HOST, OTHER, FUNDER = (
    "anonymous",
    "coordinator",
    "host_editor",
    "other_editor",
    "funder",
)
ROLES = (ANON, COORD, HOST, OTHER, FUNDER)
EVERYONE = set(ROLES)
SIGNED_IN = {COORD, HOST, OTHER, FUNDER}
EDITORS = {COORD, HOST}  # may change the event hosted by HOST's partner

COVERED_BLUEPRINTS = {"home", "auth", "events"}


@dataclass
class Route:
    endpoint: str
    method: str
    url: str  # formatted with the World's attributes
    allowed: set[str]
    data: dict = field(default_factory=dict)  # formatted too
    refused: dict[str, int] = field(default_factory=dict)  # role -> status, when not default
    unknown: str | None = None  # url with an unknown id (404 for every role)


def _event_form(host: str) -> dict:
    return {
        "kind": "study_visit",
        "title": "Changed by a test",
        "host": host,
        "participants": ["{other_partner}"],
        "timezone": "",
        "start_date": "2026-03-05",
        "start_time": "10:00",
        "end_date": "2026-03-05",
        "end_time": "12:00",
        "format": "in_person",
        "venue": "0",
        "is_public": "y",
        "save_anyway": "1",
    }


ROUTES = [
    Route("home.index", "GET", "/", EVERYONE),
    Route("home.dashboard", "GET", "/dashboard", SIGNED_IN, unknown="/dashboard?semester=99"),
    Route("auth.login", "GET", "/login", EVERYONE),
    Route("auth.login", "POST", "/login", EVERYONE, {"email": "x@y.z", "password": "wrong"}),
    Route("auth.logout", "POST", "/logout", SIGNED_IN),
    Route("auth.account", "GET", "/account", SIGNED_IN),
    Route("auth.account", "POST", "/account", SIGNED_IN, {"current_password": "x"}),
    Route("events.list_events", "GET", "/events", EVERYONE),
    Route("events.calendar", "GET", "/events/calendar?month=2026-03", EVERYONE),
    Route("events.detail", "GET", "/events/{event}", EVERYONE, unknown="/events/999999"),
    Route("events.detail", "GET", "/events/{internal}", SIGNED_IN, refused={ANON: 404}),
    Route("events.create", "GET", "/events/new", {COORD, HOST, OTHER}),
    Route("events.create", "POST", "/events/new", EDITORS, _event_form("{host_partner}")),
    # The host is checked against the account, not only the role.
    Route("events.create", "POST", "/events/new", {COORD, OTHER}, _event_form("{other_partner}")),
    # Handing the event to another host: coordinators only.
    Route("events.edit", "POST", "/events/{event}/edit", {COORD}, _event_form("{other_partner}")),
    Route("events.edit", "GET", "/events/{event}/edit", EDITORS, unknown="/events/999999/edit"),
    Route(
        "events.edit",
        "POST",
        "/events/{event}/edit",
        EDITORS,
        _event_form("{host_partner}"),
        unknown="/events/999999/edit",
    ),
    Route("events.postpone", "GET", "/events/{event}/postpone", EDITORS),
    Route(
        "events.postpone",
        "POST",
        "/events/{event}/postpone",
        EDITORS,
        {"start_date": "2026-04-01", "end_date": "2026-04-01"},
        unknown="/events/999999/postpone",
    ),
    Route("events.move_online", "GET", "/events/{event}/move-online", EDITORS),
    Route(
        "events.move_online",
        "POST",
        "/events/{event}/move-online",
        EDITORS,
        {"online_platform": "Webex"},
        unknown="/events/999999/move-online",
    ),
    Route(
        "events.cancel", "POST", "/events/{event}/cancel", EDITORS, unknown="/events/9999/cancel"
    ),
    Route("events.mark_held", "POST", "/events/{event}/held", EDITORS, unknown="/events/9999/held"),
    Route(
        "events.add_session",
        "POST",
        "/events/{event}/sessions",
        EDITORS,
        {
            "title": "Talk",
            "kind": "seminar",
            "start_date": "2026-03-05",
            "start_time": "10:00",
            "end_time": "11:00",
        },
        unknown="/events/999999/sessions",
    ),
    Route(
        "events.edit_session",
        "GET",
        "/events/{event}/sessions/{session}/edit",
        EDITORS,
        unknown="/events/{event}/sessions/999999/edit",
    ),
    Route(
        "events.edit_session",
        "POST",
        "/events/{event}/sessions/{session}/edit",
        EDITORS,
        {
            "title": "Renamed",
            "kind": "workshop",
            "start_date": "2026-03-05",
            "start_time": "10:00",
            "end_time": "11:30",
        },
        unknown="/events/999999/sessions/{session}/edit",
    ),
    Route(
        "events.delete_session",
        "POST",
        "/events/{event}/sessions/{session}/delete",
        EDITORS,
        unknown="/events/{event}/sessions/999999/delete",
    ),
    Route(
        "events.attendance",
        "POST",
        "/events/{event}/attendance/{host_partner}",
        EDITORS,
        {"p{host_partner}-staff_count": "3", "p{host_partner}-stakeholder_count": "4"},
        unknown="/events/{event}/attendance/999999",
    ),
    # A partner editor records their own people's attendance at another partner's event.
    Route(
        "events.attendance",
        "POST",
        "/events/{event}/attendance/{other_partner}",
        EDITORS | {OTHER},
        {"p{other_partner}-staff_count": "2", "p{other_partner}-stakeholder_count": "0"},
    ),
]


@dataclass
class World:
    event: int
    internal: int
    session: int
    host_partner: int
    other_partner: int
    users: dict


def build_world() -> World:
    """Tartu hosts an event Genoa visits; one editor of each, a coordinator, a funder."""
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    event = factories.event(
        project, tartu, datetime(2026, 3, 5, 10), datetime(2026, 3, 5, 16), participants=[genoa]
    )
    event.sessions.append(
        EventSession(title="Welcome", starts_at=event.starts_at, ends_at=event.ends_at)
    )
    internal = factories.event(
        project, tartu, datetime(2026, 3, 9, 10), datetime(2026, 3, 9, 12), is_public=False
    )
    users = {}
    for role, stored_role, partner in (
        (COORD, "coordinator", genoa),
        (HOST, "partner", tartu),
        (OTHER, "partner", genoa),
        (FUNDER, "funder", None),
    ):
        # A hash nobody can match: these users are signed in through the session below.
        users[role] = User(
            email=f"{role}@example.org", role=stored_role, partner=partner, password_hash="!"
        )
        db.session.add(users[role])
    db.session.commit()
    return World(
        event=event.id,
        internal=internal.id,
        session=event.sessions[0].id,
        host_partner=tartu.id,
        other_partner=genoa.id,
        users={role: user.id for role, user in users.items()},
    )


def _format(value, world: World):
    if isinstance(value, list):
        return [_format(v, world) for v in value]
    return value.format(**vars(world)) if isinstance(value, str) else value


def _request(client, world: World, role: str, method: str, url: str, data: dict):
    # The tests' app context outlives a request: forget the user Flask-Login cached in `g`.
    g.pop("_login_user", None)
    if role != ANON:
        with client.session_transaction() as session:
            session["_user_id"] = str(world.users[role])
            session["_fresh"] = True
    payload = {_format(k, world): _format(v, world) for k, v in data.items()}
    return client.open(_format(url, world), method=method, data=payload or None)


def _is_refused(response) -> bool:
    to_login = response.status_code == 302 and "/login" in response.headers.get("Location", "")
    return response.status_code in (401, 403, 404) or to_login


CASES = [
    pytest.param(route, role, id=f"{route.method} {route.url} as {role}")
    for route in ROUTES
    for role in ROLES
]


@pytest.mark.parametrize(("route", "role"), CASES)
def test_role_by_route(app, client, route: Route, role: str):
    world = build_world()
    response = _request(client, world, role, route.method, route.url, route.data)
    if role in route.allowed:
        assert not _is_refused(response), (response.status_code, response.headers)
        assert response.status_code < 500
    elif role in route.refused:
        assert response.status_code == route.refused[role]
    elif role == ANON:
        said = (response.status_code, response.headers.get("Location"), response.text[:300])
        assert response.status_code == 302, said
        assert response.headers["Location"].startswith("/login"), said
    else:
        assert response.status_code == 403, (response.status_code, response.text[:300])


UNKNOWN = [
    pytest.param(route, role, id=f"{route.method} {route.unknown} as {role}")
    for route in ROUTES
    if route.unknown
    for role in (ANON, COORD)
]


@pytest.mark.parametrize(("route", "role"), UNKNOWN)
def test_unknown_ids_answer_404(app, client, route: Route, role: str):
    world = build_world()
    response = _request(client, world, role, route.method, route.unknown, route.data)
    if role == ANON and route.endpoint == "home.dashboard":
        assert response.status_code == 302  # sign in first; the semester is checked after
    else:
        assert response.status_code == 404


def test_every_route_is_in_the_table(app):
    covered = {(r.endpoint, r.method) for r in ROUTES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in COVERED_BLUEPRINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert missing == []


def test_allowed_writes_really_change_the_event(app, client):
    """The table's 'allowed' is not just 'not refused': an editor's change is stored."""
    world = build_world()
    _request(client, world, HOST, "POST", "/events/{event}/cancel", {})
    from app.events.models import Event

    db.session.expire_all()
    assert db.session.get(Event, world.event).status == "cancelled"
    _request(
        client,
        world,
        OTHER,
        "POST",
        "/events/{event}/attendance/{host_partner}",
        {"p{host_partner}-staff_count": "9", "p{host_partner}-stakeholder_count": "9"},
    )
    db.session.expire_all()
    assert db.session.get(Event, world.event).attendance == []
