"""Transfers: created and advanced by events, action plans and coordinators; history kept."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.enums import TransferStage
from app.errors import DomainError
from app.extensions import db
from app.outcomes import services as outcome_services
from app.practices import services
from app.practices.models import PracticeEvent, Transfer, TransferStageChange
from app.versioning import version_of
from tests import factories
from tests.practices.world import anonymous_client, sign_in, study_visit


def _transfers() -> int:
    return db.session.scalar(select(func.count()).select_from(Transfer))


def _changes() -> int:
    return db.session.scalar(select(func.count()).select_from(TransferStageChange))


def test_a_partner_cannot_import_its_own_practice(world):
    with pytest.raises(DomainError, match="cannot import its own"):
        services.create_transfer(world.practice, world.gavle)
    db.session.rollback()
    assert _transfers() == 0 and _changes() == 0


def test_the_owners_own_transfer_is_refused_on_the_page(world, client):
    sign_in(client, "coord@example.org")
    response = client.post(
        f"/practices/{world.practice.id}/transfers",
        data={"importer_partner_id": world.gavle.id},
        follow_redirects=True,
    )
    assert "cannot import its own practice" in response.get_data(as_text=True)
    assert _transfers() == 0


def test_a_stage_going_back_needs_a_reason(world):
    transfer = services.create_transfer(world.practice, world.tartu, stage="import_workshop_held")
    db.session.commit()
    with pytest.raises(DomainError, match="needs a reason"):
        services.advance(transfer, TransferStage.STUDIED)
    db.session.rollback()
    db.session.expire_all()
    transfer = db.session.get(Transfer, transfer.id)
    assert transfer.stage == "import_workshop_held"
    assert [c.stage for c in transfer.history] == ["import_workshop_held"]
    assert services.advance(transfer, TransferStage.STUDIED, reason="Workshop was cancelled.")
    db.session.commit()
    assert [c.stage for c in transfer.history] == ["import_workshop_held", "studied"]
    assert transfer.history[-1].reason == "Workshop was cancelled."


def test_coordinator_sets_a_stage_with_a_reason_on_the_page(world, client):
    transfer = services.create_transfer(world.practice, world.tartu, stage="in_action_plan")
    db.session.commit()
    url = f"/transfers/{transfer.id}/stage"
    sign_in(client, "tartu@example.org")
    assert client.post(url, data={"stage": "implemented", "reason": "Done"}).status_code == 403
    client.post("/logout")
    sign_in(client, "coord@example.org")
    seen = version_of(transfer)
    refused = client.post(
        url, data={"stage": "studied", "reason": "", "version": seen}, follow_redirects=True
    )
    assert "Say why" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Transfer, transfer.id).stage == "in_action_plan"
    done = client.post(
        url,
        data={"stage": "implemented", "reason": "Training delivered.", "version": seen},
        follow_redirects=True,
    )
    page = done.get_data(as_text=True)
    assert "Stage set to “Implemented”" in page
    assert "Training delivered." in page
    db.session.expire_all()
    transfer = db.session.get(Transfer, transfer.id)
    assert transfer.stage == "implemented"
    assert transfer.history[-1].changed_by_id is not None


def test_held_study_visit_moves_the_visitors_transfers_and_not_the_owners(world):
    visit = study_visit(world)  # Gävle hosts, Tartu and Genoa visit
    services.link_practice_to_event(world.practice, visit, "studied")
    changed = services.on_event_held(visit)
    db.session.commit()
    assert {t.importer.city for t in changed} == {"Tartu", "Genoa"}
    for transfer in changed:
        assert transfer.stage == "studied"
        assert [(c.stage, c.event_id) for c in transfer.history] == [("studied", visit.id)]
    assert services.on_event_held(visit) == []  # a second call changes nothing
    db.session.commit()
    assert _changes() == 2


def test_import_workshop_moves_on_and_events_never_move_a_transfer_back(world):
    transfer = services.create_transfer(
        world.practice, world.tartu, stage="studied", happened_on=date(2021, 10, 27)
    )
    genoa = services.create_transfer(
        world.practice, world.genoa, stage="in_action_plan", happened_on=date(2021, 12, 1)
    )
    workshop = factories.event(
        world.project,
        world.tartu,
        date(2022, 3, 1),
        date(2022, 3, 1),
        kind="import_workshop",
        status="held",
        participants=[world.gavle, world.genoa],
    )
    services.link_practice_to_event(world.practice, workshop, "import_workshop")
    changed = services.on_event_held(workshop)
    db.session.commit()
    assert changed == [transfer]
    assert transfer.stage == "import_workshop_held"
    # The stage counts from the workshop's date, whenever it was recorded.
    moved = [c for c in transfer.history if c.event_id == workshop.id]
    assert [(c.stage, c.happened_on) for c in moved] == [("import_workshop_held", date(2022, 3, 1))]
    assert moved[0].changed_at > workshop.starts_at  # recorded now, after the fact
    assert genoa.stage == "in_action_plan"


def test_an_event_not_held_moves_nothing(world):
    planned = study_visit(world, status="planned")
    services.link_practice_to_event(world.practice, planned, "studied")
    assert services.on_event_held(planned) == []
    planned.status = "held"
    assert len(services.on_event_held(planned)) == 2


def test_a_practice_only_presented_starts_no_transfer(world):
    event = study_visit(world, kind="thematic_event", title="Thematic event")
    services.link_practice_to_event(world.practice, event, "presented")
    assert services.on_event_held(event) == []
    assert _transfers() == 0


def test_an_action_inspired_by_a_practice_puts_it_in_the_action_plan(world):
    services.create_transfer(world.practice, world.tartu, stage="studied")
    action = outcome_services.save_action(
        world.group,
        {
            "title": "Service design training",
            "status": "done",
            "inspired_by_practice_id": world.practice.id,
        },
    )
    db.session.commit()
    transfer = db.session.scalar(
        select(Transfer).where(Transfer.importer_partner_id == world.tartu.id)
    )
    assert transfer.stage == "in_action_plan"
    assert transfer.history[-1].action_id == action.id


def test_linking_a_practice_to_an_event_is_for_the_hosts_editors(world, client):
    visit = study_visit(world)
    url = f"/events/{visit.id}/practices"
    data = {"practice_id": world.practice.id, "role": "studied", "version": version_of(visit)}
    sign_in(client, "tartu@example.org")
    assert client.post(url, data=data).status_code == 403
    client.post("/logout")
    sign_in(client, "gavle@example.org")
    response = client.post(url, data=data, follow_redirects=True)
    assert "linked to the event" in response.get_data(as_text=True)
    assert db.session.get(PracticeEvent, (world.practice.id, visit.id)).role == "studied"
    # The visit was already held: the visitors' transfers moved on at once.
    assert {t.importer.city for t in db.session.scalars(select(Transfer))} == {"Tartu", "Genoa"}


def test_practice_page_shows_the_journey_as_a_timeline(world, client):
    visit = study_visit(world, title="Service design in Gävle")
    services.link_practice_to_event(world.practice, visit, "studied")
    services.on_event_held(visit)
    outcome_services.save_action(
        world.group,
        {"title": "Service design training", "inspired_by_practice_id": world.practice.id},
    )
    db.session.commit()
    sign_in(client, "funder@example.org")
    page = client.get(f"/practices/{world.practice.id}").get_data(as_text=True)
    tartu = page[page.index("Gävle → Tartu") :]
    assert tartu.index("Service design in Gävle") < tartu.index("Service design training")
    assert f"/action-plans/{world.tartu.code}#action-" in page
    assert "In the action plan" in tartu
    anonymous = anonymous_client(client).get(f"/practices/{world.practice.id}")
    assert "Service design training" not in anonymous.get_data(as_text=True)


def test_marking_a_visit_held_on_the_event_screens_moves_the_transfers(world):
    """The events area's mark_held signals; the practices area records the transfers."""
    from app.events import services as event_services

    visit = study_visit(world, status="planned")
    services.link_practice_to_event(world.practice, visit, "studied")
    assert _transfers() == 0
    event_services.mark_held(visit)
    db.session.commit()
    assert {t.importer.city for t in world.practice.transfers} == {"Tartu", "Genoa"}
    assert all(t.history[0].event_id == visit.id for t in world.practice.transfers)
