"""Fixtures: the app on SQLite always, and on PostgreSQL too when TEST_DATABASE_URL is set.

The schema is built by the real migrations once per backend; each test starts from
empty tables.
"""

import os

import pytest
from flask import request_finished
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.feeds.invariants import feed_problems

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _fresh_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _worker_postgres(url: str, worker: str | None) -> str:
    """With pytest-xdist each worker gets a database of its own beside TEST_DATABASE_URL's
    (`test` -> `test_gw0`), created when missing; the suite wipes its schema."""
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory) -> dict[str, str]:
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"}
    if "postgresql" in BACKENDS:
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        urls["postgresql"] = _worker_postgres(os.environ["TEST_DATABASE_URL"], worker)
    return urls


@pytest.fixture(scope="session")
def migrated() -> set[str]:
    """Backends whose database has been upgraded to head by the migrations."""
    return set()


def make_app(url: str, **overrides):
    config = type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, **overrides})
    return create_app(config)


def _empty_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(params=BACKENDS)
def app(request, database_urls, migrated, tmp_path):
    backend = request.param
    url = database_urls[backend]
    application = make_app(url, UPLOAD_DIR=str(tmp_path / "uploads"))
    with application.app_context():
        if backend not in migrated:
            if backend == "postgresql":
                _fresh_postgres(url)
            upgrade()
            migrated.add(backend)
        _empty_tables()
        yield application
        db.session.rollback()
        db.session.remove()
        # Each test builds its own app and engine: close its pool now, or idle connections
        # pile up until PostgreSQL refuses new clients.
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    from app.demo.loader import load_demo

    load_demo()
    return app


@pytest.fixture
def clock(monkeypatch):
    """The sign-in throttle's and the sessions' clock, moved on by hand:
    `clock.move(minutes=2)`."""
    from datetime import timedelta

    from app.auth import sign_ins, throttle
    from app.db_types import utcnow

    class Clock:
        now = utcnow()

        def move(self, **span):
            self.now += timedelta(**span)

    moving = Clock()
    monkeypatch.setattr(throttle, "utcnow", lambda: moving.now)
    monkeypatch.setattr(sign_ins, "utcnow", lambda: moving.now)
    return moving


@pytest.fixture(autouse=True)
def _feeds_keep_their_invariants(request):
    """Every calendar feed any test fetches keeps `tests.feeds.invariants` (sessions within
    their event, the event's entry always there); checked on the body the client got."""
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    problems: list[str] = []

    def check(_sender, response, **_extra) -> None:
        if response.mimetype == "text/calendar" and response.status_code == 200:
            problems.extend(feed_problems(response.get_data()))

    request_finished.connect(check, application)
    yield
    request_finished.disconnect(check, application)
    assert not problems, "feed invariants broken:\n" + "\n".join(problems)
