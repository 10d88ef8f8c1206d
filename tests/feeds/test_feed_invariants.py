"""Invariants every feed keeps, whatever happens to its events.

The autouse fixture in tests/conftest.py checks `tests.feeds.invariants` on every feed any
test fetches; here: that check can fail, and one event is put through every kind of change
a screen offers while a subscriber's view of the feed is compared step by step.
"""

from datetime import datetime

import pytest
from flask import g
from icalendar import Calendar
from sqlalchemy import select

from app.events.models import Event, EventSession
from app.extensions import db
from app.versioning import version_of
from tests import factories
from tests.feeds.invariants import feed_problems

FEED_HEAD = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n"
    "BEGIN:VEVENT\r\nUID:event-1@x\r\nDTSTAMP:20250101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20250505\r\nDTEND;VALUE=DATE:20250506\r\nEND:VEVENT\r\n"
)


def _session(uid: str, start: str, end: str, parent: str = "event-1@x") -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20250101T000000Z\r\nRELATED-TO:{parent}\r\n"
        f"DTSTART;TZID=Europe/Tallinn:{start}\r\nDTEND;TZID=Europe/Tallinn:{end}\r\n"
        "END:VEVENT\r\n"
    )


@pytest.mark.parametrize(
    "sessions, broken",
    [
        (_session("session-1@x", "20250505T000000", "20250506T000000"), None),
        (_session("session-1@x", "20250505T233000", "20250506T003000"), "lies outside"),
        (_session("session-1@x", "20250504T230000", "20250505T010000"), "lies outside"),
        (_session("session-1@x", "20250505T100000", "20250505T110000", "event-2@x"), "missing"),
    ],
)
def test_the_invariant_check_can_fail(sessions, broken):
    """All-day event on 5 May in Tallinn: a session is held to its local day, in its zone."""
    problems = feed_problems((FEED_HEAD + sessions + "END:VCALENDAR\r\n").encode())
    if broken is None:
        assert problems == []
    else:
        assert len(problems) == 1 and broken in problems[0]


def _sign_in(client, user) -> None:
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


def _event() -> Event:
    db.session.expire_all()
    return db.session.scalar(select(Event))


def _edit(client, **changes):
    event = _event()
    local_start, local_end = event.local_start, event.local_end
    data = {
        "kind": event.kind,
        "title": event.title,
        "host": str(event.host_partner_id),
        "timezone": event.timezone,
        "start_date": f"{local_start:%Y-%m-%d}",
        "start_time": f"{local_start:%H:%M}",
        "end_date": f"{local_end:%Y-%m-%d}",
        "end_time": f"{local_end:%H:%M}",
        "format": event.format,
        "venue": "0",
        "location": event.location,
        "online_platform": event.online_platform,
        "is_public": "y" if event.is_public else "",
        "version": version_of(event),
        "save_anyway": "Save anyway",
    }
    data.update(changes)
    return client.post(f"/events/{event.id}/edit", data=data)


def _session_form(day: str, start: str, end: str, title: str, of=None) -> dict:
    """A session's form; `of` is the session it edits (else it adds one to the event)."""
    data = {"title": title, "kind": "seminar", "start_date": day}
    return data | {"start_time": start, "end_time": end, "version": version_of(of or _event())}


def _steps(client, terminal: str):
    """(what, response) for each change, in order; the event is fetched afresh each time."""
    yield "title", _edit(client, title="Open data, revised")
    yield "time", _edit(client, start_time="09:00", end_time="18:00")
    url = f"/events/{_event().id}"
    yield (
        "session A",
        client.post(f"{url}/sessions", data=_session_form("2026-03-26", "09:30", "11:00", "A")),
    )
    yield (
        "session B",
        client.post(f"{url}/sessions", data=_session_form("2026-03-27", "14:00", "15:00", "B")),
    )
    first, second = _event().sessions
    yield (
        "edit session A",
        client.post(
            f"{url}/sessions/{first.id}/edit",
            data=_session_form("2026-03-26", "10:00", "11:30", "A2", of=first),
        ),
    )
    yield (
        "remove session B",
        client.post(f"{url}/sessions/{second.id}/delete", data={"version": version_of(second)}),
    )
    yield (
        "postpone",
        client.post(
            f"{url}/postpone",
            data={
                "start_date": "2026-04-02",
                "start_time": "09:00",
                "end_date": "2026-04-03",
                "end_time": "18:00",
                "version": version_of(_event()),
                # 3 April 2026 is Good Friday, a public holiday of the Hungarian host.
                "save_anyway": "Postpone anyway",
            },
        ),
    )
    yield (
        "move online",
        client.post(
            f"{url}/move-online", data={"online_platform": "Zoom", "version": version_of(_event())}
        ),
    )
    yield "internal", _edit(client, is_public="")
    yield "public again", _edit(client, is_public="y")
    yield terminal, client.post(f"{url}/{terminal}", data={"version": version_of(_event())})


@pytest.mark.parametrize("terminal", ["cancel", "held"])
def test_every_change_keeps_the_events_uid_and_never_lowers_a_sequence(app, client, terminal):
    project = factories.project(years=8)
    host = factories.partner(project, "NYI", "Nyíregyháza", "Europe/Budapest", country="HU")
    factories.event(
        project, host, datetime(2026, 3, 26, 10), datetime(2026, 3, 27, 16), title="Open data"
    )
    user = factories.user("coordinator@example.org")
    _sign_in(client, user)
    feeds = [f"/calendar/private/{user.feed_token}.ics", f"/events/{_event().id}.ics"]

    def seen() -> dict[str, int]:
        """UID -> SEQUENCE in each feed (the same in both)."""
        readings = []
        for url in feeds:
            calendar = Calendar.from_ical(client.get(url).data)
            readings.append({str(c["UID"]): int(c["SEQUENCE"]) for c in calendar.walk("VEVENT")})
        assert readings[0] == readings[1]
        return readings[0]

    event_uid = f"event-{_event().id}@127.0.0.1"
    before, revisions = seen(), [_event().revision]
    assert list(before) == [event_uid]
    for what, response in _steps(client, terminal):
        assert response.status_code == 302, (what, response.get_data(as_text=True)[:2000])
        now = seen()
        sessions = {f"session-{i}@127.0.0.1" for i in db.session.scalars(select(EventSession.id))}
        assert set(now) == {event_uid} | sessions, what
        assert set(before) - set(now) <= {u for u in before if u.startswith("session-")}, what
        for uid in set(before) & set(now):
            assert now[uid] > before[uid], (what, uid)  # every one of these changes is seen
        revisions.append(_event().revision)
        before = now
    assert revisions == sorted(set(revisions)), "the revision rose with every change"
    assert _event().status == {"cancel": "cancelled", "held": "held"}[terminal]
