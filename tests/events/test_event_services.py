"""State changes of an event: what they keep, what they refuse, when calendars see them."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.errors import DomainError
from app.events import services
from app.events.models import Event
from app.extensions import db
from app.partners.models import Venue
from tests import factories


@pytest.fixture
def world(app):
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    event = factories.event(
        project,
        tartu,
        datetime(2026, 3, 5, 10),
        datetime(2026, 3, 5, 16),
        participants=[genoa],
        location="Tartu town hall",
    )
    return project, tartu, genoa, event


def _reload(event: Event) -> Event:
    db.session.expire_all()
    return db.session.get(Event, event.id)


def test_postponing_keeps_the_first_plan_once_and_bumps_the_revision(world):
    _, _, _, event = world
    first_start, first_end = event.starts_at, event.ends_at
    services.postpone(event, datetime(2026, 4, 1, 10), datetime(2026, 4, 1, 16))
    db.session.commit()
    services.update_event(event, start=datetime(2026, 5, 1, 10), end=datetime(2026, 5, 1, 16))
    services.postpone(event, date(2026, 6, 1), date(2026, 6, 2))
    db.session.commit()
    event = _reload(event)
    assert event.status == "postponed"
    assert event.original_starts_at == first_start and event.original_ends_at == first_end
    assert event.original_location == "Tartu town hall"
    assert event.all_day and event.local_start.date() == date(2026, 6, 1)
    assert event.revision == 4


def test_postponing_without_new_dates_keeps_the_dates(world):
    _, _, _, event = world
    starts = event.starts_at
    services.postpone(event)
    db.session.commit()
    event = _reload(event)
    assert event.status == "postponed" and event.starts_at == starts
    assert event.original_starts_at == starts and event.revision == 2


def test_moving_online_keeps_the_place_it_was_planned_at(world):
    _, _, _, event = world
    services.move_online(event, "Webex", "https://webex.example/j/1")
    db.session.commit()
    event = _reload(event)
    assert event.format == "online" and event.place == "Online (Webex)"
    assert event.original_location == "Tartu town hall" and event.revision == 2
    with pytest.raises(DomainError, match="https://"):
        services.move_online(event, "Webex", "javascript:alert(1)")


def test_cancelling_keeps_the_event_marked_cancelled(world):
    _, _, _, event = world
    services.cancel(event)
    db.session.commit()
    event = _reload(event)
    assert event.status == "cancelled" and event.revision == 2
    with pytest.raises(DomainError, match="cancelled already"):
        services.cancel(event)
    with pytest.raises(DomainError):
        services.postpone(event)


def test_marking_held_needs_the_event_to_have_started_and_tells_other_areas(world):
    _, _, _, event = world
    with pytest.raises(DomainError, match="once it has started"):
        services.mark_held(event, now=datetime(2026, 3, 1, tzinfo=UTC))
    heard = []

    def listener(sender):
        heard.append(sender.id)

    services.event_held.connect(listener)
    try:
        services.mark_held(event, now=datetime(2026, 3, 6, tzinfo=UTC))
    finally:
        services.event_held.disconnect(listener)
    db.session.commit()
    assert _reload(event).status == "held" and heard == [event.id]


def test_only_calendar_visible_changes_bump_the_revision(world):
    _, _, _, event = world
    services.update_event(event, description="More words")
    db.session.commit()
    assert _reload(event).revision == 1
    services.update_event(event, title="New title")
    db.session.commit()
    assert _reload(event).revision == 2


def test_a_stale_version_is_refused_and_changes_nothing(world):
    _, _, _, event = world
    seen = services.version_of(event)
    services.update_event(event, description="Someone else's change")
    db.session.commit()
    with pytest.raises(DomainError, match="Someone else changed this event"):
        services.update_event(event, seen_version=seen, title="Mine")
    db.session.rollback()
    event = _reload(event)
    assert event.title != "Mine" and event.description == "Someone else's change"


def test_end_before_start_is_refused_before_anything_changes(world):
    _, _, _, event = world
    with pytest.raises(DomainError, match="end is before the start"):
        services.update_event(
            event, title="Half", start=datetime(2026, 3, 5, 12), end=datetime(2026, 3, 5, 11)
        )
    assert event.title != "Half"


def test_warnings_overlap_and_capacity(world):
    project, tartu, genoa, event = world
    venue = Venue(name="Small room", city="Tartu", capacity=10)
    db.session.add(venue)
    db.session.commit()
    warnings = services.scheduling_warnings(
        project,
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.ends_at + timedelta(hours=1),
        partners=[genoa],
        venue=venue,
        expected_attendance=25,
    )
    assert len(warnings) == 2
    assert "Genoa already has an overlapping event" in warnings[0]
    assert "seats 10, fewer than the 25" in warnings[1]
    # Its own slot is no conflict; neither is a cancelled event or a later slot.
    assert (
        services.scheduling_warnings(
            project,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            partners=[genoa, tartu],
            exclude_event_id=event.id,
        )
        == []
    )
    assert (
        services.scheduling_warnings(
            project,
            starts_at=event.ends_at,
            ends_at=event.ends_at + timedelta(hours=2),
            partners=[genoa],
        )
        == []
    )


def test_sessions_and_attendance(world):
    _, tartu, genoa, event = world
    services.add_session(
        event, title="Opening", start=datetime(2026, 3, 5, 10), end=datetime(2026, 3, 5, 11)
    )
    with pytest.raises(DomainError, match="within the event's dates"):
        services.add_session(
            event, title="Late", start=datetime(2026, 4, 5, 10), end=datetime(2026, 4, 5, 11)
        )
    services.set_attendance(event, genoa, 3, 4)
    with pytest.raises(DomainError, match="0 or more"):
        services.set_attendance(event, tartu, -1, 0)
    db.session.commit()
    event = _reload(event)
    assert [s.title for s in event.sessions] == ["Opening"]
    assert event.sessions[0].starts_at == datetime(2026, 3, 5, 8, tzinfo=UTC)
    assert [(a.partner.code, a.total) for a in event.attendance] == [("P1", 7)]


def test_every_agenda_change_raises_the_revision_calendars_use(world):
    """Session entries in the feeds take their SEQUENCE from the event's revision."""
    _, _, _, event = world
    revisions = [event.revision]
    session = services.add_session(
        event, title="Opening", start=datetime(2026, 3, 5, 10), end=datetime(2026, 3, 5, 11)
    )
    revisions.append(event.revision)
    services.update_session(
        event,
        session,
        title="Opening",
        start=datetime(2026, 3, 5, 12),
        end=datetime(2026, 3, 5, 13),
    )
    revisions.append(event.revision)
    services.remove_session(event, session)
    revisions.append(event.revision)
    db.session.commit()
    assert revisions == sorted(set(revisions)) and len(revisions) == 4
    assert _reload(event).revision == revisions[-1]
