"""The list screens at scale: a fixed number of queries for 10 rows and for 1,000, pages
of a bounded size, sort and page links that keep the filters, and what a reader hears."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import insert

from app.events.models import Attendance, Event, EventSession, event_participant, session_expert
from app.extensions import db
from app.partners.models import Person
from app.practices.models import GoodPractice, Transfer
from tests import factories

PAGES = (
    "/",
    "/events",
    "/events?when=all&sort=-host&size=100",
    "/events/calendar",
    "/practices",
    "/people",
)


@pytest.fixture
def world(app):
    today = datetime.now(UTC).date()
    # The current semester and the next one hold the generated rows.
    project = factories.project(start_date=date(today.year - 1, 8, 1), years=4)
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    gavle = factories.partner(project, "P3", "Gävle", "Europe/Stockholm", country="SE")
    coordinator = factories.user("coord@example.org", "coordinator", tartu)
    return {"project": project, "tartu": tartu, "gavle": gavle, "coordinator": coordinator}


def sign_in(client, user) -> None:
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


_next_id = iter(range(1, 10**6))


def add_rows(world, count: int) -> None:
    """`count` events around now (every fourth internal, each with a session and its expert,
    a visiting partner and attendance), practices with a transfer, and people: written in
    bulk, as an import would."""
    project, tartu, gavle = world["project"], world["tartu"], world["gavle"]
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    events, participants, sessions, experts, attendance = [], [], [], [], []
    people, practices, transfers = [], [], []
    for _ in range(count):
        n = next(_next_id)
        # Half before now, half after, scattered over some seven months each way (so even
        # the first ten reach into this semester and the next).
        start = now + timedelta(hours=(n * 7919 % 5000 + 3) * (-1) ** n)
        host = tartu if n % 2 else gavle
        events.append(
            dict(
                id=n,
                project_id=project.id,
                kind="study_visit" if n % 3 else "local_event",
                title=f"Generated event {n}",
                description="",
                host_partner_id=host.id,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                timezone=host.timezone,
                all_day=False,
                format="in_person",
                location="City hall",
                online_platform="",
                online_url="",
                status="planned",
                original_all_day=False,
                original_location="",
                is_public=n % 4 != 0,
                revision=1,
                created_at=now,
                updated_at=now,
            )
        )
        other = gavle if host is tartu else tartu
        participants += [
            dict(event_id=n, partner_id=host.id),
            dict(event_id=n, partner_id=other.id),
        ]
        attendance.append(dict(event_id=n, partner_id=other.id, staff_count=2, stakeholder_count=1))
        people.append(dict(id=n, partner_id=host.id, name=f"Person {n}", kind="expert"))
        if True:
            sessions.append(
                dict(
                    id=n,
                    event_id=n,
                    title="Session",
                    kind="seminar",
                    description="",
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                )
            )
            experts.append(dict(session_id=n, person_id=n))
        practices.append(
            dict(
                id=n,
                project_id=project.id,
                owner_partner_id=host.id,
                title=f"Practice {n}",
                is_public=n % 4 != 0,
                created_at=now,
                updated_at=now,
            )
        )
        transfers.append(dict(id=n, practice_id=n, importer_partner_id=other.id, stage="studied"))
    db.session.execute(insert(Person.__table__), people)
    db.session.execute(insert(Event.__table__), events)
    db.session.execute(insert(event_participant), participants)
    db.session.execute(insert(Attendance.__table__), attendance)
    db.session.execute(insert(EventSession.__table__), sessions)
    db.session.execute(insert(session_expert), experts)
    db.session.execute(insert(GoodPractice.__table__), practices)
    db.session.execute(insert(Transfer.__table__), transfers)
    db.session.commit()


def test_list_pages_run_as_many_queries_for_1000_rows_as_for_10(world, client):
    sign_in(client, world["coordinator"])
    add_rows(world, 10)
    few = {url: factories.statements(client, url) for url in PAGES}
    add_rows(world, 990)
    many = {url: factories.statements(client, url) for url in PAGES}
    assert many == few
    # ... and show a bounded number of rows.
    rows = {"event": r"data-event-id=", "table": r"<tr>\s*<td>"}
    for url, kind, most in (
        ("/", "event", 24),
        ("/events", "event", 25),
        ("/practices", "table", 50),
        ("/people", "table", 50),
    ):
        shown = len(re.findall(rows[kind], client.get(url).text))
        assert 0 < shown <= most, (url, shown)


def test_events_sort_page_and_keep_their_filters(world, client):
    add_rows(world, 200)
    sign_in(client, world["coordinator"])
    page = client.get("/events?kind=study_visit&sort=host&size=25").text
    assert 'aria-sort="ascending"' in page
    assert page.count("aria-sort=") == 1
    # The current column's link turns the order; the others keep the filters and the size.
    assert 'href="/events?kind=study_visit&amp;sort=-host&amp;size=25"' not in page  # 25: default
    assert 'href="/events?kind=study_visit&amp;sort=-host"' in page
    assert 'href="/events?kind=study_visit&amp;sort=status"' in page
    nav = re.search(
        r'<nav class="pager" aria-label="Pages of the events list">.*?</nav>', page, re.S
    )
    assert nav and "Page 1 of" in nav.group(0)
    assert 'href="/events?kind=study_visit&amp;sort=host&amp;page=2" rel="next"' in nav.group(0)
    assert 'href="/events?kind=study_visit&amp;sort=host&amp;size=50"' in nav.group(0)
    second = client.get("/events?kind=study_visit&sort=host&page=2").text
    assert "Page 2 of" in second and 'rel="prev"' in second
    hosts = re.findall(r"<td>(Gävle|Tartu)(?:<br>|</td>)", page)
    assert hosts == sorted(hosts) and hosts
    # Past events: the latest first; a page past the last shows the last one.
    past = client.get("/events?when=past").text
    starts = re.findall(r'<time datetime="([^"]+)"', past)
    assert starts == sorted(starts, reverse=True) and starts
    last = client.get("/events?when=all&page=999").text
    assert re.search(r"Page (\d+) of \1", last)


def test_upcoming_events_come_first_and_the_calendar_marks_today(world, client):
    add_rows(world, 40)
    page = client.get("/events").text
    starts = re.findall(r'<time datetime="([^"]+)"', page)
    assert starts == sorted(starts)
    now = datetime.now(UTC)
    assert all(datetime.fromisoformat(s) + timedelta(hours=2) >= now for s in starts)
    calendar = client.get("/events/calendar").text
    assert calendar.count('aria-current="date"') == 1
    assert (
        'class=" today" aria-current="date"' in calendar or 'today" aria-current="date"' in calendar
    )
    other = client.get("/events/calendar?month=2001-01").text
    assert 'aria-current="date"' not in other
