"""Property: whatever the services accept, every page, feed and the report still answer.

Hypothesis generates events (kinds, titles with control characters and any unicode, very
long text, dates at the edges of the accepted years and across clock changes, all-day or
timed, several zones, both occurrences of a repeated hour), their sessions, postponements
and links, and puts them through the services. A service may refuse with DomainError;
what it accepts must leave the home page, the list, the month calendar, the event page,
the dashboard, the public, per-event and private feeds and the semester report readable.
Fixed seed and a small budget, so CI runs the same examples quickly on both backends.
"""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note
from hypothesis import strategies as st
from icalendar import Calendar

from app.enums import EventFormat, EventKind, EventStatus, SessionKind
from app.errors import DomainError, UnknownPeriod
from app.events import services
from app.events.models import Event
from app.extensions import db
from app.reports.render import report_html
from app.reports.services import ReportUnavailable, build_report
from app.timezones import in_zone
from tests import factories
from tests.conftest import _empty_tables

ZONES = [
    "Europe/Budapest",
    "Europe/Tallinn",
    "America/New_York",
    "Australia/Lord_Howe",  # half-hour clock changes
    "Pacific/Apia",  # skipped a whole day in 2011
    "Asia/Kolkata",
    "UTC",
]
EDGE_DAYS = [
    date(2023, 3, 26),  # spring forward in Europe
    date(2023, 10, 29),  # autumn back in Europe
    date(2023, 3, 12),  # and in New York
    date(2023, 11, 5),
    date(2023, 10, 1),  # Lord Howe
    date(2011, 12, 29),  # Samoa, the day before the skipped one
    date(1990, 1, 1),
    date(2100, 12, 31),
    date(1989, 12, 31),  # just outside the accepted years
    date(2101, 1, 1),
]
EDGE_TIMES = [time(0, 0), time(1, 59), time(2, 0), time(2, 30), time(3, 0), time(23, 59)]

# Text as people paste it: any unicode, control characters, line breaks, very long.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0xA0), max_size=30),
    st.sampled_from(
        [
            "Visit\r\nDTSTART:19700101T000000Z",
            "Zoom\x00call",
            "\u202etxet\u2028line\u2029para",
            "<script>alert(1)</script> & ; , \\ :",
            "Ünïcödé 🧪 ẞ 中文 עברית",
            "x" * 250,
            "",
        ]
    ),
)
titles = st.one_of(nasty_text.map(lambda text: "Visit " + text), nasty_text)
# Mostly addresses the services take, so most examples get as far as the readers.
urls = st.one_of(
    st.just(""),
    st.just("https://meet.example.org/room?id=1;x=2,3"),
    st.just("http://[::1]:8080/ünïcode/%00"),
    st.sampled_from(
        [
            "https://zoom.us/j/123?pwd=a;b,c",
            "https://x.org/a\r\nATTENDEE:mailto:a@b.c",
            "https://x.org/a b",
            "javascript:alert(1)",
            "https://" + "x" * 600 + ".org",
        ]
    ),
)
days = st.one_of(st.sampled_from(EDGE_DAYS), st.dates(date(1985, 1, 1), date(2105, 12, 31)))
times = st.one_of(st.sampled_from(EDGE_TIMES), st.times().map(lambda t: t.replace(second=0)))

sessions = st.lists(
    st.fixed_dictionaries(
        {
            "title": titles,
            "kind": st.sampled_from([k.value for k in SessionKind]),
            "day": st.integers(0, 2),
            "start": times,
            "minutes": st.integers(-30, 24 * 60),
            "fold": st.integers(0, 1),
            "description": nasty_text,
        }
    ),
    max_size=3,
)
events = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([k.value for k in EventKind]),
        "title": titles,
        "description": nasty_text,
        "location": nasty_text,
        "online_url": urls,
        "format": st.sampled_from([f.value for f in EventFormat]),
        "zone": st.sampled_from(ZONES),
        "first": days,
        "days": st.integers(0, 3),
        "all_day": st.booleans(),
        "start": times,
        "minutes": st.one_of(st.integers(-60, 3 * 24 * 60), st.sampled_from([30, 60, 90])),
        "fold": st.integers(0, 1),
        "public": st.booleans(),
        "sessions": sessions,
        "then": st.sampled_from(["nothing", "postpone", "online", "cancel", "rename"]),
    }
)


def _create(project, host, spec: dict) -> Event | None:
    first, last = spec["first"], spec["first"] + timedelta(days=spec["days"])
    if spec["all_day"]:
        start, end = first, last
    else:
        start = datetime.combine(first, spec["start"]).replace(fold=spec["fold"])
        end = start + timedelta(days=spec["days"], minutes=spec["minutes"])
    try:
        event = services.create_event(
            project,
            kind=spec["kind"],
            title=spec["title"],
            host=host,
            start=start,
            end=end,
            timezone=spec["zone"],
            description=spec["description"],
            location=spec["location"],
            online_url=spec["online_url"],
            format=spec["format"],
            is_public=spec["public"],
        )
        db.session.commit()
    except DomainError as refused:
        db.session.rollback()
        note(f"refused: {refused.field}")  # shown by --hypothesis-show-statistics
        return None
    note("stored")
    for item in spec["sessions"]:
        day = event.local_start.date() + timedelta(days=item["day"])
        begin = datetime.combine(day, item["start"]).replace(fold=item["fold"])
        _try(
            services.add_session,
            event,
            title=item["title"],
            kind=item["kind"],
            description=item["description"],
            start=begin,
            end=begin + timedelta(minutes=item["minutes"]),
        )
    then = spec["then"]
    if then == "postpone":
        later = event.local_start.replace(tzinfo=None) + timedelta(days=30)
        length = event.ends_at - event.starts_at
        if event.all_day:
            _try(services.postpone, event, later.date(), (later + length).date() - timedelta(1))
        else:
            _try(services.postpone, event, later, later + length)
    elif then == "online":
        _try(services.move_online, event, spec["location"], spec["online_url"])
    elif then == "cancel":
        _try(services.cancel, event)
    elif then == "rename":
        _try(services.update_event, event, title=spec["description"])
    return event


def _try(change, *args, **kwargs) -> None:
    try:
        change(*args, **kwargs)
        db.session.commit()
    except DomainError:
        db.session.rollback()


def _sign_in(client, user) -> None:
    from flask import g

    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


def _assert_readers_answer(client, project, coordinator, event: Event | None) -> None:
    urls = ["/", "/events", "/events/calendar", "/dashboard", "/calendar.ics"]
    urls.append(f"/calendar/private/{coordinator.feed_token}.ics")
    if event is not None:
        local = in_zone(event.starts_at, event.timezone)
        urls += [
            f"/events/{event.id}",
            f"/events/{event.id}.ics",
            f"/events/calendar?month={local:%Y-%m}",
        ]
    for url in urls:
        db.session.expire_all()
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[-600:])
        if url.endswith(".ics"):
            Calendar.from_ical(response.data)  # a calendar a client can read
    if event is None:
        return
    try:
        number = project.period_for(in_zone(event.starts_at, event.timezone).date()).number
        report = build_report(project, number)
    except (UnknownPeriod, ReportUnavailable):
        return
    assert "<html" in report_html(report)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_whatever_the_services_accept_every_reader_can_show(app, client):
    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(spec=events)
    def every_reader_answers(spec):
        _empty_tables()
        project = factories.project(start_date=date(2022, 8, 1))
        host = factories.partner(project, "P2", "Budapest", "Europe/Budapest", country="HU")
        coordinator = factories.user("coord@example.org", "coordinator", host)
        _sign_in(client, coordinator)
        event = _create(project, host, spec)
        _assert_readers_answer(client, project, coordinator, event)

    every_reader_answers()


def test_the_nastiest_accepted_event_still_makes_a_pdf_report(app, client):
    """One PDF (the slow part) for an event with everything awkward the services accept."""
    project = factories.project(start_date=date(2022, 8, 1))
    host = factories.partner(project, "P2", "Budapest", "Europe/Budapest", country="HU")
    coordinator = factories.user("coord@example.org", "coordinator", host)
    event = services.create_event(
        project,
        kind=EventKind.STUDY_VISIT.value,
        title="Visit\r\n\x07<b>Ünïcödé</b> 🧪 & ; , \\ : \u202e" + "x" * 150,
        host=host,
        start=datetime(2023, 10, 29, 2, 30, fold=1),
        end=datetime(2023, 10, 29, 4, 0),
        timezone="Europe/Budapest",
        description="Line one\r\nLine two\x1b[31m",
        status=EventStatus.PLANNED.value,
    )
    db.session.commit()
    services.add_session(
        event,
        title="Night\x00walk",
        start=datetime(2023, 10, 29, 2, 45, fold=1),
        end=datetime(2023, 10, 29, 3, 30),
    )
    event.status = EventStatus.HELD.value
    db.session.commit()
    _sign_in(client, coordinator)
    number = project.period_for(date(2023, 10, 29)).number
    response = client.get(f"/reports/semester/{number}.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
