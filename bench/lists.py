"""Benchmark the list pages: `python -m bench lists` (or `make bench`).

The generated partnership of bench/feeds.py (five partners in five zones, 10,000 events
from January 2020 to 2028, seven hours apart, so about 600 a semester and 100 a month),
on SQLite and on PostgreSQL (database `bench_lists`, created if missing; BENCH_PG_URL
overrides, set it empty to skip). Per reader (the public, a signed-in coordinator) it
measures the home page, `/events` (its first page: upcoming, 25 rows) and the month
calendar: server time through the Flask test client (best of 5), response size and SQL
statements per request. Goal: under 100 ms and 200 KB each at 10,000 events.

Prints a table and writes it to the "## Lists" section of docs/PERFORMANCE.md.
"""

import os
import platform
import time
from datetime import UTC, datetime

from sqlalchemy import event

from app.auth import sign_ins
from app.auth.models import User
from app.extensions import db
from bench import write_section
from bench.feeds import ROOT, _add_events, _app, _fresh_database, _seed_partnership

SQLITE_URL = "sqlite:////tmp/bench_lists.sqlite"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_lists"
SIZES = (10_000,)  # the generated events reach today only from about 8,000 on
RUNS = 5
PAGES = (("home", "/"), ("/events", "/events"), ("calendar", "/events/calendar"))
DOC = ROOT / "docs" / "PERFORMANCE.md"
SECTION = "## Lists"
GOAL_MS, GOAL_KB = 100, 200


def _coordinator() -> int:
    user = User(email="coordinator@bench.example", role="coordinator", password_hash="!")
    db.session.add(user)
    db.session.commit()
    return user.id


def _sign_in(client, user_id: int) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session[sign_ins.SESSION_KEY] = sign_ins.create(user_id)
        db.session.commit()


def _measure(app, size: int, user_id: int) -> list[dict]:
    rows = []
    for reader in ("public", "coordinator"):
        client = app.test_client()
        if reader == "coordinator":
            _sign_in(client, user_id)
        for name, url in PAGES:
            client.get(url)  # warm: templates compiled, zones and catalogs loaded
            statements: list[int] = []

            def listener(*_args, seen=statements) -> None:
                seen.append(1)

            times = []
            for _ in range(RUNS):
                db.session.remove()
                event.listen(db.engine, "before_cursor_execute", listener)
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                event.remove(db.engine, "before_cursor_execute", listener)
                assert response.status_code == 200, (url, response.status_code)
            rows.append(
                dict(
                    size=size,
                    reader=reader,
                    page=name,
                    ms=min(times) * 1000,
                    kb=len(response.data) / 1024,
                    queries=len(statements) // RUNS,
                )
            )
    return rows


def run_backend(name: str, url: str) -> list[dict]:
    _fresh_database(url)
    app = _app(url)
    rows = []
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
        seed = _seed_partnership()
        user_id = _coordinator()
        done = 0
        for size in SIZES:
            _add_events(done + 1, size - done, seed)
            done = size
            rows += [{"backend": name, **row} for row in _measure(app, size, user_id)]
        db.session.remove()
    return rows


def _table(rows: list[dict]) -> str:
    head = (
        "| backend | events | reader | page | server time | size | queries | within goal |\n"
        "| --- | ---: | --- | --- | ---: | ---: | ---: | --- |\n"
    )
    lines = [
        f"| {r['backend']} | {r['size']:,} | {r['reader']} | {r['page']} | {r['ms']:.1f} ms "
        f"| {r['kb']:.1f} KB | {r['queries']} "
        f"| {'yes' if r['ms'] < GOAL_MS and r['kb'] < GOAL_KB else 'NO'} |"
        for r in rows
    ]
    return head + "\n".join(lines) + "\n"


def _write_doc(table: str, load: tuple[float, float]) -> None:
    body = (
        f"{SECTION}\n\n"
        f"Measured by `make bench` (`bench/lists.py`) on {datetime.now(UTC):%Y-%m-%d},\n"
        f"Python {platform.python_version()}, {os.cpu_count()} CPU cores shared with other\n"
        "jobs; best "
        f"of {RUNS} requests through the Flask test client (routing, queries, templates and\n"
        "response handling; no network). The partnership of the feed benchmark: five partners\n"
        "in five zones, events seven hours apart from January 2020 (about 600 a semester, 100\n"
        "a month), one in ten internal, half with three sessions. Goal at 10,000 events: each\n"
        f"page under {GOAL_MS} ms and {GOAL_KB} KB. Load average of the machine (1 minute)\n"
        f"before and after the run: {load[0]:.1f} and {load[1]:.1f} (2 cores: above 2, other\n"
        "jobs were waiting for them too, and times stretch accordingly: rerun on a quiet\n"
        "machine before quoting them).\n\n" + table + "\n"
        "- *home*: partners, then the current and the next semester, at most 12 events each\n"
        "  (upcoming first), with a link to each semester's whole list and to the other\n"
        "  semesters: two count queries and two page queries, whatever the semester holds.\n"
        "- */events*: the first page of the list (upcoming, soonest first, 25 rows), with its\n"
        "  count, and the hosts, visiting partners and venues of those 25 rows only.\n"
        "- *calendar*: the current month (about 100 events here), one query for the month's\n"
        "  events (a day's entry needs only the event's own columns).\n"
        "- *queries*: SQL statements per request; they do not grow with the rows (tested with\n"
        "  10 and 1,000 rows in `tests/lists`); a signed-in request adds its session and user.\n"
        "- Before this, the home page and `/events` listed every event since 2019: 4.2 MB\n"
        "  and 2.5 s, 3.9 MB and 2.1 s at 10,000 events.\n"
    )
    write_section(SECTION, body)


def main() -> None:
    load_before = os.getloadavg()[0]
    rows = run_backend("SQLite", SQLITE_URL)
    pg_url = os.environ.get("BENCH_PG_URL", PG_DEFAULT)
    if pg_url:
        try:
            rows += run_backend("PostgreSQL", pg_url)
        except Exception as exc:  # no server here: say so, keep the SQLite figures
            print(f"(PostgreSQL skipped: {exc.__class__.__name__}: {exc})")
    table = _table(rows)
    print(SECTION.removeprefix("## "))
    print(table)
    _write_doc(table, (load_before, os.getloadavg()[0]))
    print(f"Written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
