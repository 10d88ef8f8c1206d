"""Events store instants in UTC with their zone; bad spans and zones are refused."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import DomainError
from app.events.models import Event, EventSession
from app.extensions import db
from tests import factories


@pytest.fixture
def tartu(app):
    project = factories.project()
    return project, factories.partner(project, "P4", "Tartu", "Europe/Tallinn")


def test_local_input_is_stored_as_the_right_instant(tartu):
    project, host = tartu
    event = factories.event(project, host, datetime(2026, 3, 5, 10, 0), datetime(2026, 3, 5, 12, 0))
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert stored.starts_at == datetime(2026, 3, 5, 8, 0, tzinfo=UTC)  # EET is UTC+2
    assert stored.local_start.hour == 10 and stored.timezone == "Europe/Tallinn"


def test_across_daylight_saving(tartu):
    project, host = tartu
    summer = factories.event(
        project, host, datetime(2026, 7, 1, 10, 0), datetime(2026, 7, 1, 11, 0)
    )
    assert summer.starts_at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # EEST is UTC+3


def test_all_day_event_spans_local_midnights(tartu):
    project, host = tartu
    event = factories.event(project, host, date(2026, 3, 5), date(2026, 3, 6))
    assert event.all_day
    assert event.starts_at == datetime(2026, 3, 4, 22, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 3, 6, 22, 0, tzinfo=UTC)


def test_end_before_start_is_refused_and_nothing_written(tartu):
    project, host = tartu
    with pytest.raises(DomainError, match="end is before the start"):
        factories.event(project, host, datetime(2026, 3, 5, 12), datetime(2026, 3, 5, 10))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_model_refuses_a_bad_span_set_directly(tartu):
    project, host = tartu
    event = factories.event(project, host, datetime(2026, 3, 5, 10), datetime(2026, 3, 5, 12))
    event.ends_at = event.starts_at
    with pytest.raises(DomainError, match="must end after it starts"):
        db.session.commit()
    db.session.rollback()


def test_database_refuses_a_bad_span_too(tartu):
    project, host = tartu
    event = factories.event(project, host, datetime(2026, 3, 5, 10), datetime(2026, 3, 5, 12))
    table = EventSession.__table__
    with pytest.raises(IntegrityError):
        db.session.execute(
            table.insert().values(
                event_id=event.id,
                title="Bad",
                kind="seminar",
                starts_at=datetime(2026, 3, 5, 10, tzinfo=UTC),
                ends_at=datetime(2026, 3, 5, 9, tzinfo=UTC),
            )
        )
    db.session.rollback()


def test_unknown_zone_on_an_event_is_refused(tartu):
    project, host = tartu
    with pytest.raises(DomainError, match="Unknown time zone"):
        factories.event(
            project, host, datetime(2026, 3, 5, 10), datetime(2026, 3, 5, 12), timezone="CEST"
        )


def test_naive_instants_never_reach_the_database(tartu):
    project, host = tartu
    event = factories.event(project, host, datetime(2026, 3, 5, 10), datetime(2026, 3, 5, 12))
    event.ends_at = datetime(2026, 3, 5, 15, 0)  # naive: ambiguous
    with pytest.raises((TypeError, ValueError), match="naive"):
        db.session.commit()
    db.session.rollback()


def test_cli_refuses_end_before_start(demo, runner):
    result = runner.invoke(
        args=[
            "events",
            "add",
            "--kind",
            "study_visit",
            "--title",
            "T",
            "--host",
            "P4",
            "--start",
            "2026-03-05 10:00",
            "--end",
            "2026-03-05 09:00",
        ]
    )
    assert result.exit_code != 0 and "end is before the start" in result.output
    ok = runner.invoke(
        args=[
            "events",
            "add",
            "--kind",
            "study_visit",
            "--title",
            "Visit",
            "--host",
            "P4",
            "--start",
            "2026-03-05 10:00",
            "--end",
            "2026-03-05 16:00",
            "--with",
            "GEN",
        ]
    )
    assert ok.exit_code == 0, ok.output
    event = db.session.scalars(select(Event).where(Event.title == "Visit")).one()
    assert event.starts_at == datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
    assert sorted(p.code for p in event.participants) == ["GEN", "P4"]
