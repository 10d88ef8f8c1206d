"""Schemathesis against the running API: every operation of GET /api/v1/openapi.json, with
requests generated from the document itself, must never answer 5xx, and every answer must
match the document (its body, status code and content type).

The app runs in a real HTTP server on 127.0.0.1 (werkzeug, in a thread) on a fresh
database built by the migrations, with the demo partnership, three events to come and a
coordinator. It is run twice: anonymous (the public's reads, and the refusals of writes)
and with the coordinator's write token (so the writes write: created, edited, postponed,
cancelled events, added, changed and removed sessions; the test checks each operation
succeeded at least once). Half of the generated requests name a real event (and, for
sessions, a real session and times within the event), a semester that exists, or a real
host, so they get past the 404s and 400s to the services.

Stateless checks on 25 generated requests per operation, valid and invalid ones
(Schemathesis's positive and negative modes), derandomized (Hypothesis's seed comes from
the test's code) and without an example database: the same requests every run. A failure
prints the request that reproduces it, as curl (`Authorization: [Filtered]` is the
coordinator's write token), and the server's traceback if it raised.

Each operation is its own subtest, built from Schemathesis's strategies; its pytest
integration (`schemathesis.pytest.from_fixture`, 4.32.5) fails on pytest 9.2 with
"'Function' object has no attribute '_nodeid'".

On SQLite and PostgreSQL alike (`TEST_DATABASE_URL`: in a database of its own beside it,
`<name>_schemathesis[_<worker>]`); each run takes 15-25 s.
"""

import os
import threading
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime

import hypothesis.strategies as st
import pytest
import requests
import schemathesis
from flask import got_request_exception
from flask_migrate import upgrade
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine, make_url, select, text
from werkzeug.serving import WSGIRequestHandler, make_server

from app.api.tokens import create_token
from app.demo.loader import load_demo
from app.events.services import add_session
from app.extensions import db
from app.home.queries import the_project
from app.partners.models import Partner
from tests import factories
from tests.conftest import BACKENDS, make_app

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
EXAMPLES = 25


@dataclass
class LiveApi:
    base: str
    write_token: str
    partners: list[str]
    #: (id, zone, local start, local end, all day, session ids) of every event.
    events: list[tuple] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)


class _QuietHandler(WSGIRequestHandler):
    """No access log line per generated request (errors still reach the app's logger)."""

    def log_request(self, *args, **kwargs) -> None:
        pass


def _own_postgres_database(url: str) -> str:
    """A database of its own beside TEST_DATABASE_URL's (the other tests keep theirs), with
    an empty schema."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = make_url(url)
    name = f"{base.database}_schemathesis" + (f"_{worker}" if worker else "")
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    own = base.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(own)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return own


def _upcoming_events() -> None:
    """The demo's events are all held (which refuses postponing and cancelling): add a
    planned one with an agenda, an internal online one and an all-day one, to come."""
    project = the_project()
    partners = {p.city: p for p in project.partners}
    tartu, genoa = partners["Tartu"], partners["Genoa"]
    visit = factories.event(
        project,
        tartu,
        datetime(2027, 5, 11, 9),
        datetime(2027, 5, 12, 17),
        participants=[genoa],
        title="Data spaces study visit",
    )
    for day, hour in ((11, 9), (11, 14), (12, 10)):
        add_session(
            visit,
            title=f"Workshop {day}-{hour}",
            start=datetime(2027, 5, day, hour),
            end=datetime(2027, 5, day, hour + 2),
        )
    factories.event(
        project,
        genoa,
        datetime(2027, 6, 3, 10),
        datetime(2027, 6, 3, 12),
        kind="meeting",
        is_public=False,
        format="online",
        online_url="https://meet.example.org/steering",
    )
    factories.event(project, tartu, date(2027, 9, 20), date(2027, 9, 21), kind="local_event")
    db.session.commit()


def _events_now(live: LiveApi) -> list[tuple]:
    """Every event as the API shows it now to the coordinator (the writes move and add
    events): id, zone, local start and end, all day, session ids."""
    rows, cursor = [], None
    while True:
        response = requests.get(
            f"{live.base}/api/v1/events",
            params={"limit": 100, **({"cursor": cursor} if cursor else {})},
            headers={"Authorization": f"Bearer {live.write_token}"},
            timeout=30,
        )
        response.raise_for_status()
        page = response.json()
        for event in page["items"]:
            rows.append(
                (
                    event["id"],
                    event["timezone"],
                    datetime.fromisoformat(event["local_start"]),
                    datetime.fromisoformat(event["local_end"]),
                    event["all_day"],
                    [s["id"] for s in event["sessions"]],
                )
            )
        cursor = page["paging"]["next_cursor"]
        if cursor is None:
            return rows


@pytest.fixture(scope="module", params=BACKENDS)
def live_api(request, tmp_path_factory):
    """The app with the demo loaded, served over HTTP on a free port of 127.0.0.1."""
    if request.param == "postgresql":
        url = _own_postgres_database(os.environ["TEST_DATABASE_URL"])
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'api.sqlite'}"
    # The app's own 500 answer (JSON), as in production, rather than werkzeug's page.
    application = make_app(
        url,
        PROPAGATE_EXCEPTIONS=False,
        UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")),
    )
    with application.app_context():
        upgrade()
        load_demo()
        _upcoming_events()
        coordinator = factories.user("coordinator@example.org", "coordinator")
        _row, write_token = create_token(coordinator, "Schemathesis", "write")
        db.session.commit()
        partners = list(db.session.scalars(select(Partner.code).order_by(Partner.code)))
        db.session.remove()

    tracebacks: list[str] = []

    def remember(_sender, exception, **_extra) -> None:
        tracebacks.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(remember, application)
    server = make_server("127.0.0.1", 0, application, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = LiveApi(f"http://127.0.0.1:{server.server_port}", write_token, partners)
    live.tracebacks = tracebacks
    yield live
    server.shutdown()
    thread.join()
    got_request_exception.disconnect(remember, application)
    with application.app_context():
        db.engine.dispose()


# --- Requests that reach the services ----------------------------------------------------


def _with_real_event(case, event, session_index: int, day: int):
    """`case` about a real event (and session), with times within it where it has some."""
    event_id, _zone, start, end, all_day, sessions = event
    case.path_parameters["event_id"] = event_id
    if "session_id" in case.path_parameters and sessions:
        case.path_parameters["session_id"] = sessions[session_index % len(sessions)]
    if isinstance(case.body, dict) and "/sessions" in case.operation.path and not all_day:
        case.body["start"] = start.strftime("%Y-%m-%dT%H:%M")
        case.body["end"] = end.strftime("%Y-%m-%dT%H:%M")
    if isinstance(case.body, dict) and case.operation.path.endswith(("{event_id}", "/postpone")):
        if "start" in case.body or "end" in case.body:
            moved = start.replace(day=1 + day % 28)
            case.body["start"] = moved.strftime("%Y-%m-%dT%H:%M")
            case.body["end"] = (moved + (end - start)).strftime("%Y-%m-%dT%H:%M")
    return case


def _with_real_host(case, host: str, visitors: list[str], day: int):
    if isinstance(case.body, dict):
        case.body.update(
            host=host,
            participants=visitors,
            start=f"2027-03-{1 + day % 28:02d}T10:00",
            end=f"2027-03-{1 + day % 28:02d}T16:00",
        )
        case.body.pop("timezone", None)
    return case


def _with_semester(case, number: int):
    case.path_parameters["number"] = number
    return case


def _reaching_the_services(strategy, operation, live: LiveApi):
    """Half of the cases name a real event (with a real session, times within it), a
    semester the partnership has (or the one after), or, for a new event, a real host with
    real visiting partners and valid times."""
    if "{event_id}" in operation.path:
        real = st.tuples(
            strategy, st.sampled_from(live.events), st.integers(0, 10), st.integers(0, 27)
        ).map(lambda drawn: _with_real_event(*drawn))
        return st.one_of(strategy, real)
    if operation.method.upper() == "POST" and operation.path.endswith("/events"):
        real = st.tuples(
            strategy,
            st.sampled_from(live.partners),
            st.lists(st.sampled_from(live.partners), max_size=3, unique=True),
            st.integers(0, 27),
        ).map(lambda drawn: _with_real_host(*drawn))
        return st.one_of(strategy, real)
    if "{number}" in operation.path:
        real = st.tuples(strategy, st.integers(1, 9)).map(lambda drawn: _with_semester(*drawn))
        return st.one_of(strategy, real)
    return strategy


# --- The runs ------------------------------------------------------------------------------


def _cases(operation, live: LiveApi):
    """Valid requests and invalid ones (which must be refused with a documented 4xx)."""
    generated = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    return _reaching_the_services(generated, operation, live)


def _removals_last(operation) -> int:
    """Sessions removed and events cancelled after the other writes, which need them."""
    return 2 * operation.path.endswith("/cancel") + (operation.method.upper() == "DELETE")


@pytest.mark.parametrize("caller", ["anonymous", "write token"])
def test_the_api_keeps_its_document(live_api, caller, subtests):
    schema = schemathesis.openapi.from_url(f"{live_api.base}/api/v1/openapi.json")
    headers = {}
    if caller == "write token":
        headers["Authorization"] = f"Bearer {live_api.write_token}"
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=_removals_last)
    assert len(operations) >= 14, [op.label for op in operations]
    answered: dict[str, set[int]] = {}

    for operation in operations:
        live_api.events = _events_now(live_api)

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_cases(operation, live_api))
        def keeps_the_document(case):
            live_api.tracebacks.clear()
            try:
                response = case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)
                answered.setdefault(case.operation.label, set()).add(response.status_code)
            finally:
                for found in live_api.tracebacks:
                    print(f"Server traceback for {case.method} {case.formatted_path}:\n{found}")

        with subtests.test(operation=operation.label):
            keeps_the_document()

    # The generated requests got past the refusals: reads read, and the token's writes wrote.
    succeeded = {label for label, codes in answered.items() if any(c < 300 for c in codes)}
    expected = {op.label for op in operations if op.method.upper() == "GET"}
    if caller == "anonymous":
        expected.discard("GET /api/v1/semesters/{number}/indicators")  # tokens only
    else:
        expected = {op.label for op in operations}
    assert expected <= succeeded, {label: answered.get(label) for label in expected - succeeded}
