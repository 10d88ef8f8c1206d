"""Every form that changes an existing object carries its version: a form loaded before
someone else's save, or sent without a version, is refused and changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
from flask import g
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.auth.services import set_timezone
from app.events import services as events
from app.events.models import Attendance, Event, EventSession
from app.extensions import db
from app.outcomes.models import Action
from app.practices import services as practices
from app.practices.models import PracticeEvent, Transfer
from app.versioning import version_of
from tests import factories
from tests.practices.world import PASSWORD, study_visit, world  # noqa: F401


def sign_in(client, user: User) -> None:
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


@dataclass
class Case:
    url: Callable  # (things) -> str
    data: Callable  # (things) -> dict, without the version
    obj: Callable  # (things) -> the object whose version the form carries
    theirs: Callable  # (things) -> None: someone else's change, committed
    named: str  # the changed field the refusal names
    unchanged: Callable  # (things) -> bool: the refused form changed nothing
    version_field: str = "version"
    status: int = 409  # forms answer 409 with the form; small buttons redirect with a flash


def _event_form(t) -> dict:
    return {
        "kind": "study_visit",
        "title": "Mine",
        "host": str(t["world"].gavle.id),
        "participants": [str(t["world"].tartu.id)],
        "timezone": "Europe/Stockholm",
        "start_date": "2030-10-27",
        "start_time": "09:00",
        "end_date": "2030-10-27",
        "end_time": "17:00",
        "format": "in_person",
        "venue": "0",
        "is_public": "y",
        "save_anyway": "Save anyway",
    }


def _retitle(getter):
    def change(t) -> None:
        getter(t).title = "Theirs"
        db.session.commit()

    return change


def _event(t) -> Event:
    return db.session.get(Event, t["event"].id)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _password_unchanged(t) -> bool:
    return db.session.get(User, t["user"].id).check_password(PASSWORD)


CASES = {
    "event edit": Case(
        url=lambda t: f"/events/{t['event'].id}/edit",
        data=_event_form,
        obj=_event,
        theirs=_retitle(_event),
        named="title",
        unchanged=lambda t: _event(t).title == "Theirs",
    ),
    "postpone": Case(
        url=lambda t: f"/events/{t['event'].id}/postpone",
        data=lambda t: {"start_date": "2030-11-03", "end_date": "2030-11-03"},
        obj=_event,
        theirs=_retitle(_event),
        named="title",
        unchanged=lambda t: _event(t).status == "planned",
    ),
    "move online": Case(
        url=lambda t: f"/events/{t['event'].id}/move-online",
        data=lambda t: {"online_platform": "Zoom"},
        obj=_event,
        theirs=_retitle(_event),
        named="title",
        unchanged=lambda t: _event(t).format == "in_person",
    ),
    "cancel": Case(
        url=lambda t: f"/events/{t['event'].id}/cancel",
        data=lambda t: {},
        obj=_event,
        theirs=_retitle(_event),
        named="title",
        unchanged=lambda t: _event(t).status == "planned",
    ),
    "session add": Case(
        url=lambda t: f"/events/{t['event'].id}/sessions",
        data=lambda t: {
            "title": "Mine",
            "kind": "seminar",
            "start_date": "2030-10-27",
            "start_time": "10:00",
            "end_time": "11:00",
        },
        obj=_event,
        theirs=_retitle(_event),
        named="title",
        unchanged=lambda t: _count(EventSession, EventSession.title == "Mine") == 0,
    ),
    "session edit": Case(
        url=lambda t: f"/events/{t['event'].id}/sessions/{t['session'].id}/edit",
        data=lambda t: {
            "title": "Mine",
            "kind": "seminar",
            "start_date": "2030-10-27",
            "start_time": "10:00",
            "end_time": "11:00",
        },
        obj=lambda t: db.session.get(EventSession, t["session"].id),
        theirs=_retitle(lambda t: db.session.get(EventSession, t["session"].id)),
        named="title",
        unchanged=lambda t: db.session.get(EventSession, t["session"].id).title == "Theirs",
    ),
    "session delete": Case(
        url=lambda t: f"/events/{t['event'].id}/sessions/{t['session'].id}/delete",
        data=lambda t: {},
        obj=lambda t: db.session.get(EventSession, t["session"].id),
        theirs=_retitle(lambda t: db.session.get(EventSession, t["session"].id)),
        named="title",
        unchanged=lambda t: _count(EventSession) == 1,
    ),
    "attendance": Case(
        url=lambda t: f"/events/{t['event'].id}/attendance/{t['world'].tartu.id}",
        data=lambda t: {
            f"p{t['world'].tartu.id}-staff_count": "3",
            f"p{t['world'].tartu.id}-stakeholder_count": "1",
        },
        obj=_event,
        theirs=_retitle(_event),
        named="title",
        unchanged=lambda t: _count(Attendance) == 0,
        version_field="p{tartu}-version",
    ),
    "practice edit": Case(
        url=lambda t: f"/practices/{t['world'].practice.id}/edit",
        data=lambda t: {"title": "Mine", "owner_partner_id": str(t["world"].gavle.id)},
        obj=lambda t: t["world"].practice,
        theirs=_retitle(lambda t: t["world"].practice),
        named="title",
        unchanged=lambda t: t["world"].practice.title == "Theirs",
    ),
    "transfer stage": Case(
        url=lambda t: f"/transfers/{t['transfer'].id}/stage",
        data=lambda t: {"stage": "implemented", "reason": "Done."},
        obj=lambda t: db.session.get(Transfer, t["transfer"].id),
        theirs=lambda t: (
            practices.advance(db.session.get(Transfer, t["transfer"].id), "studied"),
            db.session.commit(),
        ),
        named="stage",
        unchanged=lambda t: db.session.get(Transfer, t["transfer"].id).stage == "studied",
        status=200,
    ),
    "practice linked to the event": Case(
        url=lambda t: f"/events/{t['event'].id}/practices",
        data=lambda t: {"practice_id": str(t["world"].practice.id), "role": "presented"},
        obj=_event,
        theirs=_retitle(_event),
        named="title",
        unchanged=lambda t: _count(PracticeEvent) == 0,
        status=200,
    ),
    "action plan edit": Case(
        url=lambda t: f"/action-plans/{t['world'].tartu.code}/edit",
        data=lambda t: {"title": "Mine"},
        obj=lambda t: t["world"].plan,
        theirs=_retitle(lambda t: t["world"].plan),
        named="title",
        unchanged=lambda t: t["world"].plan.title == "Theirs",
    ),
    "action edit": Case(
        url=lambda t: f"/actions/{t['action'].id}/edit",
        data=lambda t: {"title": "Mine", "inspired_by_practice_id": "0", "status": "planned"},
        obj=lambda t: db.session.get(Action, t["action"].id),
        theirs=_retitle(lambda t: db.session.get(Action, t["action"].id)),
        named="title",
        unchanged=lambda t: db.session.get(Action, t["action"].id).title == "Theirs",
    ),
    "indicator edit": Case(
        url=lambda t: f"/indicators/{t['world'].indicator.id}/edit",
        data=lambda t: {"code": "PC", "name": "Mine"},
        obj=lambda t: t["world"].indicator,
        theirs=lambda t: (setattr(t["world"].indicator, "unit", "persons"), db.session.commit()),
        named="unit",
        unchanged=lambda t: t["world"].indicator.name == "People trained",
    ),
    "account time zone": Case(
        url=lambda t: "/account",
        data=lambda t: {"zone-timezone": "Asia/Tokyo", "zone-submit_zone": "Save"},
        obj=lambda t: db.session.get(User, t["user"].id),
        theirs=lambda t: set_timezone(
            db.session.get(User, t["user"].id),
            "Europe/Rome",
            seen_version=version_of(db.session.get(User, t["user"].id)),
        ),
        named="time zone",
        unchanged=lambda t: db.session.get(User, t["user"].id).preferred_timezone == "Europe/Rome",
        version_field="zone-version",
    ),
    "account password": Case(
        url=lambda t: "/account",
        data=lambda t: {
            "current_password": PASSWORD,
            "new_password": "a new long password",
            "confirm": "a new long password",
        },
        obj=lambda t: db.session.get(User, t["user"].id),
        theirs=lambda t: set_timezone(
            db.session.get(User, t["user"].id),
            "Europe/Rome",
            seen_version=version_of(db.session.get(User, t["user"].id)),
        ),
        named="time zone",
        unchanged=_password_unchanged,
    ),
}


@pytest.fixture
def things(world):  # noqa: F811
    event = study_visit(world, status="planned", title="Open data")
    events.update_event(event, start=datetime(2030, 10, 27, 9), end=datetime(2030, 10, 27, 17))
    session = events.add_session(
        event, title="Walk", start=datetime(2030, 10, 27, 13), end=datetime(2030, 10, 27, 14)
    )
    transfer = practices.create_transfer(world.practice, world.tartu)
    action = Action(group=world.group, title="Train staff")
    db.session.add(action)
    db.session.commit()
    user = db.session.scalar(select(User).where(User.email == "coord@example.org"))
    return {
        "world": world,
        "event": event,
        "session": session,
        "transfer": transfer,
        "action": action,
        "user": user,
    }


@pytest.mark.parametrize("how", ["stale", "missing"])
@pytest.mark.parametrize("name", list(CASES))
def test_a_stale_or_missing_version_is_refused_and_changes_nothing(things, client, name, how):
    case = CASES[name]
    sign_in(client, things["user"])
    seen = version_of(case.obj(things))
    case.theirs(things)
    data = case.data(things)
    if how == "stale":
        field = case.version_field.format(tartu=things["world"].tartu.id)
        data[field] = seen
    response = client.post(case.url(things), data=data, follow_redirects=True)
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == case.status, page
    if how == "stale":
        assert "Someone else changed this" in page and case.named in page.split("Someone")[1]
    else:
        assert "did not say which version" in page
    db.session.expire_all()
    assert case.unchanged(things)


def test_the_refused_form_saves_once_checked(things, client):
    """The refused form comes back with the current version: sent again, it is saved."""
    sign_in(client, things["user"])
    case = CASES["event edit"]
    seen = version_of(_event(things))
    case.theirs(things)
    refused = client.post(case.url(things), data={**case.data(things), "version": seen})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "after you opened the form: title." in page and 'value="Mine"' in page
    again = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    assert again == version_of(_event(things))
    saved = client.post(case.url(things), data={**case.data(things), "version": again})
    assert saved.status_code == 302
    db.session.expire_all()
    assert _event(things).title == "Mine"


def test_each_accepted_change_raises_the_version_once(things):
    """A change to the event's parts raises the event's version too (so forms loaded before
    it are refused); only calendar-visible changes raise the revision (SEQUENCE)."""
    event = _event(things)
    version, revision = event.version, event.revision
    events.update_event(event, seen_version=version_of(event), title="One")
    db.session.commit()
    events.set_attendance(event, things["world"].tartu, 2, 0, seen_version=version_of(event))
    db.session.commit()
    event = _event(things)
    assert (event.version, event.revision) == (version + 2, revision + 1)


def test_a_lost_race_no_view_expected_is_a_409_page_not_a_500(app):
    def lose():
        raise StaleDataError("UPDATE statement on table 'event' expected to update 1 row")

    app.add_url_rule("/test-lost-race", "test_lost_race", lose)
    response = app.test_client().get("/test-lost-race")
    assert response.status_code == 409
    assert "Someone else changed this at the same moment" in response.get_data(as_text=True)


def test_the_database_refuses_a_write_to_a_row_changed_since_it_was_read(things):
    """The check is the UPDATE's own `WHERE version = ...`: a change committed by another
    connection between the form's check and the write makes the write update nothing."""
    event = _event(things)
    seen = version_of(event)
    with db.engine.begin() as other:  # someone else's transaction, committed meanwhile
        other.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(title="Theirs", version=Event.version + 1)
        )
    events.update_event(event, seen_version=seen, title="Mine")  # read before: passes
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()
    assert _event(things).title == "Theirs"
