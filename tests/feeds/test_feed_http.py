"""HTTP: content type, ETag and Last-Modified, 304 without building the feed."""

from datetime import date

from sqlalchemy import event as sa_event

from app.extensions import db
from app.feeds import services
from tests import factories


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __enter__(self):
        sa_event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa_event.remove(db.engine, "before_cursor_execute", self._count)

    def _count(self, _conn, _cursor, statement, *_args):
        self.statements.append(statement)


def _setup():
    project = factories.project(acronym="DEMO")
    tartu = factories.partner(project, "P4")
    genoa = factories.partner(project, "P1", city="Genoa", zone="Europe/Rome")
    one = factories.event(project, tartu, date(2025, 5, 6), date(2025, 5, 6), title="One")
    two = factories.event(project, genoa, date(2025, 6, 6), date(2025, 6, 6), title="Two")
    return project, tartu, genoa, one, two


def test_served_as_inline_utf8_calendar_with_validators(app, client):
    _setup()
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("inline")
    etag, weak = response.get_etag()
    assert etag and not weak
    assert response.last_modified is not None
    assert response.data.startswith(b"BEGIN:VCALENDAR\r\n")


def test_matching_conditional_requests_answer_304(app, client):
    _setup()
    first = client.get("/calendar.ics")
    etag = first.headers["ETag"]
    again = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    by_date = client.get(
        "/calendar.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert by_date.status_code == 304
    stale = client.get("/calendar.ics", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.data == first.data


def test_the_304_path_does_not_build_the_feed(app, client):
    _setup()
    etag = client.get("/calendar.ics").headers["ETag"]
    with QueryCounter() as queries:
        response = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 304
    # The project, then one aggregate: no event, session or participant rows read.
    assert len(queries.statements) == 2, queries.statements
    assert "FROM event_session" not in " ".join(queries.statements)
    # ... and on a cold cache (a fresh worker) the first request builds it once.
    services.clear_cache()
    with QueryCounter() as queries:
        assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    assert len(queries.statements) > 2


def test_etag_changes_when_and_only_when_content_changes(app, client):
    project, tartu, genoa, one, two = _setup()
    etag = client.get("/calendar.ics").headers["ETag"]
    tartu_etag = client.get("/calendar.ics?partner=P4").headers["ETag"]

    # A change nobody can see in the feed (a contact detail) leaves every ETag alone.
    services.clear_cache()
    from app.partners.models import Person

    db.session.add(Person(partner=tartu, name="Someone", email="someone@example.org"))
    db.session.commit()
    assert client.get("/calendar.ics").headers["ETag"] == etag

    # A change to Genoa's event changes the full feed but not Tartu's.
    two.title = "Two, renamed"
    two.revision += 1
    db.session.commit()
    changed = client.get("/calendar.ics")
    assert changed.headers["ETag"] != etag
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/calendar.ics?partner=P4").headers["ETag"] == tartu_etag

    # A session added to an event shows in the feed, so the ETag moves.
    from datetime import UTC, datetime

    from app.events.models import EventSession

    one.sessions.append(
        EventSession(
            title="Welcome",
            starts_at=datetime(2025, 5, 6, 7, tzinfo=UTC),
            ends_at=datetime(2025, 5, 6, 8, tzinfo=UTC),
        )
    )
    db.session.commit()
    assert client.get("/calendar.ics?partner=P4").headers["ETag"] != tartu_etag


def _backdate(one, two) -> None:
    """As if `one` last changed in 2020 and `two`, the latest change, in 2021."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from app.events.models import Event
    from app.feeds.models import FeedState

    for item, year in ((one, 2020), (two, 2021)):
        db.session.execute(
            update(Event)
            .where(Event.id == item.id)
            .values(updated_at=datetime(year, 1, 1, tzinfo=UTC))
        )
    db.session.execute(update(FeedState).values(changed_at=datetime(2021, 1, 1, tzinfo=UTC)))
    db.session.commit()
    db.session.expire_all()


def test_last_modified_never_goes_backwards_also_after_a_deletion(app, client):
    project, tartu, genoa, one, two = _setup()
    _backdate(one, two)
    before = client.get("/calendar.ics")
    assert before.last_modified.year == 2021
    # Deleting the most recently changed event leaves only older rows, yet the date moves on.
    db.session.delete(two)
    db.session.commit()
    after = client.get("/calendar.ics")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.last_modified > before.last_modified
    # A client that revalidates by date only (Apple) gets the new feed.
    response = client.get(
        "/calendar.ics", headers={"If-Modified-Since": before.headers["Last-Modified"]}
    )
    assert response.status_code == 200 and b"Two" not in response.data


def test_an_event_leaving_a_feed_moves_last_modified_on(app, client):
    project, tartu, genoa, one, two = _setup()
    _backdate(one, two)
    before = client.get("/calendar.ics")
    db.session.get(type(two), two.id).is_public = False
    db.session.commit()
    after = client.get("/calendar.ics")
    assert b"Two" not in after.data
    assert after.last_modified > before.last_modified
