"""Planning an import: each entry of a real export read right, every problem named, nothing
guessed and nothing written; applying a plan through the events services."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.calendar_import.services import (
    CREATE,
    PROBLEM,
    UNCHANGED,
    UPDATE,
    apply_import,
    plan_import,
)
from app.errors import DomainError
from app.events.models import Event
from app.events.services import create_event, mark_held
from app.extensions import db
from app.mail.models import OutboxMessage
from tests.calendar_import.conftest import ics


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def calendar(*events: str, zones: str = "") -> bytes:
    """A small calendar around VEVENT bodies (lines without BEGIN/END)."""
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{zones}{body}END:VCALENDAR\r\n"
    return text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode()


def entry(uid: str, start: str, end: str = "", extra: str = "", summary: str = "Meeting") -> str:
    lines = [f"UID:{uid}" if uid else "", f"SUMMARY:{summary}", start, end, extra]
    return "\n".join(line for line in lines if line)


# --- A Google Calendar export: five zones, one UTC entry, one all-day entry ----------------

GOOGLE = [
    # uid prefix, zone, UTC start, UTC end, all day, public
    ("5k0d1ck0ff", "Europe/Rome", utc(2019, 9, 5, 8), utc(2019, 9, 5, 15), False, True),
    ("1th3m4t1c", "Europe/Stockholm", utc(2019, 10, 15, 7), utc(2019, 10, 16, 14), False, True),
    ("3s3ss10n", "Europe/London", utc(2020, 6, 16, 8, 30), utc(2020, 6, 16, 10), False, True),
    ("4tartu", "Europe/Tallinn", utc(2021, 9, 22, 7), utc(2021, 9, 23, 12, 30), False, True),
    ("6ny1r", "Europe/Budapest", utc(2022, 3, 10, 13), utc(2022, 3, 10, 16), False, False),
    # Z: the host's zone (Tartu's); the instant as written.
    ("7st33r", "Europe/Tallinn", utc(2020, 6, 17, 8), utc(2020, 6, 17, 10), False, True),
    # VALUE=DATE, DTEND the day after: 20 and 21 September in the host's zone.
    ("8l0c4l", "Europe/Tallinn", utc(2021, 9, 19, 21), utc(2021, 9, 21, 21), True, True),
]


def test_a_google_export_is_read_in_each_entrys_own_zone(world):
    tartu = world.partners["Tartu"]
    plan = plan_import(world.project, ics("google_better.ics"), tartu, "local_event")
    assert [e.action for e in plan.entries] == [CREATE] * 7
    for found, (prefix, zone, start, end, all_day, public) in zip(
        plan.entries, GOOGLE, strict=True
    ):
        assert found.uid.startswith(prefix)
        assert (found.zone_name, found.starts_at, found.ends_at) == (zone, start, end), prefix
        assert (found.all_day, found.values["is_public"]) == (all_day, public), prefix
    kickoff = plan.entries[0]
    assert kickoff.values["location"] == "Palazzo Tursi, Via Garibaldi 9, Genova"
    assert kickoff.values["description"] == (
        "Kick-off of the BETTER partnership.\nHosted by the lead partner."
    )
    all_day = plan.entries[6]
    assert (all_day.start, all_day.end) == (date(2021, 9, 20), date(2021, 9, 21))
    assert db.session.scalar(select(func.count(Event.id))) == 0  # nothing written


def test_an_iana_tzid_is_read_with_zoneinfo_whatever_the_files_vtimezone_says(world):
    wrong = (
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Rome\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+0500\r\nTZOFFSETTO:+0500\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    )
    data = calendar(
        entry(
            "a@x",
            "DTSTART;TZID=Europe/Rome:20200616T093000",
            "DTEND;TZID=Europe/Rome:20200616T110000",
        ),
        zones=wrong,
    )
    (found,) = plan_import(world.project, data, world.partners["Tartu"], "meeting").entries
    assert (found.zone_name, found.starts_at) == ("Europe/Rome", utc(2020, 6, 16, 7, 30))


def test_an_end_in_another_zone_is_the_same_instant_in_the_starts_zone(world):
    data = calendar(
        entry(
            "a@x",
            "DTSTART;TZID=Europe/London:20200616T093000",
            "DTEND;TZID=Europe/Tallinn:20200616T130000",
        ),
        entry("b@x", "DTSTART;TZID=Europe/Rome:20200616T093000", extra="DURATION:PT1H30M"),
    )
    first, second = plan_import(world.project, data, world.partners["Tartu"], "meeting").entries
    assert (first.zone_name, first.ends_at) == ("Europe/London", utc(2020, 6, 16, 10))
    assert (second.zone_name, second.ends_at) == ("Europe/Rome", utc(2020, 6, 16, 9))


ROME = "DTSTART;TZID=Europe/Rome:20200616T093000"
ROME_END = "DTEND;TZID=Europe/Rome:20200616T110000"
CUSTOM_ZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Custom Genoa Time\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)

PROBLEMS = [
    # (case, VEVENT body, words the problem must contain)
    ("floating", entry("a@x", "DTSTART:20200616T093000", "DTEND:20200616T110000"), "floating"),
    (
        "floating end",
        entry("a@x", ROME, "DTEND:20200616T110000"),
        "floating",
    ),
    (
        "outlook zone",
        entry(
            "a@x",
            'DTSTART;TZID="W. Europe Standard Time":20200616T093000',
            'DTEND;TZID="W. Europe Standard Time":20200616T110000',
        ),
        "“W. Europe Standard Time” of DTSTART is not an IANA zone name",
    ),
    (
        "custom zone",
        entry(
            "a@x",
            "DTSTART;TZID=Custom Genoa Time:20200616T093000",
            "DTEND;TZID=Custom Genoa Time:20200616T110000",
        ),
        "“Custom Genoa Time”",
    ),
    ("no uid", entry("", ROME, ROME_END), "No UID"),
    ("no start", entry("a@x", "", ROME_END), "No start (DTSTART)"),
    ("no end", entry("a@x", ROME), "No end"),
    ("rrule", entry("a@x", ROME, ROME_END, "RRULE:FREQ=WEEKLY;COUNT=5"), "repeating event"),
    ("rdate", entry("a@x", ROME, ROME_END, "RDATE:20200623T093000Z"), "repeating event"),
    (
        "occurrence",
        entry("a@x", ROME, ROME_END, "RECURRENCE-ID;TZID=Europe/Rome:20200616T093000"),
        "repeating event",
    ),
    (
        "end before start",
        entry("a@x", ROME, "DTEND;TZID=Europe/Rome:20200616T080000"),
        "The end is before the start.",
    ),
    (
        "all day, end before start",
        entry("a@x", "DTSTART;VALUE=DATE:20200616", "DTEND;VALUE=DATE:20200615"),
        "The last day is before the first day.",
    ),
    (
        "dst gap",
        entry(
            "a@x",
            "DTSTART;TZID=Europe/Tallinn:20200329T033000",
            "DTEND;TZID=Europe/Tallinn:20200329T050000",
        ),
        "does not exist",
    ),
    (
        "year 2150",
        entry("a@x", "DTSTART:21500616T093000Z", "DTEND:21500616T110000Z"),
        "2150 is outside the years",
    ),
    (
        "year 1985",
        entry("a@x", "DTSTART;VALUE=DATE:19850616", "DTEND;VALUE=DATE:19850617"),
        "1985 is outside the years",
    ),
    (
        "date and time mixed",
        entry("a@x", "DTSTART;VALUE=DATE:20200616", "DTEND:20200617T110000Z"),
        "both start and end as dates",
    ),
    ("broken date", entry("a@x", "DTSTART:16 June 2020", ROME_END), "not a date"),
    ("no title", entry("a@x", ROME, ROME_END, summary=""), "No title"),
    ("long title", entry("a@x", ROME, ROME_END, summary="x" * 201), "At most 200 characters"),
    (
        "a session of an event",
        entry("a@x", ROME, ROME_END, "RELATED-TO:event-7@programme.example"),
        "RELATED-TO event-7@programme.example",
    ),
]


@pytest.mark.parametrize(
    ("body", "words"), [pytest.param(b, w, id=case) for case, b, w in PROBLEMS]
)
def test_what_needs_a_guess_is_listed_and_left_out(world, body, words):
    good = entry("good@x", ROME, ROME_END)
    data = calendar(body, good, zones=CUSTOM_ZONE)
    bad, fine = plan_import(world.project, data, world.partners["Tartu"], "meeting").entries
    assert bad.action == PROBLEM
    assert words in bad.problem
    assert fine.action == CREATE  # the rest of the file still goes


def test_a_uid_twice_in_the_file_is_a_problem_the_second_time(world):
    data = calendar(entry("a@x", ROME, ROME_END), entry("a@x", ROME, ROME_END, summary="Again"))
    first, second = plan_import(world.project, data, world.partners["Tartu"], "meeting").entries
    assert (first.action, second.action) == (CREATE, PROBLEM)
    assert "same UID as entry 1" in second.problem


def test_a_problem_keeps_what_the_file_says_of_its_times(world):
    plan = plan_import(
        world.project, ics("outlook_birmingham.ics"), world.partners["Birmingham"], "meeting"
    )
    first = plan.entries[0]
    assert (first.given_start, first.given_end, first.given_zone) == (
        "17 Mar 2020, 09:30",
        "17 Mar 2020, 17:00",
        "GMT Standard Time",
    )
    assert [e.action for e in plan.entries] == [PROBLEM, PROBLEM, CREATE, CREATE, PROBLEM]
    cancelled, private = plan.entries[3], plan.entries[2]
    assert cancelled.cancelled and not private.cancelled
    assert private.values["is_public"] is False
    assert private.zone_name == "Europe/London"  # UTC: the host's zone


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not a calendar file"),
        (b"name,email\r\nMari,mari@example.org\r\n", "not a calendar file"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mari\r\nEND:VCARD\r\n", "not a calendar file"),
        (b"\xff\xfe\x00B\x00E", "not a calendar file"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "holds no events"),
        (b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * (2 * 1024 * 1024), "too large"),
    ],
    ids=["pdf", "csv", "vcard", "utf-16", "empty", "too large"],
)
def test_a_file_that_is_not_a_calendar_is_refused_whole(world, data, words):
    with pytest.raises(DomainError) as refused:
        plan_import(world.project, data, world.partners["Tartu"], "meeting")
    assert words in refused.value.message


# --- Applying ---------------------------------------------------------------------------


def _import(world, data: bytes, host: str = "Tartu", kind: str = "local_event"):
    plan = plan_import(world.project, data, world.partners[host], kind)
    result = apply_import(plan)
    db.session.commit()
    return plan, result


def _messages() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_today_the_outbox_invites_the_hosts_contacts_even_to_an_event_long_over(world):
    """What the outbox does for any new event, past or not (the reason the import asks it
    to keep quiet about events already over)."""
    create_event(
        world.project,
        kind="meeting",
        title="Meeting of 2020",
        host=world.partners["Tartu"],
        start=datetime(2020, 6, 16, 10),
        end=datetime(2020, 6, 16, 12),
        timezone="Europe/Tallinn",
    )
    db.session.commit()
    assert db.session.scalars(select(OutboxMessage.to_address)).all() == ["contact@p4.example"]


def test_events_already_over_or_cancelled_are_imported_without_a_message(world):
    data = calendar(
        entry("past@x", ROME, ROME_END),
        entry(
            "future@x",
            "DTSTART;TZID=Europe/Tallinn:20310916T100000",
            "DTEND;TZID=Europe/Tallinn:20310916T120000",
        ),
        entry(
            "future-cancelled@x",
            "DTSTART;TZID=Europe/Tallinn:20310917T100000",
            "DTEND;TZID=Europe/Tallinn:20310917T120000",
            "STATUS:CANCELLED",
        ),
    )
    _plan, result = _import(world, data)
    assert result.created == 3
    rows = db.session.execute(
        select(Event.import_uid, OutboxMessage.to_address, OutboxMessage.kind).join(
            Event, Event.id == OutboxMessage.event_id
        )
    ).all()
    assert rows == [("future@x", "contact@p4.example", "invitation")]
    # A past event changed by a later import: still nobody to tell.
    _import(world, calendar(entry("past@x", ROME, ROME_END, summary="Renamed")))
    assert _messages() == 1
    # Cancelling the event still to come is news for those invited.
    _import(
        world,
        calendar(
            entry(
                "future@x",
                "DTSTART;TZID=Europe/Tallinn:20310916T100000",
                "DTEND;TZID=Europe/Tallinn:20310916T120000",
                "STATUS:CANCELLED",
            )
        ),
    )
    stored = db.session.scalar(select(Event).where(Event.import_uid == "future@x"))
    assert stored.status == "cancelled"
    kinds = db.session.scalars(
        select(OutboxMessage.kind)
        .where(OutboxMessage.event_id == stored.id)
        .order_by(OutboxMessage.id)
    ).all()
    assert kinds == ["invitation", "update"]


def test_new_events_take_the_forms_host_and_kind_and_updates_keep_theirs(world):
    data = calendar(entry("a@x", ROME, ROME_END))
    _import(world, data, host="Genoa", kind="study_visit")
    event = db.session.scalar(select(Event).where(Event.import_uid == "a@x"))
    assert (event.host.city, event.kind, [p.city for p in event.participants]) == (
        "Genoa",
        "study_visit",
        ["Genoa"],
    )
    assert (event.status, event.revision) == ("planned", 1)
    plan, _ = _import(
        world, calendar(entry("a@x", ROME, ROME_END, summary="Renamed")), host="Tartu"
    )
    assert plan.entries[0].changed == ["title"]
    db.session.refresh(event)
    assert (event.host.city, event.kind, event.title, event.revision) == (
        "Genoa",
        "study_visit",
        "Renamed",
        2,
    )


def test_an_event_cancelled_here_is_not_restored_and_a_held_one_not_cancelled(world):
    _import(world, calendar(entry("a@x", ROME, ROME_END, "STATUS:CANCELLED")))
    _import(world, calendar(entry("b@x", ROME, ROME_END)))
    held = db.session.scalar(select(Event).where(Event.import_uid == "b@x"))
    mark_held(held)
    db.session.commit()
    plan = plan_import(
        world.project,
        calendar(
            entry("a@x", ROME, ROME_END, "STATUS:CONFIRMED"),
            entry("b@x", ROME, ROME_END, "STATUS:CANCELLED"),
            entry("a@x", ROME, ROME_END, "STATUS:CANCELLED"),
        ),
        world.partners["Tartu"],
        "meeting",
    )
    restored, cancelled, same = plan.entries
    assert restored.action == PROBLEM and "does not restore a cancelled event" in restored.problem
    assert cancelled.action == PROBLEM and "already held" in cancelled.problem
    assert same.action == PROBLEM  # the same UID twice in one file


def test_moving_an_event_takes_its_agenda_only_when_the_sessions_still_fit(world):
    from app.events.services import add_session

    _import(world, calendar(entry("a@x", ROME, ROME_END)))
    event = db.session.scalar(select(Event).where(Event.import_uid == "a@x"))
    add_session(
        event, title="Opening", start=datetime(2020, 6, 16, 9, 30), end=datetime(2020, 6, 16, 10)
    )
    db.session.commit()
    later_day = calendar(
        entry(
            "a@x",
            "DTSTART;TZID=Europe/Rome:20200617T093000",
            "DTEND;TZID=Europe/Rome:20200617T110000",
        )
    )
    plan, _ = _import(world, later_day)
    assert plan.entries[0].action == UPDATE
    db.session.refresh(event)
    assert event.sessions[0].starts_at == utc(2020, 6, 17, 7, 30)
    shorter = calendar(
        entry(
            "a@x",
            "DTSTART;TZID=Europe/Rome:20200617T100000",
            "DTEND;TZID=Europe/Rome:20200617T110000",
        )
    )
    (refused,) = plan_import(world.project, shorter, world.partners["Tartu"], "meeting").entries
    assert refused.action == PROBLEM and "Opening" in refused.problem


def test_importing_the_same_file_again_is_all_unchanged(world):
    tartu = world.partners["Tartu"]
    for name in ("google_better.ics", "outlook_birmingham.ics", "floating.ics"):
        plan_import(world.project, ics(name), tartu, "local_event")
        _import(world, ics(name))
        again = plan_import(world.project, ics(name), tartu, "local_event")
        assert {e.action for e in again.entries} <= {UNCHANGED, PROBLEM}, name
        assert not again.writes
