"""Every client reads the same instant: vobject, ical.js and libical, each applying the feed's own
VTIMEZONEs, agree with zoneinfo for the five partners' zones, in winter and summer and
around the daylight-saving changes, over several years."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.feeds.vtimezone import build_vtimezone
from tests import factories
from tests.feeds.parsers import (
    read_all,
    read_with_icaljs,
    read_with_libical,
    read_with_vobject,
)

PARTNER_ZONES = [
    ("P1", "Genoa", "Europe/Rome"),
    ("P2", "Birmingham", "Europe/London"),
    ("P3", "Gävle", "Europe/Stockholm"),
    ("P4", "Tartu", "Europe/Tallinn"),
    ("NYI", "Nyíregyháza", "Europe/Budapest"),
]
YEARS = (2020, 2022, 2025)


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _moments(year: int) -> list[datetime]:
    """Local wall-clock starts: winter, summer, and the days either side of each change."""
    spring, autumn = _last_sunday(year, 3), _last_sunday(year, 10)
    days = [
        date(year, 1, 15),
        date(year, 7, 15),
        spring - timedelta(days=1),
        spring + timedelta(days=1),
        autumn - timedelta(days=1),
        autumn + timedelta(days=1),
    ]
    return [datetime(d.year, d.month, d.day, 10, 30) for d in days]


def _repeated_hour(year: int, zone_name: str) -> list[datetime]:
    """The :30 of the autumn hour that happens twice, as its first and its second occurrence
    (the zone's own wall-clock hour: 02:30 in Budapest, 01:30 in London)."""
    tz, day = ZoneInfo(zone_name), _last_sunday(year, 10)
    for hour in range(24):
        wall = datetime(year, 10, day.day, hour, 30)
        if wall.replace(tzinfo=tz).utcoffset() != wall.replace(fold=1, tzinfo=tz).utcoffset():
            return [wall, wall.replace(fold=1)]
    raise AssertionError(f"no repeated hour in {zone_name} in {year}")


def test_five_partner_zones_read_alike_across_daylight_saving_changes(app, client):
    project = factories.project()
    expected = {}
    for code, city, zone_name in PARTNER_ZONES:
        host = factories.partner(project, code, city=city, zone=zone_name)
        for year in YEARS:
            for wall in _moments(year):
                event = factories.event(
                    project, host, wall, wall + timedelta(hours=2), title=f"{city} {wall}"
                )
                start = wall.replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC)
                expected[f"event-{event.id}@127.0.0.1"] = (start, start + timedelta(hours=2))
            # An hour long from either occurrence of the repeated hour: written in UTC.
            for wall in _repeated_hour(year, zone_name):
                start = wall.replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC)
                end = (start + timedelta(hours=1)).astimezone(ZoneInfo(zone_name))
                event = factories.event(
                    project, host, wall, end.replace(tzinfo=None), title=f"{city} {wall}"
                )
                expected[f"event-{event.id}@127.0.0.1"] = (start, start + timedelta(hours=1))

    body = client.get("/calendar.ics").data
    entries = read_all(body)  # also: both parsers agree, every TZID is defined

    read = {uid: (entry["start"], entry["end"]) for uid, entry in entries.items()}
    assert read == expected
    # Sanity of the expectations themselves: summer and winter differ by the DST hour.
    assert len(expected) == len(PARTNER_ZONES) * len(YEARS) * 8
    text = body.decode()
    for _, _, zone_name in PARTNER_ZONES:
        assert f"TZID:{zone_name}\r\n" in text


@pytest.mark.parametrize("fold", [0, 1])
def test_a_time_in_the_repeated_autumn_hour_is_written_in_utc(app, client, fold):
    """02:30 on 29 Oct 2023 in Budapest happens twice; with its TZID, vobject would read the
    first and ical.js and libical the second. In UTC all three read the stored instant."""
    project = factories.project()
    host = factories.partner(project, "NYI", "Nyíregyháza", "Europe/Budapest", country="HU")
    wall = datetime(2023, 10, 29, 2, 30, fold=fold)
    event = factories.event(project, host, wall, datetime(2023, 10, 29, 4, 0))
    start = datetime(2023, 10, 29, 0 + fold, 30, tzinfo=UTC)
    assert event.starts_at == start
    body = client.get("/calendar.ics").data
    assert f"DTSTART:20231029T0{fold}3000Z\r\n".encode() in body
    assert b"DTEND;TZID=Europe/Budapest:20231029T040000\r\n" in body
    entry = read_all(body)[f"event-{event.id}@127.0.0.1"]
    assert (entry["start"], entry["end"]) == (start, datetime(2023, 10, 29, 3, tzinfo=UTC))
    # What the TZID form would have made of it: libical reads the second occurrence.
    with_tzid = body.replace(
        f"DTSTART:20231029T0{fold}3000Z".encode(),
        b"DTSTART;TZID=Europe/Budapest:20231029T023000",
    )
    misread = read_with_libical(with_tzid)["entries"][f"event-{event.id}@127.0.0.1"]["start"]
    assert misread == datetime(2023, 10, 29, 1, 30, tzinfo=UTC)


def test_each_partner_zone_is_one_standard_and_one_daylight_block_with_yearly_rules():
    for _, _, zone_name in PARTNER_ZONES:
        component = build_vtimezone(zone_name, 2019, 2026)
        kinds = [sub.name for sub in component.subcomponents]
        assert sorted(kinds) == ["DAYLIGHT", "STANDARD"], zone_name
        for block in component.subcomponents:
            month = 3 if block.name == "DAYLIGHT" else 10
            assert block["RRULE"].to_ical() == f"FREQ=YEARLY;BYDAY=-1SU;BYMONTH={month}".encode()
            assert "RDATE" not in block
        assert b"RDATE" not in component.to_ical()


def test_demo_thematic_event_3_sessions_are_0830_to_1000_utc_in_both_parsers(demo, client):
    body = client.get("/calendar.ics").data
    entries = read_all(body)
    thematic = {
        uid: (entry["start"], entry["end"])
        for uid, entry in entries.items()
        if entry["summary"].startswith("Thematic event #3")
    }
    sessions = sorted(span for uid, span in thematic.items() if uid.startswith("session-"))
    assert sessions == [
        (datetime(2020, 6, day, 8, 30, tzinfo=UTC), datetime(2020, 6, day, 10, 0, tzinfo=UTC))
        for day in (16, 17, 18)
    ]
    # The event's own entry spans them all.
    (event_span,) = (span for uid, span in thematic.items() if uid.startswith("event-"))
    assert event_span[0] <= sessions[0][0] and sessions[-1][1] <= event_span[1]
    # All-day study visits are dates, the day after the last day as the end.
    visit = next(
        e for e in entries.values() if e["summary"].startswith("Study visit: Digital services")
    )
    assert (visit["start"], visit["end"]) == (date(2021, 7, 17), date(2021, 7, 18))


def test_all_day_event_spans_local_dates_whatever_the_zone(app, client):
    project = factories.project()
    tartu = factories.partner(project, "P4", zone="Europe/Tallinn")
    event = factories.event(project, tartu, date(2025, 3, 29), date(2025, 3, 31))
    entries = read_all(client.get("/calendar.ics").data)
    entry = entries[f"event-{event.id}@127.0.0.1"]
    assert (entry["start"], entry["end"]) == (date(2025, 3, 29), date(2025, 4, 1))


@pytest.mark.parametrize(
    "zone_name, walls",
    [
        # No daylight saving: one STANDARD block with the fixed offset.
        ("Asia/Tokyo", [datetime(2020, 1, 15, 10), datetime(2025, 7, 15, 10)]),
        # Other yearly rules than the EU's.
        ("America/New_York", [datetime(2022, 3, 14, 10), datetime(2022, 11, 7, 10)]),
        # Rules that changed within the years covered (summer time until 2010, permanent
        # +04 from 2011, +03 from late 2014): stretches with UNTIL and one-off blocks.
        (
            "Europe/Moscow",
            [datetime(2010, 1, 15, 10), datetime(2010, 7, 15, 10), datetime(2012, 7, 15, 10)]
            + [datetime(2013, 1, 15, 10), datetime(2015, 7, 15, 10)],
        ),
    ],
)
def test_other_zones_fall_back_sensibly(app, client, zone_name, walls):
    project = factories.project()
    host = factories.partner(project, "X1", zone=zone_name)
    expected = {}
    for wall in walls:
        event = factories.event(project, host, wall, wall + timedelta(hours=1))
        start = wall.replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC)
        expected[f"event-{event.id}@127.0.0.1"] = (start, start + timedelta(hours=1))
    body = client.get("/calendar.ics").data
    entries = read_all(body)
    assert {uid: (e["start"], e["end"]) for uid, e in entries.items()} == expected


def _first_session_uid(body: bytes) -> str:
    calendar = Calendar.from_ical(body)
    return next(str(c["UID"]) for c in calendar.walk("VEVENT") if "Seminar 1" in c["SUMMARY"])


def test_the_parsers_apply_the_feeds_own_vtimezone(demo, client):
    """The harness can fail: a wrong VTIMEZONE moves the instants in both parsers, and an
    undefined TZID is caught even though vobject would silently look it up itself."""
    body = client.get("/calendar.ics").data
    uid = _first_session_uid(body)
    wrong = body.replace(b"TZOFFSETTO:+0100", b"TZOFFSETTO:+0500")
    for reader in (read_with_vobject, read_with_icaljs, read_with_libical):
        entry = reader(wrong)["entries"][uid]
        assert entry["start"] == datetime(2020, 6, 16, 4, 30, tzinfo=UTC)
    undefined = body.replace(b"TZID:Europe/London", b"TZID:Europe/Elsewhere")
    with pytest.raises(AssertionError, match="TZIDs used without a VTIMEZONE|floating"):
        read_all(undefined)


def test_icalendars_own_rdate_timezones_would_be_misread(demo, client):
    """Why the feed builds its own VTIMEZONEs: icalendar's RDATE lists lose transitions."""
    body = client.get("/calendar.ics").data
    uid = _first_session_uid(body)
    calendar = Calendar.from_ical(body)
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
    calendar.add_missing_timezones(first_date=date(2019, 1, 1))
    event = next(c for c in calendar.walk("VEVENT") if c["UID"] == uid)
    event["DTSTART"].dt = datetime(2025, 6, 16, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    body = calendar.to_ical()
    assert b"RDATE" in body
    misread = read_with_icaljs(body)["entries"][uid]["start"]
    assert misread != datetime(2025, 6, 16, 8, 30, tzinfo=UTC)


def test_every_demo_feed_reads_alike_in_both_parsers(demo, client):
    from sqlalchemy import select

    from app.events.models import Event
    from app.extensions import db

    user = factories.user("coordinator@example.org")
    urls = ["/calendar.ics", f"/calendar/private/{user.feed_token}.ics"]
    urls += [f"/calendar.ics?partner={code}" for code in ("GEN", "P2", "P3", "P4", "NYI")]
    urls += [f"/events/{event_id}.ics" for event_id in db.session.scalars(select(Event.id))]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert read_all(response.data), url
