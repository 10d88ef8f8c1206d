"""The API and the calendar feeds say the same thing about every event and session: the
same UIDs, the same instants (UTC), the same zone; all-day events on the same days.

The demo partnership, plus events that make instants hard: an internal event whose
agenda crosses the autumn clock change (a session in the repeated hour, which the feed
writes in UTC), one across the spring change, one in a zone that is not its host's, a
postponed one and a cancelled one. The API is read a page of two at a time (so the
cursor chain is followed); the feed with icalendar (UIDs, TZIDs, days) and with vobject
and ical.js, which apply the feed's own VTIMEZONEs (instants).

Anonymous callers and the public feed; a token and its user's private feed (internal
events included).
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.api.tokens import create_token
from app.events import services
from app.extensions import db
from app.home.queries import the_project
from tests import factories
from tests.feeds.parsers import read_both

PAGE = 2  # events per API page: the cursor chain is followed several times


@pytest.fixture
def programme(demo):
    """The demo, hard cases added, and a partner editor with a read token."""
    project = the_project()
    partners = {p.city: p for p in project.partners}
    tartu, genoa, birmingham = partners["Tartu"], partners["Genoa"], partners["Birmingham"]

    # Internal, its agenda across the autumn change in Tallinn (04:00 EEST -> 03:00 EET on
    # 25 October 2026): the second session starts in the repeated hour, the later one.
    internal = factories.event(
        project,
        tartu,
        datetime(2026, 10, 24, 9),
        datetime(2026, 10, 25, 18),
        kind="meeting",
        title="Steering group",
        is_public=False,
        participants=[genoa],
    )
    services.add_session(
        internal, title="Budget", start=datetime(2026, 10, 24, 9), end=datetime(2026, 10, 24, 12)
    )
    services.add_session(
        internal,
        title="Night tour",
        start=datetime(2026, 10, 25, 3, 30, fold=1),
        end=datetime(2026, 10, 25, 5),
    )
    # Across the spring change in Rome (02:00 CET -> 03:00 CEST on 28 March 2027).
    spring = factories.event(
        project,
        genoa,
        datetime(2027, 3, 27, 14),
        datetime(2027, 3, 28, 16),
        title="Port data workshop",
        participants=[tartu, birmingham],
    )
    services.add_session(
        spring, title="Harbour", start=datetime(2027, 3, 28, 9), end=datetime(2027, 3, 28, 11)
    )
    # Held in Lisbon's zone, hosted by Birmingham.
    factories.event(
        project,
        birmingham,
        datetime(2027, 5, 4, 10),
        datetime(2027, 5, 4, 13),
        timezone="Europe/Lisbon",
        title="Conference side meeting",
    )
    # Three days, all day, postponed by a week; and one cancelled.
    postponed = factories.event(
        project, tartu, date(2027, 6, 7), date(2027, 6, 9), kind="local_event"
    )
    services.postpone(postponed, date(2027, 6, 14), date(2027, 6, 16))
    cancelled = factories.event(
        project, genoa, datetime(2027, 9, 1, 10), datetime(2027, 9, 1, 12), title="Dropped"
    )
    services.cancel(cancelled)
    db.session.commit()

    editor = factories.user("editor@example.org", "partner", tartu)
    _row, raw = create_token(editor, "Calendar check", "read")
    db.session.commit()
    return {
        "internal": internal.id,
        "auth": {"Authorization": f"Bearer {raw}"},
        "private_feed": f"/calendar/private/{editor.feed_token}.ics",
    }


def _api_events(client, headers: dict) -> list[dict]:
    """Every event the caller may read, following the cursor from page to page."""
    events, cursor, pages = [], None, 0
    while True:
        query = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/events", query_string=query, headers=headers)
        assert response.status_code == 200, response.json
        body = response.json
        assert len(body["items"]) <= PAGE
        events.extend(body["items"])
        pages += 1
        cursor = body["paging"]["next_cursor"]
        if cursor is None:
            break
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids)), "an event on two pages"
    assert pages > 3, "too few events to follow the cursor"
    return events


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0, text
    return moment


def _feed_entries(body: bytes) -> dict[str, dict]:
    """Each VEVENT's DTSTART and DTEND as icalendar reads them, with their TZIDs."""
    entries = {}
    for component in Calendar.from_ical(body).walk("VEVENT"):
        uid = str(component["UID"])
        assert uid not in entries, f"{uid} twice in the feed"
        entries[uid] = {
            name: (component[name].dt, component[name].params.get("TZID"))
            for name in ("DTSTART", "DTEND")
        }
    return entries


def _repeated_hour(moment: datetime, zone_name: str) -> bool:
    local = moment.astimezone(ZoneInfo(zone_name))
    return local.utcoffset() != local.replace(fold=1 - local.fold).utcoffset()


def _expected(event: dict) -> dict[str, dict]:
    """What the feed must say of an API event: its entry and its sessions' entries."""
    domain = event["uid"].split("@", 1)[1]
    zone = event["timezone"]
    if event["all_day"]:
        own = {
            "DTSTART": date.fromisoformat(event["local_start"][:10]),
            "DTEND": date.fromisoformat(event["local_end"][:10]),
        }
    else:
        own = {"DTSTART": _utc(event["starts_at"]), "DTEND": _utc(event["ends_at"])}
    expected = {event["uid"]: {"zone": zone, **own}}
    for session in event["sessions"]:
        expected[f"session-{session['id']}@{domain}"] = {
            "zone": zone,
            "DTSTART": _utc(session["starts_at"]),
            "DTEND": _utc(session["ends_at"]),
        }
    return expected


def _disagreements(events: list[dict], body: bytes) -> list[str]:
    expected = {}
    for event in events:
        expected.update(_expected(event))
    by_icalendar = _feed_entries(body)
    by_clients = read_both(body)  # vobject and ical.js, which agree (checked there)
    problems = []
    if set(expected) != set(by_icalendar):
        problems.append(
            f"only in the API: {sorted(set(expected) - set(by_icalendar))}; "
            f"only in the feed: {sorted(set(by_icalendar) - set(expected))}"
        )
    for uid in sorted(set(expected) & set(by_icalendar)):
        want = expected[uid]
        for name, key in (("DTSTART", "start"), ("DTEND", "end")):
            value, tzid = by_icalendar[uid][name]
            read = by_clients[uid][key]
            if isinstance(want[name], date) and not isinstance(want[name], datetime):
                if value != want[name] or read != want[name]:
                    problems.append(f"{uid} {name}: API day {want[name]}, feed {value}/{read}")
                continue
            if not isinstance(value, datetime):
                problems.append(f"{uid} {name}: a day in the feed ({value}), an instant in the API")
                continue
            if value.astimezone(UTC) != want[name] or read != want[name]:
                problems.append(
                    f"{uid} {name}: API {want[name]:%Y-%m-%dT%H:%M}Z, icalendar "
                    f"{value.astimezone(UTC):%Y-%m-%dT%H:%M}Z, clients {read:%Y-%m-%dT%H:%M}Z"
                )
            if tzid != want["zone"]:
                # Only an instant in the repeated hour is written in UTC (without TZID).
                in_utc = tzid is None and value.utcoffset().total_seconds() == 0
                if not (in_utc and _repeated_hour(want[name], want["zone"])):
                    problems.append(f"{uid} {name}: TZID {tzid}, API timezone {want['zone']}")
    return problems


@pytest.mark.parametrize("caller", ["public", "token"])
def test_every_event_and_session_has_the_same_instants_in_the_api_and_the_feed(
    client, programme, caller
):
    if caller == "public":
        headers, feed = {}, "/calendar.ics"
    else:
        headers, feed = programme["auth"], programme["private_feed"]
    events = _api_events(client, headers)
    response = client.get(feed)
    assert response.status_code == 200
    assert (programme["internal"] in {e["id"] for e in events}) == (caller == "token")

    assert _disagreements(events, response.data) == []


def test_the_repeated_hour_is_the_later_one_in_both(client, programme):
    """The session at 03:30 the second time (EET) is 01:30 UTC in the API, and the private
    feed writes it as that instant in UTC."""
    event = client.get(f"/api/v1/events/{programme['internal']}", headers=programme["auth"]).json
    night = next(s for s in event["sessions"] if s["title"] == "Night tour")
    assert night["starts_at"] == "2026-10-25T01:30:00Z"
    assert night["local_start"] == "2026-10-25T03:30:00+02:00"
    entries = _feed_entries(client.get(programme["private_feed"]).data)
    domain = event["uid"].split("@", 1)[1]
    start, tzid = entries[f"session-{night['id']}@{domain}"]["DTSTART"]
    assert (start, tzid) == (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), None)
