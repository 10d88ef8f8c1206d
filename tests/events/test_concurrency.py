"""Simultaneous saves on PostgreSQL: threads released together by a barrier, each with its
own test client, app context, session and connection. The version check is the database's,
so of two saves from forms loaded at the same version exactly one is accepted."""

import threading
from datetime import datetime

import pytest
from flask import g
from sqlalchemy import func, select

from app.events.models import Attendance, Event
from app.extensions import db
from app.practices.models import GoodPractice, Transfer
from app.versioning import version_of
from tests import factories
from tests.conftest import make_app

PAIRS = 8
ATTENDANCE_SAVES = 20


@pytest.fixture
def threaded(app, database_urls):
    """A second app on the same database whose pool has room for every thread at once."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("simultaneous connections: PostgreSQL only (TEST_DATABASE_URL)")
    other = make_app(
        database_urls["postgresql"],
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": ATTENDANCE_SAVES + 2, "max_overflow": 0},
    )
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def world(app):
    project = factories.project()
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    event = factories.event(
        project,
        genoa,
        datetime(2026, 3, 5, 10),
        datetime(2026, 3, 5, 16),
        participants=[tartu],
        title="Open data",
    )
    coordinator = factories.user("coord@example.org", "coordinator", genoa)
    return {"genoa": genoa, "tartu": tartu, "event": event, "coordinator": coordinator}


def _simultaneously(threaded, user_id: int, posts: list[tuple[str, dict]]) -> list:
    """Post each (url, data) from its own thread, all released at once; the responses'
    (status, page) in order. An exception in a thread fails the test."""
    barrier = threading.Barrier(len(posts))
    results: list = [None] * len(posts)

    def post(index: int, url: str, data: dict) -> None:
        try:
            client = threaded.test_client()
            with client.session_transaction() as session:
                factories.signed_in(session, user_id, threaded)
            client.get("/")  # warm: the session and a connection, before the race
            barrier.wait(timeout=30)
            response = client.post(url, data=data)
            results[index] = (response.status_code, response.get_data(as_text=True))
        except Exception as error:  # reported below, with the thread's index
            results[index] = (error, "")

    threads = [
        threading.Thread(target=post, args=(i, url, data)) for i, (url, data) in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    failures = [r for r in results if r is None or not isinstance(r[0], int)]
    assert not failures, failures
    return results


def _edit(world, title: str, version: str) -> dict:
    return {
        "kind": "study_visit",
        "title": title,
        "host": str(world["genoa"].id),
        "participants": [str(world["tartu"].id)],
        "timezone": "Europe/Rome",
        "start_date": "2026-03-05",
        "start_time": "10:00",
        "end_date": "2026-03-05",
        "end_time": "16:00",
        "format": "in_person",
        "venue": "0",
        "is_public": "y",
        "save_anyway": "Save anyway",
        "version": version,
    }


def _event(world) -> Event:
    db.session.expire_all()
    return db.session.get(Event, world["event"].id)


def test_simultaneous_pairs_of_edits_one_accepted_one_refused(threaded, world):
    url = f"/events/{world['event'].id}/edit"
    start = _event(world).revision
    accepted = []
    for pair in range(PAIRS):
        seen = version_of(_event(world))
        titles = [f"Pair {pair} first", f"Pair {pair} second"]
        results = _simultaneously(
            threaded,
            world["coordinator"].id,
            [(url, _edit(world, title, seen)) for title in titles],
        )
        statuses = sorted(status for status, _ in results)
        assert statuses == [302, 409], statuses
        winner, loser = (0, 1) if results[0][0] == 302 else (1, 0)
        accepted.append(titles[winner])
        page = results[loser][1]
        assert "Someone else changed this event after you opened the form: title." in page
        assert f'value="{titles[loser]}"' in page  # the loser's input is kept
        assert _event(world).title == titles[winner]
    assert _event(world).revision == start + PAIRS


def test_simultaneous_attendance_saves_never_fail(threaded, world):
    event, tartu = world["event"], world["tartu"]
    seen = version_of(_event(world))
    prefix = f"p{tartu.id}-"
    posts = [
        (
            f"/events/{event.id}/attendance/{tartu.id}",
            {
                prefix + "staff_count": str(n),
                prefix + "stakeholder_count": "0",
                prefix + "version": seen,
            },
        )
        for n in range(ATTENDANCE_SAVES)
    ]
    results = _simultaneously(threaded, world["coordinator"].id, posts)
    statuses = [status for status, _ in results]
    assert sorted(statuses) == [302] + [409] * (ATTENDANCE_SAVES - 1), statuses
    db.session.expire_all()
    rows = db.session.scalars(select(Attendance)).all()
    assert len(rows) == 1
    assert rows[0].staff_count == statuses.index(302)


def test_simultaneous_imports_of_one_practice_make_one_transfer(threaded, world):
    practice = GoodPractice(project=world["event"].project, owner=world["genoa"], title="Hub")
    db.session.add(practice)
    db.session.commit()
    url = f"/practices/{practice.id}/transfers"
    posts = [(url, {"importer_partner_id": str(world["tartu"].id)})] * 10
    results = _simultaneously(threaded, world["coordinator"].id, posts)
    assert {status for status, _ in results} == {302}
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == 1


def test_a_post_without_version_is_refused_with_the_form_back(app, world, client):
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, world["coordinator"])
    data = _edit(world, "Mine", "")
    del data["version"]
    before = version_of(_event(world))
    response = client.post(f"/events/{world['event'].id}/edit", data=data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "did not say which version of the event" in page and 'value="Mine"' in page
    assert version_of(_event(world)) == before and _event(world).title == "Open data"
