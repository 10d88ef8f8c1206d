"""Benchmark the JSON API's event reads: `python -m bench api` (or `make bench`).

The generated partnership of bench/feeds.py (five partners in five zones, 10,000 events
from January 2020, seven hours apart, two in five with three sessions), on SQLite and on
PostgreSQL (database `bench_api` beside the test database, created if missing and wiped;
BENCH_PG_URL overrides, set it empty to skip). Per caller (anonymous, a coordinator's read
token) it measures GET /api/v1/events (the default 50, and 100 a page, the most allowed),
a page deep in the cursor chain (after 5,000 events, followed page by page), a filtered
list (a partner and a semester) and GET /api/v1/events/<id>: server time through the
Flask test client (median of 11 after one warm-up), response size and SQL statements per
request. Goal: under 100 ms and 200 KB a page at 10,000 events.

For the largest page it also splits the time: the queries (rows loaded with their
hosts, partners, venues and agenda), building the response models, and writing JSON.

Prints a table and writes it to the "## API" section of docs/PERFORMANCE.md.
"""

import os
import platform
import statistics
import time
from datetime import UTC, datetime

from flask import g
from sqlalchemy import event, select

from app.api import queries, schemas, serialize
from app.api.tokens import create_token
from app.auth.models import User
from app.events.models import Event
from app.extensions import db, login_manager
from bench import write_section
from bench.feeds import ROOT, _add_events, _app, _fresh_database, _seed_partnership

SQLITE_URL = "sqlite:////tmp/bench_api.sqlite"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_api"
SIZE = 10_000
RUNS = 11
DEEP_AFTER = 5_000  # events before the deep page
PARTNER, SEMESTER = "P4", 10  # Tartu, February to July 2024 (about 600 events, 400 Tartu's)
DOC = ROOT / "docs" / "PERFORMANCE.md"
SECTION = "## API"
GOAL_MS, GOAL_KB = 100, 200


def _reader_token(app) -> str:
    user = User(email="coordinator@bench.example", role="coordinator", password_hash="!")
    db.session.add(user)
    db.session.commit()
    with app.test_request_context():
        _row, raw = create_token(user, "bench", "read")
        db.session.commit()
    return raw


def _deep_cursor(client, headers: dict) -> str:
    """The cursor after DEEP_AFTER events, reached the way a client reaches it."""
    cursor, seen = None, 0
    while seen < DEEP_AFTER:
        query = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/events", query_string=query, headers=headers).json
        seen += len(body["items"])
        cursor = body["paging"]["next_cursor"]
    return cursor


def _requests(client, headers: dict) -> list[tuple[str, str]]:
    with_agenda = db.session.scalar(
        select(Event.id).where(Event.is_public.is_(True), Event.sessions.any()).limit(1)
    )
    deep = _deep_cursor(client, headers)
    return [
        ("events (50)", "/api/v1/events"),
        ("events (100)", "/api/v1/events?limit=100"),
        (f"deep page (after {DEEP_AFTER:,})", f"/api/v1/events?cursor={deep}"),
        (
            f"partner + semester ({PARTNER}, {SEMESTER})",
            f"/api/v1/events?partner={PARTNER}&semester={SEMESTER}",
        ),
        ("one event", f"/api/v1/events/{with_agenda}"),
    ]


def _measure(app, token: str) -> list[dict]:
    rows = []
    for caller, headers in (("anonymous", {}), ("token", {"Authorization": f"Bearer {token}"})):
        client = app.test_client()
        for name, url in _requests(client, headers):
            client.get(url, headers=headers)  # warm: zones, catalogs, statement caches
            statements: list[int] = []

            def listener(*_args, seen=statements) -> None:
                seen.append(1)

            times, cpu = [], []
            for _ in range(RUNS):
                db.session.remove()
                event.listen(db.engine, "before_cursor_execute", listener)
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url, headers=headers)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                event.remove(db.engine, "before_cursor_execute", listener)
                assert response.status_code == 200, (url, response.status_code, response.data)
            rows.append(
                dict(
                    caller=caller,
                    request=name,
                    items=len(response.json.get("items", [None])),
                    ms=statistics.median(times) * 1000,
                    cpu_ms=statistics.median(cpu) * 1000,
                    kb=len(response.data) / 1024,
                    queries=len(statements) // RUNS,
                )
            )
    return rows


def _split(app) -> dict:
    """Where the time of a 100-event page goes (anonymous, median CPU time of RUNS)."""
    parts: dict[str, list[float]] = {"queries": [], "models": [], "json": []}
    with app.test_request_context("/api/v1/events?limit=100"):
        g._login_user = login_manager.anonymous_user()
        statement = select(Event).where(Event.is_public.is_(True))
        for _ in range(RUNS):
            db.session.remove()
            started = time.process_time()
            events, cursor = queries.event_page(statement, 100, None)
            loaded = time.process_time()
            page = schemas.EventPage(
                items=[serialize.event(e) for e in events],
                paging=schemas.Paging(next_cursor=cursor, limit=100),
            )
            built = time.process_time()
            page.model_dump_json()
            written = time.process_time()
            parts["queries"].append(loaded - started)
            parts["models"].append(built - loaded)
            parts["json"].append(written - built)
    return {name: statistics.median(values) * 1000 for name, values in parts.items()}


def run_backend(name: str, url: str) -> tuple[list[dict], dict]:
    _fresh_database(url)
    app = _app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
        seed = _seed_partnership()
        token = _reader_token(app)
        _add_events(1, SIZE, seed)
        rows = [{"backend": name, **row} for row in _measure(app, token)]
        split = {"backend": name, **_split(app)}
        db.session.remove()
    return rows, split


def _table(rows: list[dict]) -> str:
    head = (
        "| backend | caller | request | events | server time | CPU time | size | queries "
        "| within goal |\n"
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
    )
    lines = [
        f"| {r['backend']} | {r['caller']} | {r['request']} | {r['items']} | {r['ms']:.1f} ms "
        f"| {r['cpu_ms']:.1f} ms | {r['kb']:.1f} KB | {r['queries']} "
        f"| {'yes' if r['ms'] < GOAL_MS and r['kb'] < GOAL_KB else 'NO'} |"
        for r in rows
    ]
    return head + "\n".join(lines) + "\n"


def _split_lines(splits: list[dict]) -> str:
    return "".join(
        f"  - 100 events on {s['backend']}: queries and loading {s['queries']:.1f} ms, "
        f"response models {s['models']:.1f} ms, JSON {s['json']:.1f} ms\n"
        for s in splits
    )


def _per_event(rows: list[dict]) -> str:
    sizes = [r["kb"] * 1024 / r["items"] for r in rows if r["request"] == "events (100)"]
    return f"{min(sizes):,.0f} to {max(sizes):,.0f} bytes"


def _write_doc(table: str, splits: str, per_event: str, load: tuple[float, float]) -> None:
    body = (
        f"{SECTION}\n\n"
        f"Measured by `make bench` (`bench/api.py`) on {datetime.now(UTC):%Y-%m-%d},\n"
        f"Python {platform.python_version()}, {os.cpu_count()} CPU cores shared with other\n"
        f"jobs; the median of {RUNS} requests (after one warm-up) through the Flask test\n"
        "client: token check, routing, SpecTree's query parsing and response writing,\n"
        "queries, serialization, ETag; no network. The partnership of the feed benchmark at\n"
        f"{SIZE:,} events: five partners in five zones, events seven hours apart from\n"
        "January 2020, one in ten internal, two in five with three sessions (each with an\n"
        "expert).\n"
        "*anonymous* reads public events; *token* is a coordinator's read token (internal\n"
        f"events too, and meeting links). Goal: each page under {GOAL_MS} ms and {GOAL_KB} "
        "KB\n"
        "(*within goal* judges the server time, as measured).\n"
        f"Load average of the machine (1 minute) before and after the run: {load[0]:.1f} and\n"
        f"{load[1]:.1f} (2 cores: above 2 means other jobs were waiting for them too, and\n"
        "server times stretch accordingly). *CPU time* is the benchmark process's own (its median\n"
        "over the same requests): what the request costs with the cores to itself, the\n"
        "better guide on a busy machine; on PostgreSQL it leaves out the server's share.\n\n"
        + table
        + "\n"
        "- *events (50)*, *events (100)*: the first page in start order, at the default\n"
        "  limit and at the largest one allowed.\n"
        f"- *deep page*: 50 events after the first {DEEP_AFTER:,}, with the cursor reached by\n"
        "  following the chain 100 at a time; a keyset page (`starts_at, id` after the\n"
        "  cursor's), so it costs what the first page costs.\n"
        f"- *partner + semester*: `?partner={PARTNER}&semester={SEMESTER}` (events {PARTNER} "
        "hosts or\n"
        "  takes part in, starting in the semester in each event's own zone), first page of "
        "50.\n"
        "- *one event*: `/api/v1/events/<id>` of an event with three sessions.\n"
        "- *queries*: SQL statements per request, whatever the rows: the project and its\n"
        "  phases, the page, then hosts, visiting partners, venues (when any), sessions, their\n"
        "  experts and the experts' partners (`selectinload`); a filter by partner adds the\n"
        "  partner's. A token adds three: the token, its user, and the user again (the token\n"
        "  check commits, which expires what the session holds, and the permission checks\n"
        "  read the user anew); once a minute, also the UPDATE of its last use.\n"
        "- Where the CPU time of a page of 100 goes (anonymous, outside the request: the\n"
        "  queries with the loading of the rows and their relations, building the pydantic\n"
        "  response models in `app/api/serialize.py`, writing them as JSON). Measured apart,\n"
        "  they add up only roughly to the table's CPU time; the rest of a request is small:\n"
        "  SpecTree writes the returned model as JSON (it does not validate it again: it is\n"
        "  the documented model already), the ETag's hash, the token check, Flask.\n"
        + splits
        + "- *size*: compact JSON, "
        f"{per_event} an event in a page of 100 (two in five of them with\n"
        "  three sessions). A page holds at most 100 events so that it stays under 200 KB\n"
        "  (200 a page measured 223 KB); the default page of 50 is half of that. Compression\n"
        "  (which the API does not do itself, and a proxy may) would take it well under.\n"
    )
    write_section(SECTION, body)


def main() -> None:
    load_before = os.getloadavg()[0]
    rows, splits = run_backend("SQLite", SQLITE_URL)
    splits = [splits]
    pg_url = os.environ.get("BENCH_PG_URL", PG_DEFAULT)
    if pg_url:
        try:
            pg_rows, pg_split = run_backend("PostgreSQL", pg_url)
            rows += pg_rows
            splits.append(pg_split)
        except Exception as exc:  # no server here: say so, keep the SQLite figures
            print(f"(PostgreSQL skipped: {exc.__class__.__name__}: {exc})")
    table, split_text = _table(rows), _split_lines(splits)
    print(SECTION.removeprefix("## "))
    print(table)
    print(split_text)
    _write_doc(table, split_text, _per_event(rows), (load_before, os.getloadavg()[0]))
    print(f"Written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
