"""The list screens at scale: a fixed number of queries for 10 rows and for 1,000, pages
of a bounded size, sort and page links that keep the filters, and what a reader hears."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import g

from tests import factories
from tests.lists.rows import add_rows

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


def test_practices_and_people_sort_and_page_the_same_way(world, client):
    add_rows(world, 120)
    page = client.get("/practices?sort=-title&size=25").text
    titles = re.findall(r'<td><a href="/practices/\d+">([^<]+)</a>', page)
    assert len(titles) == 25 and titles == sorted(titles, key=str.lower, reverse=True)
    assert 'aria-sort="descending"' in page and "Page 1 of 4" in page  # 90 public practices
    assert 'href="/practices?sort=-title&amp;size=25&amp;page=2" rel="next"' in page
    assert 'href="/practices.csv?sort=-title"' in page
    owners = client.get("/practices?sort=owner").text
    cities = re.findall(r"</td>\s*<td>(Gävle|Tartu)</td>", owners)
    assert cities == sorted(cities) and len(set(cities)) == 2
    sign_in(client, world["coordinator"])
    people = client.get("/people?sort=name&size=100").text
    names = re.findall(r"<strong>(Person \d+)</strong>", people)
    assert len(names) == 100 and names == sorted(names, key=str.lower)
    assert "Page 1 of 2" in people and 'href="/people.csv?sort=name"' in people
