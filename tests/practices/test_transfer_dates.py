"""Transfer stages dated when the step happened: late entries count in the right semester."""

from datetime import date, timedelta

import pytest

from app.errors import DomainError
from app.events.queries import period_bounds
from app.extensions import db
from app.partners.periods import add_months
from app.practices import services
from app.practices.models import GoodPractice, Transfer
from app.reports.services import _transfers, build_report
from app.versioning import version_of
from tests import factories
from tests.practices.world import sign_in, study_visit


@pytest.fixture
def running(app):
    """A partnership two years into its three: semester 5 is the current one."""
    today = services.today()
    start = add_months(date(today.year, today.month, 1), -24)
    project = factories.project(start_date=start)
    owner = factories.partner(project, "P1", "Gävle", "Europe/Stockholm", country="SE")
    importer = factories.partner(project, "P2", "Tartu", "Europe/Tallinn")
    practice = GoodPractice(project=project, owner=owner, title="Innovation unit")
    db.session.add(practice)
    db.session.commit()
    return project, practice, importer


def test_a_stage_recorded_today_but_dated_in_semester_3_counts_in_semester_3(running):
    project, practice, importer = running
    first, third = project.period(1), project.period(3)
    current = project.period_for(services.today())
    assert current.number == 5
    transfer = services.create_transfer(practice, importer, happened_on=first.start)
    services.set_stage_by_coordinator(
        transfer,
        "studied",
        "Visit recorded late.",
        happened_on=third.start + timedelta(days=40),
    )
    db.session.commit()
    step = transfer.history[-1]
    assert step.changed_at.date() == services.today()  # recorded today, honestly

    report = build_report(project, 3)
    (entry,) = report.transfers_advanced
    assert (entry.stage_at_start.value, entry.stage_at_end.value) == ("identified", "studied")

    (now,) = _transfers(project, *period_bounds(current))
    assert now.stage_at_start.value == now.stage_at_end.value == "studied"
    assert not now.advanced


@pytest.mark.parametrize(
    ("happened_on", "message"),
    [
        (lambda p: services.today() + timedelta(days=1), "in the future"),
        (lambda p: p.start_date - timedelta(days=1), "outside"),
        (lambda p: "2021-03-01", "YYYY-MM-DD"),
    ],
)
def test_a_date_in_the_future_or_outside_the_project_is_refused(running, happened_on, message):
    project, practice, importer = running
    with pytest.raises(DomainError, match=message) as refused:
        services.create_transfer(practice, importer, happened_on=happened_on(project))
    assert refused.value.field == "happened_on"
    db.session.rollback()
    assert db.session.query(Transfer).count() == 0


def test_a_step_dated_before_the_latest_one_is_refused_and_the_timeline_stays_in_order(running):
    project, practice, importer = running
    third = project.period(3)
    transfer = services.create_transfer(practice, importer, happened_on=third.start)
    services.set_stage_by_coordinator(
        transfer, "in_action_plan", "Plan adopted.", happened_on=third.last_day
    )
    db.session.commit()
    with pytest.raises(DomainError, match="dated .* on or after it") as refused:
        services.set_stage_by_coordinator(
            transfer, "implemented", "Done.", happened_on=third.start + timedelta(days=3)
        )
    assert refused.value.field == "happened_on"
    db.session.rollback()
    db.session.expire_all()
    transfer = db.session.get(Transfer, transfer.id)
    assert [c.stage for c in transfer.history] == ["identified", "in_action_plan"]
    # The same day as the latest step is fine.
    services.set_stage_by_coordinator(transfer, "implemented", "Done.", happened_on=third.last_day)
    db.session.commit()
    assert transfer.stage == "implemented"
    dates = [c.happened_on for c in transfer.history]
    assert dates == sorted(dates)


def test_an_event_held_after_a_later_dated_step_does_not_date_back_before_it(world):
    """An event's step is dated at the event, but never before the transfer's latest step:
    the current stage stays the latest one in the timeline."""
    transfer = services.create_transfer(
        world.practice, world.tartu, stage="identified", happened_on=date(2022, 1, 10)
    )
    visit = study_visit(world)  # 27 Oct 2021, Tartu visits
    services.link_practice_to_event(world.practice, visit, "studied")
    services.on_event_held(visit)
    db.session.commit()
    assert [(c.stage, c.happened_on) for c in transfer.history] == [
        ("identified", date(2022, 1, 10)),
        ("studied", date(2022, 1, 10)),
    ]


def test_the_coordinator_dates_a_stage_on_the_practice_page(world, client):
    transfer = services.create_transfer(
        world.practice, world.tartu, stage="studied", happened_on=date(2021, 10, 27)
    )
    db.session.commit()
    sign_in(client, "coord@example.org")
    page = client.get(f"/practices/{world.practice.id}").get_data(as_text=True)
    # The project ended on 31 Jul 2022: the form offers its last day, not today.
    assert 'name="happened_on" value="2022-07-31"' in page
    refused = client.post(
        f"/transfers/{transfer.id}/stage",
        data={
            "stage": "in_action_plan",
            "reason": "Late.",
            "happened_on": "2030-01-01",
            "version": version_of(transfer),
        },
        follow_redirects=True,
    )
    assert "is in the future" in refused.get_data(as_text=True)
    done = client.post(
        f"/transfers/{transfer.id}/stage",
        data={
            "stage": "in_action_plan",
            "reason": "Adopted.",
            "happened_on": "2022-02-15",
            "version": version_of(transfer),
        },
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert "Stage set to “In the action plan”" in text
    assert "15 Feb 2022" in text and f"recorded {services.today():%-d %b %Y}" in text
    db.session.expire_all()
    assert db.session.get(Transfer, transfer.id).history[-1].happened_on == date(2022, 2, 15)


def test_a_transfer_is_dated_when_it_is_taken_up_on_the_page(world, client):
    sign_in(client, "coord@example.org")
    client.post(
        f"/practices/{world.practice.id}/transfers",
        data={"importer_partner_id": world.tartu.id, "happened_on": "2020-05-04"},
    )
    (transfer,) = db.session.query(Transfer).all()
    assert transfer.history[0].happened_on == date(2020, 5, 4)
