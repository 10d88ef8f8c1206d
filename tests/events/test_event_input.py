"""Times that do not exist or happen twice, absurd dates, and text that would break a feed:
refused or asked about at the door (services, forms, CLI), so readers never fail."""

import re
from datetime import UTC, date, datetime

import pytest

from app.errors import DomainError
from app.events import services
from app.events.models import Event
from app.extensions import db
from app.versioning import version_of
from tests import factories
from tests.events.test_event_pages import event_form, sign_in

GAP = "02:30 does not exist in Budapest on 26 March 2023: clocks go from 02:00 to 03:00."


@pytest.fixture
def budapest(app):
    project = factories.project(start_date=date(2022, 8, 1))
    host = factories.partner(project, "P2", "Budapest", "Europe/Budapest", country="HU")
    coordinator = factories.user("coord@example.org", "coordinator", host)
    event = factories.event(
        project, host, datetime(2023, 10, 28, 9), datetime(2023, 10, 29, 17), title="Autumn"
    )
    return {"project": project, "host": host, "coordinator": coordinator, "event": event}


def test_a_time_in_the_spring_gap_is_refused_naming_the_gap(budapest):
    with pytest.raises(DomainError) as refused:
        services.create_event(
            budapest["project"],
            kind="study_visit",
            title="Spring",
            host=budapest["host"],
            start=datetime(2023, 3, 26, 2, 30),
            end=datetime(2023, 3, 26, 4, 0),
            timezone="Europe/Budapest",
        )
    assert refused.value.message == GAP
    assert refused.value.field == "start_time"


def test_sessions_and_postponing_refuse_the_gap_too(budapest):
    event = budapest["event"]
    with pytest.raises(DomainError, match="does not exist in Budapest"):
        services.postpone(event, datetime(2023, 3, 26, 1, 0), datetime(2023, 3, 26, 2, 15))
    spring = factories.event(
        budapest["project"], budapest["host"], date(2023, 3, 26), date(2023, 3, 26)
    )
    with pytest.raises(DomainError, match="clocks go from 02:00 to 03:00"):
        services.add_session(
            spring, title="Night", start=datetime(2023, 3, 26, 2, 5), end=datetime(2023, 3, 26, 4)
        )


def test_the_form_names_the_gap_instead_of_saying_the_end_is_before_the_start(client, budapest):
    sign_in(client, budapest["coordinator"])
    form = event_form(
        host=str(budapest["host"].id),
        start_date="2023-03-26",
        start_time="02:30",
        end_date="2023-03-26",
        end_time="03:15",
    )
    response = client.post("/events/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "02:30 does not exist in Budapest on 26 March 2023" in page
    assert "The end is before the start" not in page
    assert db.session.query(Event).count() == 1


def test_a_time_that_happens_twice_is_asked_about_then_stored_as_chosen(client, budapest):
    sign_in(client, budapest["coordinator"])
    form = event_form(
        title="Night of the clock change",
        host=str(budapest["host"].id),
        start_date="2023-10-29",
        start_time="02:30",
        end_date="2023-10-29",
        end_time="04:00",
        save_anyway="1",  # it overlaps the fixture's event
    )
    asked = client.post("/events/new", data=form)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 400
    assert "02:30 happens twice in Budapest on 29 October 2023" in page
    assert "The earlier (CEST, UTC+2)" in page and "The later (CET, UTC+1)" in page
    assert db.session.query(Event).count() == 1

    saved = client.post("/events/new", data={**form, "fold": "later"})
    assert saved.status_code == 302
    event = db.session.query(Event).filter_by(title="Night of the clock change").one()
    assert event.starts_at == datetime(2023, 10, 29, 1, 30, tzinfo=UTC)  # 02:30 CET
    assert event.ends_at == datetime(2023, 10, 29, 3, 0, tzinfo=UTC)

    # The edit form remembers the choice: saving it unchanged keeps the instant.
    edit = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="later"', edit)
    resaved = client.post(
        f"/events/{event.id}/edit",
        data={**form, "fold": "later", "title": "Renamed", "version": version_of(event)},
    )
    assert resaved.status_code == 302
    db.session.refresh(event)
    assert event.starts_at == datetime(2023, 10, 29, 1, 30, tzinfo=UTC)


def test_a_session_at_a_repeated_time_is_asked_about(client, budapest):
    sign_in(client, budapest["coordinator"])
    event = budapest["event"]
    data = {
        "title": "Night walk",
        "kind": "site_visit",
        "start_date": "2023-10-29",
        "start_time": "02:15",
        "end_time": "02:45",
    }
    asked = client.post(f"/events/{event.id}/sessions", data=data)
    assert asked.status_code == 400
    assert "02:15 happens twice" in asked.get_data(as_text=True)
    saved = client.post(
        f"/events/{event.id}/sessions",
        data={**data, "fold": "earlier", "version": version_of(event)},
    )
    assert saved.status_code == 302
    db.session.refresh(event)
    assert event.sessions[0].starts_at == datetime(2023, 10, 29, 0, 15, tzinfo=UTC)


def test_the_cli_refuses_a_repeated_time_without_fold_and_takes_it_with(runner, budapest):
    args = [
        "events", "add", "--kind", "study_visit", "--title", "Night", "--host", "P2",
        "--start", "2023-10-29 02:30", "--end", "2023-10-29 05:00",
    ]  # fmt: skip
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0
    assert "happens twice in Budapest" in refused.output
    assert "--fold" in refused.output
    ok = runner.invoke(args=[*args, "--fold", "later"])
    assert ok.exit_code == 0, ok.output
    event = db.session.query(Event).filter_by(title="Night").one()
    assert event.starts_at == datetime(2023, 10, 29, 1, 30, tzinfo=UTC)
    gap = runner.invoke(
        args=[*args[:-4], "--start", "2023-03-26 02:30", "--end", "2023-03-26 04:00"]
    )
    assert gap.exit_code != 0 and GAP in gap.output


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(9999, 12, 31), date(9999, 12, 31)),
        (date(1, 1, 1), date(1, 1, 2)),
        (date(1989, 12, 31), date(1990, 1, 1)),
        (date(2100, 12, 31), date(2101, 1, 1)),
        (datetime(9999, 12, 31, 10), datetime(9999, 12, 31, 11)),
    ],
)
def test_dates_outside_1990_to_2100_are_refused(budapest, start, end):
    with pytest.raises(DomainError, match="from 1990 to 2100"):
        factories.event(budapest["project"], budapest["host"], start, end)


def test_the_edges_of_the_range_are_accepted(budapest):
    first = factories.event(
        budapest["project"], budapest["host"], date(1990, 1, 1), date(1990, 1, 1)
    )
    last = factories.event(
        budapest["project"], budapest["host"], date(2100, 12, 31), date(2100, 12, 31)
    )
    assert first.id and last.id


def test_an_event_at_the_range_edge_leaves_every_feed_and_page_readable(client, budapest):
    factories.event(budapest["project"], budapest["host"], date(2100, 12, 31), date(2100, 12, 31))
    for url in ("/calendar.ics", "/events", "/events/calendar?month=2100-12", "/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "fields",
    [
        {"online_url": "https://zoom.us/j/1\r\nATTENDEE:mailto:x@example.org"},
        {"online_url": "https://zoom.us/j/1 2"},
        {"online_url": "zoom.us/j/1"},
    ],
)
def test_meeting_links_that_are_not_one_address_are_refused(budapest, fields):
    with pytest.raises(DomainError) as refused:
        services.update_event(budapest["event"], **fields)
    assert refused.value.field == "online_url"
    with pytest.raises(DomainError):
        services.move_online(budapest["event"], "Zoom", fields["online_url"])


def test_control_characters_leave_titles_and_places(budapest):
    event = factories.event(
        budapest["project"],
        budapest["host"],
        date(2023, 5, 2),
        date(2023, 5, 2),
        title="Visit\r\nX-INJECTED:1\x07",
        location="Town hall\x0b",
        description="Line one\r\nLine two\x1b",
    )
    assert event.title == "Visit  X-INJECTED:1"
    assert event.location == "Town hall"
    assert event.description == "Line one\nLine two"
    services.update_event(event, title="\tNew\x00 title")
    assert event.title == "New  title"
