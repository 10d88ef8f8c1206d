"""An event's agenda moves with it: each session keeps its local wall-clock time and its day
offset from the event's first day, in the event's zone, across DST changes; sessions a
shorter span would leave out are asked about before anything is saved; no session ever
lies outside its event."""

from datetime import UTC, date, datetime

import pytest
from flask import g
from sqlalchemy import select

from app.errors import DomainError
from app.events import services
from app.events.models import Event, EventSession
from app.extensions import db
from app.versioning import version_of
from tests import factories


@pytest.fixture
def budapest(app):
    """A two-day seminar in Budapest on 26-27 March 2026, before the clocks go forward on
    the 29th, with a session each day."""
    project = factories.project(years=8)
    host = factories.partner(project, "NYI", "Nyíregyháza", "Europe/Budapest", country="HU")
    event = factories.event(
        project, host, datetime(2026, 3, 26, 9), datetime(2026, 3, 27, 17), kind="thematic_event"
    )
    for day, title in ((26, "Opening"), (27, "Site visit")):
        services.add_session(
            event, title=title, start=datetime(2026, 3, day, 9, 30), end=datetime(2026, 3, day, 11)
        )
    db.session.commit()
    return event


def _reload(event: Event) -> Event:
    db.session.expire_all()
    return db.session.get(Event, event.id)


def _local(event: Event) -> list[tuple[str, datetime, datetime]]:
    zone = event.local_start.tzinfo
    return [
        (
            s.title,
            s.starts_at.astimezone(zone).replace(tzinfo=None),
            s.ends_at.astimezone(zone).replace(tzinfo=None),
        )
        for s in event.sessions
    ]


@pytest.mark.parametrize(
    "move",
    [
        lambda e, s, t, **kw: services.postpone(e, s, t, **kw),
        lambda e, s, t, **kw: services.reschedule(e, s, t, **kw),
        lambda e, s, t, **kw: services.update_event(e, start=s, end=t, **kw),
    ],
    ids=["postpone", "reschedule", "edit"],
)
def test_a_move_across_the_dst_change_keeps_each_sessions_local_time_and_day(budapest, move):
    move(budapest, datetime(2026, 4, 9, 9), datetime(2026, 4, 10, 17))
    db.session.commit()
    event = _reload(budapest)
    assert _local(event) == [
        ("Opening", datetime(2026, 4, 9, 9, 30), datetime(2026, 4, 9, 11)),
        ("Site visit", datetime(2026, 4, 10, 9, 30), datetime(2026, 4, 10, 11)),
    ]
    # 09:30 local was 08:30 UTC in March (CET) and is 07:30 UTC in April (CEST).
    assert event.sessions[1].starts_at == datetime(2026, 4, 10, 7, 30, tzinfo=UTC)


def test_an_all_day_visit_postponed_takes_its_agenda_along(app, client):
    """Postponing a visit from 14-15 April to 12-13 May moves its sessions to May, on the
    page and in the feed."""
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    event = factories.event(project, tartu, date(2026, 4, 14), date(2026, 4, 15), title="Port")
    services.add_session(
        event, title="Harbour walk", start=datetime(2026, 4, 15, 14), end=datetime(2026, 4, 15, 16)
    )
    db.session.commit()
    services.postpone(event, date(2026, 5, 12), date(2026, 5, 13))
    db.session.commit()
    event = _reload(event)
    assert _local(event) == [
        ("Harbour walk", datetime(2026, 5, 13, 14), datetime(2026, 5, 13, 16)),
    ]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Harbour walk" in page and "15 Apr 2026, 14:00" not in page


def test_a_shorter_span_asks_first_and_changes_nothing_without_an_answer(budapest):
    before = (budapest.starts_at, budapest.ends_at, budapest.revision, _local(budapest))
    with pytest.raises(DomainError, match=r"Site visit \(day 2, 09:30–11:00\)") as refused:
        services.postpone(budapest, datetime(2026, 4, 9, 9), datetime(2026, 4, 9, 17))
    assert refused.value.field == "agenda"
    db.session.commit()
    event = _reload(budapest)
    assert (event.starts_at, event.ends_at, event.revision, _local(event)) == before
    assert event.status == "planned"


def test_a_shorter_span_removes_the_sessions_left_out_when_asked(budapest):
    services.update_event(
        budapest,
        start=datetime(2026, 4, 9, 9),
        end=datetime(2026, 4, 9, 17),
        outside_sessions=services.REMOVE_OUTSIDE,
    )
    db.session.commit()
    assert _local(_reload(budapest)) == [
        ("Opening", datetime(2026, 4, 9, 9, 30), datetime(2026, 4, 9, 11)),
    ]
    assert db.session.scalar(select(EventSession).where(EventSession.title == "Site visit")) is None


def test_a_shorter_span_keeps_the_sessions_left_out_on_the_last_day_when_asked(budapest):
    services.reschedule(
        budapest,
        datetime(2026, 4, 9, 9),
        datetime(2026, 4, 9, 17),
        outside_sessions=services.KEEP_OUTSIDE,
    )
    db.session.commit()
    assert _local(_reload(budapest)) == [
        ("Opening", datetime(2026, 4, 9, 9, 30), datetime(2026, 4, 9, 11)),
        ("Site visit", datetime(2026, 4, 9, 9, 30), datetime(2026, 4, 9, 11)),
    ]


def test_a_later_start_keeps_an_early_session_on_the_first_day_it_fits(budapest):
    """Same dates, but the first day now starts at 10:00: the 09:30 opening fits on day 2."""
    with pytest.raises(DomainError, match=r"Opening \(day 1, 09:30–11:00\)"):
        services.update_event(
            budapest, start=datetime(2026, 3, 26, 10), end=datetime(2026, 3, 27, 17)
        )
    services.update_event(
        budapest,
        start=datetime(2026, 3, 26, 10),
        end=datetime(2026, 3, 27, 17),
        outside_sessions=services.KEEP_OUTSIDE,
    )
    db.session.commit()
    assert [s[1] for s in _local(_reload(budapest))] == [datetime(2026, 3, 27, 9, 30)] * 2


def test_a_session_kept_where_no_day_holds_it_is_refused(budapest):
    with pytest.raises(DomainError, match="fit on no day"):
        services.postpone(
            budapest,
            datetime(2026, 4, 9, 12),
            datetime(2026, 4, 9, 17),
            outside_sessions=services.KEEP_OUTSIDE,
        )
    with pytest.raises(DomainError, match="Unknown choice"):
        services.postpone(
            budapest, datetime(2026, 4, 9, 9), datetime(2026, 4, 9, 17), outside_sessions="later"
        )


def test_postponing_without_dates_leaves_the_agenda(budapest):
    before = _local(budapest)
    services.postpone(budapest)
    db.session.commit()
    assert _local(_reload(budapest)) == before


def test_a_session_lies_within_its_event_with_no_slack(app):
    """A timed event bounds its sessions by its start and end; an all-day one by its local
    midnights in its own zone (Tallinn here, whatever the reader's zone)."""
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    timed = factories.event(project, tartu, datetime(2026, 5, 5, 10), datetime(2026, 5, 5, 16))
    with pytest.raises(DomainError, match=r"within the event's dates \(5 May 2026, 10:00 to"):
        services.add_session(
            timed, title="Early", start=datetime(2026, 5, 5, 9, 30), end=datetime(2026, 5, 5, 11)
        )
    all_day = factories.event(project, tartu, date(2026, 5, 5), date(2026, 5, 6))
    services.add_session(
        all_day, title="Whole", start=datetime(2026, 5, 5, 0), end=datetime(2026, 5, 7, 0)
    )
    with pytest.raises(DomainError, match=r"\(5 May 2026 to 6 May 2026\)"):
        services.add_session(
            all_day, title="Late", start=datetime(2026, 5, 6, 23), end=datetime(2026, 5, 7, 1)
        )
    with pytest.raises(DomainError, match="within the event's dates"):
        services.update_session(
            all_day,
            all_day.sessions[0],
            title="Whole",
            start=datetime(2026, 5, 4, 23),
            end=datetime(2026, 5, 5, 1),
        )


def test_no_writer_can_store_a_session_outside_its_event(budapest):
    """The services say why; a flush from any other writer is refused too."""
    budapest.sessions.append(
        EventSession(
            title="Stray",
            starts_at=datetime(2026, 3, 28, 9, tzinfo=UTC),
            ends_at=datetime(2026, 3, 28, 10, tzinfo=UTC),
        )
    )
    with pytest.raises(DomainError, match="'Stray' lies outside"):
        db.session.commit()
    db.session.rollback()
    event = db.session.get(Event, budapest.id)
    event.ends_at = datetime(2026, 3, 26, 12, tzinfo=UTC)
    with pytest.raises(DomainError, match="'Site visit' lies outside"):
        db.session.commit()
    db.session.rollback()


def test_a_session_in_the_repeated_hour_takes_the_occurrence_given(app):
    project = factories.project()
    host = factories.partner(project, "NYI", "Nyíregyháza", "Europe/Budapest", country="HU")
    event = factories.event(project, host, date(2023, 10, 29), date(2023, 10, 29))
    late = services.add_session(
        event,
        title="Night shift",
        start=datetime(2023, 10, 29, 2, 30, fold=1),
        end=datetime(2023, 10, 29, 3, 30),
    )
    assert (late.starts_at, late.ends_at) == (
        datetime(2023, 10, 29, 1, 30, tzinfo=UTC),
        datetime(2023, 10, 29, 2, 30, tzinfo=UTC),
    )


def test_a_session_moved_onto_a_time_the_clocks_skip_is_refused_with_the_gap_named(app):
    """Budapest springs forward at 02:00 on 29 March 2026: a 02:30 session cannot go there."""
    project = factories.project(years=8)
    host = factories.partner(project, "NYI", "Nyíregyháza", "Europe/Budapest", country="HU")
    event = factories.event(project, host, date(2026, 3, 22), date(2026, 3, 22))
    services.add_session(
        event, title="Night ride", start=datetime(2026, 3, 22, 2, 30), end=datetime(2026, 3, 22, 4)
    )
    db.session.commit()
    before = (event.starts_at, event.revision, _local(event))
    with pytest.raises(DomainError, match=r"Night ride.*02:30 does not exist") as refused:
        services.postpone(event, date(2026, 3, 29), date(2026, 3, 29))
    assert "clocks go from 02:00 to 03:00" in refused.value.message
    db.session.rollback()
    event = _reload(event)
    assert (event.starts_at, event.revision, _local(event)) == before


# --- The forms ask, listing the sessions, and save only once the user has chosen.


def _sign_in(client, user) -> None:
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


def _postpone_form(event: Event, **changes) -> dict:
    data = {
        "start_date": "2026-04-09",
        "start_time": "09:00",
        "end_date": "2026-04-09",
        "end_time": "17:00",
        "version": version_of(event),
    }
    return data | changes


def test_the_postpone_form_lists_the_sessions_left_out_and_asks(budapest, client):
    _sign_in(client, factories.user("coordinator@example.org"))
    url = f"/events/{budapest.id}/postpone"
    response = client.post(url, data=_postpone_form(budapest))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing is saved yet" in page and "<li>Site visit (day 2, 09:30–11:00)</li>" in page
    assert 'value="remove"' in page and 'value="keep"' in page
    assert 'value="2026-04-09"' in page  # the dates typed are kept
    assert _reload(budapest).status == "planned"
    response = client.post(url, data=_postpone_form(_reload(budapest), agenda="remove"))
    assert response.status_code == 302
    event = _reload(budapest)
    assert event.status == "postponed" and [s.title for s in event.sessions] == ["Opening"]


def test_the_edit_form_lists_the_sessions_left_out_and_asks(budapest, client):
    _sign_in(client, factories.user("coordinator@example.org"))
    event = budapest
    data = {
        "kind": event.kind,
        "title": event.title,
        "host": str(event.host_partner_id),
        "timezone": event.timezone,
        "start_date": "2026-03-26",
        "start_time": "09:00",
        "end_date": "2026-03-26",
        "end_time": "17:00",
        "format": "in_person",
        "venue": "0",
        "is_public": "y",
        "version": version_of(event),
        "save": "Save",
    }
    response = client.post(f"/events/{event.id}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<li>Site visit (day 2, 09:30–11:00)</li>" in page
    assert _reload(event).local_end == datetime(2026, 3, 27, 17, tzinfo=event.local_end.tzinfo)
    response = client.post(f"/events/{event.id}/edit", data=data | {"agenda": "keep"})
    assert response.status_code == 302
    event = _reload(event)
    assert [s[1] for s in _local(event)] == [datetime(2026, 3, 26, 9, 30)] * 2
