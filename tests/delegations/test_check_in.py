"""Check-in after the event starts, attendance counted from it, and the semester report
following; head counts typed by hand stay where nobody is checked in."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.delegations import services
from app.events import services as events
from app.events.models import Attendance, Event
from app.extensions import db
from app.partners.models import Partner, Person
from app.people.services import create_person
from app.reports.render import render_pdf
from app.reports.services import build_report
from app.versioning import version_of
from tests import factories
from tests.delegations.conftest import sign_in
from tests.reports.conftest import key_figures, pdf_text


def attendance(event, partner) -> Attendance | None:
    db.session.expire_all()
    return db.session.get(Attendance, (event.id, partner.id))


def delegation_of_three(world):
    rows = [
        services.register(world.visit, world.tartu, world.people[name])
        for name in ("anneli", "mart", "kadri")
    ]
    db.session.commit()
    return rows


def check_in(client, world, rows):
    db.session.expire_all()
    event = db.session.get(Event, world.visit.id)
    return client.post(
        f"/events/{world.visit.id}/check-in/{world.tartu.id}",
        data={"present": [str(r.id) for r in rows], "version": version_of(event)},
    )


def test_checked_in_people_make_the_partners_attendance(world, client):
    anneli, mart, kadri = delegation_of_three(world)
    sign_in(client, world.users["tartu"])
    page = client.get(f"/events/{world.visit.id}/check-in/{world.tartu.id}").text
    assert "Anneli Säälik" in page and "Kadri Tamm" in page
    response = check_in(client, world, [anneli, kadri])
    assert response.status_code == 302, response.text
    row = attendance(world.visit, world.tartu)
    assert (row.staff_count, row.stakeholder_count, row.source) == (1, 1, "check_in")
    check_in(client, world, [anneli, mart, kadri])  # an expert counts as staff
    row = attendance(world.visit, world.tartu)
    assert (row.staff_count, row.stakeholder_count) == (2, 1)
    page = client.get(f"/events/{world.visit.id}").text
    assert "(from check-in)" in page
    assert "Counted from check-in: change who is checked in to change these figures." in page


def test_a_typed_head_count_cannot_contradict_the_check_in(world, client):
    anneli, *_ = delegation_of_three(world)
    sign_in(client, world.users["tartu"])
    check_in(client, world, [anneli])
    db.session.expire_all()
    event = db.session.get(Event, world.visit.id)
    prefix = f"p{world.tartu.id}-"
    response = client.post(
        f"/events/{world.visit.id}/attendance/{world.tartu.id}",
        data={
            prefix + "staff_count": "9",
            prefix + "stakeholder_count": "9",
            prefix + "version": version_of(event),
        },
    )
    assert response.status_code == 400
    assert "counted from check-in" in response.text
    assert attendance(world.visit, world.tartu).staff_count == 1


def test_unticking_everyone_gives_the_head_count_back(world, client):
    anneli, *_ = delegation_of_three(world)
    sign_in(client, world.users["tartu"])
    check_in(client, world, [anneli])
    check_in(client, world, [])
    row = attendance(world.visit, world.tartu)
    assert (row.staff_count, row.stakeholder_count, row.source) == (0, 0, "head_count")
    assert all(r.checked_in_at is None for r in services.delegation(world.visit, world.tartu))


def test_a_head_count_stays_while_nobody_is_checked_in(world):
    delegation_of_three(world)
    events.set_attendance(world.visit, world.tartu, 4, 2)
    db.session.commit()
    services.check_in(world.visit, world.tartu, [])
    db.session.commit()
    row = attendance(world.visit, world.tartu)
    assert (row.staff_count, row.stakeholder_count, row.source) == (4, 2, "head_count")


def test_check_in_opens_when_the_event_starts(world, client):
    later = factories.event(
        world.project,
        world.genoa,
        datetime(2027, 5, 4, 9),
        datetime(2027, 5, 4, 17),
        participants=[world.tartu],
    )
    row = services.register(later, world.tartu, world.people["anneli"])
    db.session.commit()
    sign_in(client, world.users["coordinator"])
    page = client.get(f"/events/{later.id}/check-in/{world.tartu.id}").text
    assert "Check-in opens when the event starts." in page
    response = client.post(
        f"/events/{later.id}/check-in/{world.tartu.id}",
        data={"present": [str(row.id)], "version": version_of(later)},
    )
    assert response.status_code == 400
    assert attendance(later, world.tartu) is None
    assert "Check-in" not in client.get(f"/events/{later.id}").text.split('id="delegations"')[1]


@pytest.mark.parametrize(("who", "allowed"), [("tartu", True), ("genoa", True), ("gavle", False)])
def test_who_checks_in(world, client, who, allowed):
    """Whoever records the partner's attendance: its editors, the host's, coordinators."""
    anneli, *_ = delegation_of_three(world)
    sign_in(client, world.users[who])
    assert (check_in(client, world, [anneli]).status_code == 302) is allowed


def _participants_figure(project, day: date) -> int:
    number = next(p.number for p in project.periods() if p.contains(day))
    return key_figures(pdf_text(render_pdf(build_report(project, number))))["participants"]


def test_check_in_changes_the_reports_participants(world, client):
    anneli, mart, kadri = delegation_of_three(world)
    events.mark_held(world.visit)
    events.set_attendance(world.visit, world.genoa, 5, 0)  # Genoa typed a head count
    db.session.commit()
    before = _participants_figure(world.project, date(2026, 3, 5))
    assert before == 5
    sign_in(client, world.users["tartu"])
    check_in(client, world, [anneli, mart, kadri])
    db.session.expire_all()
    project = db.session.get(type(world.project), world.project.id)
    assert _participants_figure(project, date(2026, 3, 5)) == 8


def test_the_demo_partnerships_head_counts_stay_as_typed(demo):
    """2020-2021 has no names: head counts typed by hand keep their figures, in the
    report too, when another delegation at the same event is checked in."""
    held = select(Event).where(Event.status == "held").order_by(Event.starts_at)
    event = next(e for e in db.session.scalars(held) if len(e.participants) > 1)
    assert event.starts_at.year in (2019, 2020, 2021)
    counted, named = event.participants[0], event.participants[-1]
    events.set_attendance(event, counted, 7, 3)
    db.session.commit()
    project, day = event.project, event.local_start.date()
    before = _participants_figure(project, day)
    services.check_in(event, counted, [])  # nobody named: the head count stays
    row = services.register(event, named, create_person(named, "Named traveller"))
    services.check_in(event, named, [row.id])
    db.session.commit()
    kept = attendance(event, counted)
    assert (kept.staff_count, kept.stakeholder_count, kept.source) == (7, 3, "head_count")
    assert _participants_figure(project, day) == before + 1


def test_people_and_partners_of_the_demo_have_no_registrations(demo):
    from app.delegations.models import Registration

    assert db.session.scalars(select(Registration)).all() == []
    assert db.session.scalars(select(Attendance).where(Attendance.source == "check_in")).all() == []
    assert db.session.scalars(select(Partner)).all() and db.session.scalars(select(Person)).all()
