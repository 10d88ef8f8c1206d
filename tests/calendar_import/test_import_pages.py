"""The import through the pages: upload, preview (nothing written), confirm; the same file
again changes nothing; a changed file updates; our own feed comes back to the same instants."""

import html
import re
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from app.calendar_import.services import apply_import, plan_import
from app.events.models import Event
from app.extensions import db
from app.mail.models import OutboxMessage
from tests import factories
from tests.calendar_import.conftest import ics


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _upload(client, world, data: bytes, host: str = "Tartu", kind: str = "local_event"):
    return client.post(
        "/events/import",
        data={
            "file": (BytesIO(data), "calendar.ics"),
            "host": str(world.partners[host].id),
            "kind": kind,
        },
        content_type="multipart/form-data",
    )


def _hidden_fields(page: str) -> dict[str, list[str]]:
    """The confirmation form's hidden inputs, as the browser would send them back."""
    form = page.split('action="/events/import/confirm"', 1)[1].split("</form>", 1)[0]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form):
        fields.setdefault(name, []).append(html.unescape(value))
    return fields


def _confirm(client, page: str):
    fields = _hidden_fields(page)
    data = [(name, value) for name, values in fields.items() for value in values]
    return client.post(
        "/events/import/confirm",
        data={name: [v for n, v in data if n == name] for name in fields},
        content_type="multipart/form-data",
    )


def _state() -> dict:
    """What an import that changes nothing must leave as it was."""
    return {
        "events": db.session.scalar(select(func.count(Event.id))),
        "revisions": db.session.scalar(select(func.coalesce(func.sum(Event.revision), 0))),
        "versions": db.session.scalar(select(func.coalesce(func.sum(Event.version), 0))),
        "activity": db.session.scalar(select(func.count(ActivityEntry.id))),
        "outbox": db.session.scalar(select(func.count(OutboxMessage.id))),
    }


GOOGLE_INSTANTS = {
    # the start of each title's UID, its zone and UTC instants
    "BETTER kick-off meeting": ("Europe/Rome", utc(2019, 9, 5, 8), utc(2019, 9, 5, 15)),
    "Thematic event #1": ("Europe/Stockholm", utc(2019, 10, 15, 7), utc(2019, 10, 16, 14)),
    "Thematic event #3: E-services (Webex)": (
        "Europe/London",
        utc(2020, 6, 16, 8, 30),
        utc(2020, 6, 16, 10),
    ),
    "Study visit to Tartu": ("Europe/Tallinn", utc(2021, 9, 22, 7), utc(2021, 9, 23, 12, 30)),
    "Import workshop: digital citizen folder": (
        "Europe/Budapest",
        utc(2022, 3, 10, 13),
        utc(2022, 3, 10, 16),
    ),
    "Steering group call": ("Europe/Tallinn", utc(2020, 6, 17, 8), utc(2020, 6, 17, 10)),
    "Local stakeholder days": ("Europe/Tallinn", utc(2021, 9, 19, 21), utc(2021, 9, 21, 21)),
}


def test_the_coordinator_previews_then_imports_a_google_calendar(world, client):
    factories.sign_in(client, world.coordinator.email)
    preview = _upload(client, world, ics("google_better.ics"))
    assert preview.status_code == 200, preview.text[:500]
    page = preview.text
    assert "7 new, 0 updated, 0 unchanged, 0 not imported." in page
    for title, (zone, _start, _end) in GOOGLE_INSTANTS.items():
        assert html.escape(title) in page
        assert f"<td>{zone}</td>" in page
    assert "5 Sep 2019, 10:00" in page and "5 Sep 2019, 17:00" in page  # Genoa's wall clock
    assert "21 Sep 2021 (last day)" in page
    assert _state()["events"] == 0  # nothing until confirmed

    done = _confirm(client, page)
    assert done.status_code == 303, done.text[:500]
    assert done.headers["Location"].endswith("/events")
    events = {e.title: e for e in db.session.scalars(select(Event))}
    assert set(events) == set(GOOGLE_INSTANTS)
    for title, (zone, start, end) in GOOGLE_INSTANTS.items():
        event = events[title]
        assert (event.timezone, event.starts_at, event.ends_at) == (zone, start, end), title
        assert (event.host.city, event.kind, event.status) == ("Tartu", "local_event", "planned")
        assert event.import_uid.endswith("@google.com")
    assert events["Local stakeholder days"].all_day
    assert events["Import workshop: digital citizen folder"].is_public is False
    assert _state()["outbox"] == 0  # all of it is history: nobody is invited
    listed = client.get("/events?when=past").text
    assert "Calendar imported: 7 new, 0 updated, 0 unchanged, 0 not imported." in listed


def test_the_same_file_again_changes_nothing_and_a_changed_file_updates(world, client):
    factories.sign_in(client, world.coordinator.email)
    _confirm(client, _upload(client, world, ics("google_better.ics")).text)
    before = _state()

    again = _upload(client, world, ics("google_better.ics"))
    assert "0 new, 0 updated, 7 unchanged, 0 not imported." in again.text
    assert "nothing to import" in again.text
    assert 'action="/events/import/confirm"' not in again.text
    # Confirming what the upload would have sent writes nothing either.
    plan = plan_import(
        world.project, ics("google_better.ics"), world.partners["Tartu"], "local_event"
    )
    response = client.post(
        "/events/import/confirm",
        data={
            "calendar": plan.text,
            "host": str(world.partners["Tartu"].id),
            "kind": "local_event",
            "plan": plan.digest,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert _state() == before

    changed = (
        ics("google_better.ics")
        .replace(b"SUMMARY:Thematic event #1", b"SUMMARY:Thematic event #1 in G\xc3\xa4vle")
        .replace(
            b"DTSTART;TZID=Europe/Tallinn:20210922T100000",
            b"DTSTART;TZID=Europe/Tallinn:20210922T090000",
        )
    )
    preview = _upload(client, world, changed)
    assert "0 new, 2 updated, 5 unchanged, 0 not imported." in preview.text
    assert "Thematic event #1 in Gävle" in preview.text
    assert "22 Sep 2021, 09:00" in preview.text
    assert _state() == before
    assert _confirm(client, preview.text).status_code == 303
    db.session.expire_all()
    gavle = db.session.scalar(select(Event).where(Event.title == "Thematic event #1 in Gävle"))
    tartu = db.session.scalar(select(Event).where(Event.title == "Study visit to Tartu"))
    assert (gavle.revision, tartu.revision) == (2, 2)
    assert tartu.starts_at == utc(2021, 9, 22, 6)
    after = _state()
    assert after["events"] == before["events"]
    assert after["revisions"] == before["revisions"] + 2
    assert after["activity"] > before["activity"]  # logged as an edit on the form would be


def test_outlook_and_floating_entries_are_listed_not_imported(world, client):
    factories.sign_in(client, world.coordinator.email)
    page = _upload(client, world, ics("outlook_birmingham.ics"), host="Birmingham").text
    assert "2 new, 0 updated, 0 unchanged, 3 not imported." in page
    assert "“GMT Standard Time” of DTSTART is not an IANA zone name" in page
    assert "“W. Europe Standard Time” of DTSTART is not an IANA zone name" in page
    assert "A repeating event (RRULE or RDATE)" in page
    assert _confirm(client, page).status_code == 303
    titles = sorted(db.session.scalars(select(Event.title)))
    assert titles == ["Canceled: Site visit to Birmingham", "Speakers' rehearsal"]
    cancelled = db.session.scalar(select(Event).where(Event.title.like("Canceled%")))
    assert (cancelled.status, cancelled.timezone) == ("cancelled", "Europe/London")

    page = _upload(client, world, ics("floating.ics")).text
    assert "1 new, 0 updated, 0 unchanged, 1 not imported." in page
    assert "floating time" in page
    assert "16 Jun 2020, 09:30" in page  # as the file writes it


def test_a_plan_that_changed_since_the_preview_is_shown_again_not_written(world, client):
    factories.sign_in(client, world.coordinator.email)
    page = _upload(client, world, ics("floating.ics")).text
    # Meanwhile the same file is imported another way.
    apply_import(
        plan_import(world.project, ics("floating.ics"), world.partners["Tartu"], "local_event")
    )
    db.session.commit()
    before = _state()
    response = _confirm(client, page)
    assert response.status_code == 409
    assert "changed since your preview" in response.text
    assert "0 new, 0 updated, 1 unchanged, 1 not imported." in response.text
    assert _state() == before


def test_a_file_that_is_not_a_calendar_is_told_on_the_form(world, client):
    factories.sign_in(client, world.coordinator.email)
    response = _upload(client, world, b"%PDF-1.7\n1 0 obj\n")
    assert response.status_code == 400
    assert "This is not a calendar file" in response.text
    response = client.post(
        "/events/import",
        data={"file": (BytesIO(ics("floating.ics")), "c.ics"), "host": "0", "kind": "meeting"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Choose the partner that hosts the new events." in response.text
    assert _state()["events"] == 0


def test_only_coordinators_import_and_see_the_link(world, client):
    factories.sign_in(client, world.editor.email)
    assert client.get("/events/import").status_code == 403
    assert _upload(client, world, ics("floating.ics")).status_code == 403
    assert "/events/import" not in client.get("/events").text
    fresh = client.application.test_client()  # anonymous: sent to sign in
    assert fresh.get("/events/import").status_code == 302
    factories.sign_in(fresh, world.coordinator.email)
    assert fresh.get("/events/import").status_code == 200
    assert 'href="/events/import"' in fresh.get("/events").text
    assert _state()["events"] == 0


@pytest.mark.parametrize("lang", ["en", "et"])
def test_our_own_feed_comes_back_to_the_same_instants(world, client, lang):
    """Events in five zones (one all day, one with a session, one in the repeated autumn
    hour, which the feed writes in UTC) through GET /calendar.ics and into another
    project hosted by Tartu: the same instants, and each event's own zone."""
    from app.events.services import add_session

    p = world.partners
    made = [
        factories.event(
            world.project,
            p["Genoa"],
            datetime(2020, 6, 16, 9, 30),
            datetime(2020, 6, 16, 11),
            kind="thematic_event",
            number=3,
        ),
        factories.event(
            world.project, p["Birmingham"], datetime(2021, 3, 1, 10), datetime(2021, 3, 2, 15, 45)
        ),
        # All day: the feed writes dates, which take the host's zone (Tartu's) on import.
        factories.event(world.project, p["Tartu"], date(2021, 9, 20), date(2021, 9, 22)),
        factories.event(
            world.project, p["Gävle"], datetime(2021, 9, 23, 9), datetime(2021, 9, 23, 12)
        ),
        factories.event(
            world.project,
            p["Tartu"],
            datetime(2021, 10, 31, 3, 30, fold=1),
            datetime(2021, 10, 31, 5),
        ),
        factories.event(
            world.project, p["Nyíregyháza"], datetime(2022, 3, 27, 1, 30), datetime(2022, 3, 27, 4)
        ),
    ]
    add_session(
        made[1], title="Opening", start=datetime(2021, 3, 1, 10), end=datetime(2021, 3, 1, 11)
    )
    db.session.commit()
    feed = client.get(f"/calendar.ics?lang={lang}")
    assert feed.status_code == 200

    other = factories.project(acronym="OTHER")
    tallinn = factories.partner(other, "P4", "Tartu", "Europe/Tallinn")
    plan = plan_import(other, feed.data, tallinn, "meeting")
    sessions = [e for e in plan.entries if e.action == "problem"]
    assert len(sessions) == 1 and "RELATED-TO" in sessions[0].problem
    apply_import(plan)
    db.session.commit()
    back = {
        e.import_uid: e for e in db.session.scalars(select(Event).where(Event.project == other))
    }
    domain = feed.text.split("UID:event-", 1)[1].split("@", 1)[1].split("\r\n", 1)[0]
    for event in made:
        copy = back[f"event-{event.id}@{domain}"]
        assert (copy.starts_at, copy.ends_at, copy.all_day) == (
            event.starts_at,
            event.ends_at,
            event.all_day,
        ), event.title
        # The repeated hour travels in UTC and takes the host's zone: Tartu's, as it was.
        assert copy.timezone == event.timezone, event.title
    again = plan_import(other, feed.data, tallinn, "meeting")
    assert {e.action for e in again.entries} == {"unchanged", "problem"}


def test_a_file_larger_than_one_form_field_comes_back_whole(world, client):
    """The server reads at most 500 kB per form field: the preview sends the text back in
    pieces, which the confirmation joins."""
    factories.sign_in(client, world.coordinator.email)
    words = "Agenda and minutes of the partners' meeting, with the practices discussed. " * 30
    entries = "".join(
        f"BEGIN:VEVENT\r\nUID:big-{n}@example.org\r\nSUMMARY:Meeting {n}\r\n"
        f"DTSTART;TZID=Europe/Tallinn:2020{1 + n // 28:02d}{1 + n % 28:02d}T100000\r\n"
        f"DTEND;TZID=Europe/Tallinn:2020{1 + n // 28:02d}{1 + n % 28:02d}T110000\r\n"
        f"DESCRIPTION:{words}\r\nEND:VEVENT\r\n"
        for n in range(300)
    )
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{entries}END:VCALENDAR\r\n"
    assert len(data) > 600_000
    page = _upload(client, world, data.encode()).text
    assert len(_hidden_fields(page)["calendar"]) > 1
    assert _confirm(client, page).status_code == 303
    assert _state()["events"] == 300
