"""History on each object's page for accounts (never for the public), and the
coordinators' whole log with its filters, one page at a time."""

from datetime import UTC, datetime, timedelta

from flask import g
from sqlalchemy import event as sa_event
from sqlalchemy import select, update

from app.activity.models import ActivityEntry
from app.activity.services import PAGE_SIZE
from app.auth.models import User
from app.events import services as events
from app.extensions import db
from app.outcomes import services as outcomes
from app.versioning import version_of
from tests import factories


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def sign_in(client, email: str | None) -> None:
    """Act as this account (None: an anonymous visitor)."""
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        if email:
            factories.signed_in(session, _user(email))


def _visit(world, title="Study visit to Gävle"):
    return factories.event(
        world.project,
        world.gavle,
        datetime(2021, 10, 27, 9),
        datetime(2021, 10, 27, 17),
        title=title,
        participants=[world.tartu],
    )


def _history(page: str) -> str:
    return page.split('id="history"', 1)[1] if 'id="history"' in page else ""


def test_event_page_shows_who_changed_what_to_accounts_only(world, client):
    event = _visit(world)
    sign_in(client, "gavle@example.org")
    form = {
        "kind": "study_visit",
        "title": "Study visit to Gävle's innovation unit",
        "host": str(world.gavle.id),
        "participants": [str(world.tartu.id)],
        "timezone": "",
        "start_date": "2021-10-27",
        "start_time": "09:00",
        "end_date": "2021-10-27",
        "end_time": "17:00",
        "format": "in_person",
        "venue": "0",
        "is_public": "y",
        "save_anyway": "1",
        "version": version_of(event),
    }
    response = client.post(f"/events/{event.id}/edit", data=form)
    assert response.status_code == 302, response.text[:500]
    page = client.get(f"/events/{event.id}").text
    history = _history(page)
    assert "gavle@example.org" in history and "Title" in history
    assert "Study visit to Gävle" in history and "innovation unit" in history
    # Newest first: the edit above the creation.
    assert history.index("changed") < history.index("created")
    sign_in(client, "funder@example.org")
    assert "gavle@example.org" in _history(client.get(f"/events/{event.id}").text)
    sign_in(client, None)
    page = client.get(f"/events/{event.id}").text
    assert "innovation unit" in page  # the public event itself is shown
    assert 'id="history"' not in page and "gavle@example.org" not in page


def test_the_history_reads_codes_as_their_labels(world, client):
    event = _visit(world)
    events.move_online(event, "Zoom", seen_version=version_of(event))
    db.session.commit()
    sign_in(client, "gavle@example.org")
    history = _history(client.get(f"/events/{event.id}").text)
    assert "In person" in history and "Online" in history
    assert "in_person" not in history and "study_visit" not in history


def test_practice_and_action_plan_pages_show_their_history(world, client):
    world.practice.summary = "A unit that tries ideas out with citizens."
    outcomes.add_action_group(world.plan, {"title": "Open data"})
    db.session.commit()
    sign_in(client, "tartu@example.org")
    practice_page = _history(client.get(f"/practices/{world.practice.id}").text)
    assert "Summary" in practice_page and "tries ideas out" in practice_page
    plan_page = _history(client.get("/action-plans/P4").text)
    assert "Open data" in plan_page and "action group" in plan_page
    sign_in(client, None)
    assert 'id="history"' not in client.get(f"/practices/{world.practice.id}").text


def test_times_are_shown_in_the_readers_zone(world, client):
    event = _visit(world)
    sign_in(client, "tartu@example.org")  # Tartu reads in Europe/Tallinn
    history = _history(client.get(f"/events/{event.id}").text)
    # Starts 09:00 in Gävle (CEST), stored 07:00 UTC, read 10:00 in Tallinn (EEST).
    assert "27 Oct 2021, 10:00 EEST (Europe/Tallinn)" in history


def _log(client, **params) -> str:
    return client.get("/activity", query_string=params).text


def test_coordinators_filter_the_log_by_who_what_and_when(world, client):
    gavle, tartu = _user("gavle@example.org"), _user("tartu@example.org")
    sign_in(client, "gavle@example.org")
    client.post(
        "/action-plans/P4/groups", data={"title": "Should be refused"}
    )  # not Gävle's plan: nothing logged
    sign_in(client, "tartu@example.org")
    client.post("/action-plans/P4/groups", data={"title": "Open data"})
    _visit(world, title="Older visit")
    db.session.execute(
        update(ActivityEntry)
        .where(ActivityEntry.label.like("%Older visit%"))
        .values(at=datetime(2021, 1, 5, 12, tzinfo=UTC))
    )
    db.session.commit()

    sign_in(client, "tartu@example.org")
    assert client.get("/activity").status_code == 403
    sign_in(client, "coord@example.org")
    everything = _log(client)
    assert "Open data" in everything and "Older visit" in everything
    assert "Should be refused" not in everything
    by_tartu = _log(client, who=tartu.id)
    assert "Open data" in by_tartu and "Older visit" not in by_tartu
    assert "Open data" not in _log(client, who=gavle.id)
    events_only = _log(client, kind="event")
    assert "Older visit" in events_only and "Open data" not in events_only
    january = _log(client, **{"from": "2021-01-01", "to": "2021-01-31"})
    assert "Older visit" in january and "Open data" not in january
    since = _log(client, **{"from": "2021-02-01"})
    assert "Older visit" not in since and "Open data" in since


def test_the_log_is_paged_and_its_query_count_does_not_grow(world, client):
    sign_in(client, "coord@example.org")

    def count_queries() -> int:
        client.get("/activity")
        statements = []
        listener = lambda *_args: statements.append(1)  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/activity").status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = count_queries()
    for number in range(PAGE_SIZE + 5):
        outcomes.add_action_group(world.plan, {"title": f"Group {number}"})
    db.session.commit()
    assert count_queries() == few
    first = _log(client)
    assert first.count('class="activity-entry') == PAGE_SIZE
    assert "Group 54”" in first and "Group 0”" not in first
    second = _log(client, page=2)
    assert "Group 0”" in second and "Newer" in second
    assert 'rel="next"' in first and 'rel="next"' not in second
    assert client.get("/activity?page=999").status_code == 200


def test_an_old_entry_is_dated_by_when_it_happened(world):
    before = datetime.now(UTC) - timedelta(seconds=5)
    _visit(world)
    entry = db.session.scalar(select(ActivityEntry).order_by(ActivityEntry.id.desc()))
    assert before <= entry.at <= datetime.now(UTC)
