"""Meeting links are for participants: no public page or feed gives them away.

A link in the public feed or on a public page invites strangers into partners' meetings.
The public sees that there is a link ("Online — link for participants"); signed-in
readers, the per-event feed when signed in and private feeds get the link itself.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from io import BytesIO

import pytest
import vobject
from flask import g
from icalendar import Calendar
from openpyxl import load_workbook

from app.events.models import LINK_FOR_PARTICIPANTS, EventSession
from app.extensions import db
from app.feeds import services as feeds
from app.practices.models import GoodPractice, PracticeEvent
from app.timezones import local_to_utc
from tests import factories
from tests.feeds.parsers import read_both
from tests.test_roles_by_route import ANON, ROUTES

ONLINE_URL = "https://meet.example.org/j/online-9137?pwd=Secret1"
HYBRID_URL = "https://meet.example.org/j/hybrid-4402?pwd=Secret2"
SECRET_PARTS = ("meet.example.org", "online-9137", "hybrid-4402", "pwd=Secret")
ZONE = "Europe/Tallinn"


@dataclass
class Meetings:
    online: object
    hybrid: object
    session: object
    practice: object
    reader: object  # a partner editor, whose private feed it is


@pytest.fixture
def meetings(app) -> Meetings:
    project = factories.project(acronym="DEMO", years=8)
    tartu = factories.partner(project, "P4", city="Tartu", zone=ZONE)
    genoa = factories.partner(project, "P1", city="Genoa", zone="Europe/Rome", country="IT")
    online = factories.event(
        project,
        tartu,
        datetime(2026, 3, 10, 10, 0),
        datetime(2026, 3, 10, 16, 0),
        title="Online seminar",
        kind="thematic_event",
        participants=[genoa],
        format="online",
        online_platform="Zoom",
        online_url=ONLINE_URL,
    )
    hybrid = factories.event(
        project,
        tartu,
        datetime(2026, 3, 12, 10, 0),
        datetime(2026, 3, 12, 16, 0),
        title="Hybrid visit",
        participants=[genoa],
        format="hybrid",
        location="Tartu City Hall",
        online_platform="Teams",
        online_url=HYBRID_URL,
    )
    session = EventSession(
        event=online,
        title="Morning session",
        starts_at=local_to_utc(datetime(2026, 3, 10, 10, 0), ZONE),
        ends_at=local_to_utc(datetime(2026, 3, 10, 12, 0), ZONE),
    )
    practice = GoodPractice(project=project, owner=tartu, title="Citizen folder", theme="Data")
    db.session.add_all([session, practice])
    db.session.add_all(
        [
            PracticeEvent(practice=practice, event=online, role="presented"),
            PracticeEvent(practice=practice, event=hybrid, role="studied"),
        ]
    )
    db.session.commit()
    reader = factories.user("tartu@example.org", role="partner", partner=tartu)
    return Meetings(online, hybrid, session, practice, reader)


def _readable(response) -> str:
    """A page's text; a workbook's every cell, sheet by sheet."""
    if not response.mimetype.endswith("spreadsheetml.sheet"):
        return response.get_data(as_text=True)
    book = load_workbook(BytesIO(response.data))
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _leaks(text: str) -> list[str]:
    return [part for part in SECRET_PARTS if part in text]


def _unfolded(body: bytes) -> str:
    """The feed's text with iCal line folding undone, so a folded link is still found."""
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def _every_value(body: bytes) -> dict[str, list[str]]:
    """Per entry UID, every property value and parameter as vobject reads them."""
    calendar = vobject.readOne(body.decode("utf-8"))
    values: dict[str, list[str]] = {}
    for vevent in calendar.vevent_list:
        texts = []
        for lines in vevent.contents.values():
            for line in lines:
                texts.append(f"{line.name}:{line.value}")
                texts.extend(f"{line.name};{k}={v}" for k, v in line.params.items())
        values[vevent.uid.value] = texts
    return values


def _entries(body: bytes) -> dict:
    """Entries as icalendar reads them, by UID."""
    return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def _uids(meetings: Meetings) -> dict[str, str]:
    return {
        "online": f"event-{meetings.online.id}@127.0.0.1",
        "hybrid": f"event-{meetings.hybrid.id}@127.0.0.1",
        "session": f"session-{meetings.session.id}@127.0.0.1",
    }


def _assert_public_feed(body: bytes, meetings: Meetings, expected: set[str]) -> None:
    """No link anywhere; each online entry says a link exists for participants."""
    assert _leaks(_unfolded(body)) == []
    values = _every_value(body)
    uids = {uid for name, uid in _uids(meetings).items() if name in expected}
    assert uids <= set(values), "an entry is missing from the feed"
    for uid, texts in values.items():
        assert _leaks("\n".join(texts)) == [], (uid, texts)
    entries = _entries(body)
    for uid in uids:
        assert "CONFERENCE" not in entries[uid]
        assert LINK_FOR_PARTICIPANTS in str(entries[uid]["DESCRIPTION"])
        assert not _leaks(str(entries[uid]["URL"])) and not _leaks(str(entries[uid]["LOCATION"]))
    read_both(body)  # vobject and ical.js still read it, and agree


def _assert_link_for_participants(body: bytes, meetings: Meetings, names: set[str]) -> None:
    entries = _entries(body)
    uids = _uids(meetings)
    links = {"online": ONLINE_URL, "hybrid": HYBRID_URL, "session": ONLINE_URL}
    for name in names:
        entry = entries[uids[name]]
        assert str(entry["CONFERENCE"]) == links[name], name
        assert f"Online link: {links[name]}" in str(entry["DESCRIPTION"]), name
        assert LINK_FOR_PARTICIPANTS not in str(entry["DESCRIPTION"])


@pytest.mark.parametrize(
    "url",
    ["/calendar.ics", "/calendar.ics?partner=P4", "/calendar.ics?kind=thematic_event"],
)
def test_public_feed_never_carries_a_meeting_link(meetings, client, url):
    response = client.get(url)
    assert response.status_code == 200
    expected = {"online", "session"} if "kind" in url else {"online", "hybrid", "session"}
    _assert_public_feed(response.data, meetings, expected)


def test_public_feed_stays_without_links_for_a_signed_in_browser(meetings, client):
    """The public feed is one document for everyone: signing in does not change it."""
    factories.sign_in(client, "tartu@example.org")
    _assert_public_feed(client.get("/calendar.ics").data, meetings, {"online", "hybrid"})


@pytest.mark.parametrize("which", ["online", "hybrid"])
def test_per_event_feed_has_the_link_only_when_signed_in(meetings, client, which):
    event = getattr(meetings, which)
    url = f"/events/{event.id}.ics"
    anonymous = client.get(url)
    assert anonymous.status_code == 200
    expected = {which, "session"} if which == "online" else {which}
    _assert_public_feed(anonymous.data, meetings, expected)

    factories.sign_in(client, "tartu@example.org")
    signed_in = client.get(url)
    _assert_link_for_participants(signed_in.data, meetings, expected)
    assert "private" in signed_in.headers["Cache-Control"]
    assert "Cookie" in signed_in.headers.get("Vary", "")


def test_private_feed_has_the_links(meetings, client):
    body = client.get(f"/calendar/private/{meetings.reader.feed_token}.ics").data
    _assert_link_for_participants(body, meetings, {"online", "hybrid", "session"})


def test_no_cached_body_with_the_link_reaches_an_anonymous_reader(meetings, app):
    """Feeds are cached by the app: a participant's variant must never be served (or
    confirmed with a 304) to an anonymous request that comes after it."""
    event_url = f"/events/{meetings.online.id}.ics"
    participant = app.test_client()
    factories.sign_in(participant, "tartu@example.org")
    with_link = participant.get(event_url)
    _assert_link_for_participants(with_link.data, meetings, {"online", "session"})
    private = participant.get(f"/calendar/private/{meetings.reader.feed_token}.ics")
    _assert_link_for_participants(private.data, meetings, {"online", "hybrid"})

    stranger = app.test_client()
    # The tests share one app context, where Flask-Login keeps the last request's user.
    g.pop("_login_user", None)
    _assert_public_feed(stranger.get(event_url).data, meetings, {"online", "session"})
    _assert_public_feed(stranger.get("/calendar.ics").data, meetings, {"online", "hybrid"})
    # Replaying the participant's validators does not confirm their copy as current.
    replay = stranger.get(event_url, headers={"If-None-Match": with_link.headers["ETag"]})
    assert replay.status_code == 200
    _assert_public_feed(replay.data, meetings, {"online"})
    replay = stranger.get("/calendar.ics", headers={"If-None-Match": private.headers["ETag"]})
    assert replay.status_code == 200
    _assert_public_feed(replay.data, meetings, {"online", "hybrid"})


def test_the_feed_cache_keeps_feeds_with_and_without_links_apart(meetings):
    """Two feeds alike but for the meeting links are two cached bodies and two ETags."""
    public = feeds.public_feed(meetings.online.project, None, None)
    participants = replace(public, meeting_links=True)
    with_links = feeds.feed_for(participants)
    _assert_link_for_participants(with_links.body, meetings, {"online", "hybrid"})
    without = feeds.feed_for(public, client_has=lambda etag, _: etag == with_links.etag)
    assert without.body is not None and without.etag != with_links.etag
    _assert_public_feed(without.body, meetings, {"online", "hybrid", "session"})


# Every page the public may open: endpoint, address, what it must show (so that finding
# no link there means something).
PUBLIC_PAGES = [
    ("home.index", "/", ()),  # this semester and the next: the March 2026 events are links away
    ("events.list_events", "/events?when=all", ("online", "hybrid")),
    ("events.events_csv", "/events.csv?when=all", ("online", "hybrid")),
    ("events.events_xlsx", "/events.xlsx?when=all", ("online", "hybrid", "session")),
    ("practices.practices_csv", "/practices.csv", ("practice",)),
    ("practices.practices_xlsx", "/practices.xlsx", ("practice",)),
    ("events.calendar", "/events/calendar?month=2026-03", ("online", "hybrid")),
    ("events.detail", "/events/{online}", ("online", "session")),
    ("events.detail", "/events/{hybrid}", ("hybrid",)),
    ("practices.list", "/practices", ("practice",)),
    ("practices.detail", "/practices/{practice}", ("online", "hybrid")),
    ("search.results", "/search?q=tartu", ("online", "hybrid", "practice")),
    ("planner.semester", "/planner?semester=14", ("online", "hybrid")),  # Feb–Jul 2026
    ("holidays.partner_holidays", "/partners/P4/holidays", ()),
    # The JSON API read anonymously: its online_url is null for the public.
    ("api.events", "/api/v1/events", ("online", "hybrid", "session")),
    ("api.event", "/api/v1/events/{online}", ("online", "session")),
    ("api.practices", "/api/v1/practices", ("practice",)),
    ("api.transfers", "/api/v1/transfers", ()),
    ("api.partners", "/api/v1/partners", ()),
    ("api.semesters", "/api/v1/semesters", ()),
]
# The unsubscribe page, opened by its signed token, names no event: nothing to leak.
NOT_PAGES = {"auth.login", "feeds.public_calendar", "feeds.event_calendar", "mail.unsubscribe"}
# The API's document and its docs page describe operations, not events.
NOT_PAGES |= {"api.openapi", "api.docs"}
PRIVATE_FEED = {"feeds.private_calendar"}  # its token is the participant's key


def test_every_public_page_is_checked():
    """Each GET route the roles-by-route table opens to the public is in PUBLIC_PAGES."""
    public = {r.endpoint for r in ROUTES if r.method == "GET" and ANON in r.allowed}
    assert public - NOT_PAGES - PRIVATE_FEED <= {endpoint for endpoint, _, _ in PUBLIC_PAGES}


def test_public_pages_say_a_link_exists_but_never_show_it(meetings, client):
    ids = {"online": meetings.online.id, "hybrid": meetings.hybrid.id}
    ids["practice"] = meetings.practice.id
    titles = {
        "online": meetings.online.title,
        "hybrid": meetings.hybrid.title,
        "session": meetings.session.title,
        "practice": meetings.practice.title,
    }
    for endpoint, address, shows in PUBLIC_PAGES:
        url = address.format(**ids)
        response = client.get(url)
        assert response.status_code == 200, url
        page = _readable(response)
        assert _leaks(page) == [], url
        for name in shows:
            assert titles[name] in page, (url, name)
        if endpoint == "events.detail":
            assert LINK_FOR_PARTICIPANTS in page, url


@pytest.mark.parametrize("email, role", [("tartu@example.org", None), ("f@example.org", "funder")])
def test_signed_in_event_page_shows_the_link(meetings, client, email, role):
    if role:
        factories.user(email, role=role)
    factories.sign_in(client, email)
    for event, link in ((meetings.online, ONLINE_URL), (meetings.hybrid, HYBRID_URL)):
        page = client.get(f"/events/{event.id}").get_data(as_text=True)
        assert f'href="{link.replace("&", "&amp;")}"' in page
        assert LINK_FOR_PARTICIPANTS not in page
