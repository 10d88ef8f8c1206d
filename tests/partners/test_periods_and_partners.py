"""Reporting periods and the rejections of bad partner data."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import DomainError, UnknownPeriod
from app.extensions import db
from app.partners.models import Partner
from app.partners.services import add_partner
from tests import factories


def test_period_by_number_and_by_date(app):
    project = factories.project(start_date=date(2019, 8, 1))
    assert project.period(2).start == date(2020, 2, 1)
    assert project.period_for(date(2020, 6, 16)).number == 2
    assert project.period_for(date(2020, 7, 31)).number == 2
    assert project.period_for(date(2020, 8, 1)).number == 3


def test_unknown_period_is_refused_with_a_message(app):
    project = factories.project(start_date=date(2019, 8, 1))
    with pytest.raises(UnknownPeriod, match="no semester 99"):
        project.period(99)
    with pytest.raises(UnknownPeriod, match="outside"):
        project.period_for(date(2018, 1, 1))


def test_partner_code_used_twice_is_refused_and_nothing_written(app):
    project = factories.project()
    factories.partner(project, "P4")
    with pytest.raises(DomainError, match="used already"):
        add_partner(
            project,
            code="P4",
            name="Other",
            city="Tartu",
            country="EE",
            timezone="Europe/Tallinn",
            language="et",
        )
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 1


def test_unknown_time_zone_is_refused(app):
    project = factories.project()
    with pytest.raises(DomainError, match="Unknown time zone"):
        add_partner(
            project,
            code="P9",
            name="X",
            city="Tartu",
            country="EE",
            timezone="Europe/Tartu",
            language="et",
        )
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 0


def test_database_itself_refuses_a_duplicate_code(app):
    from sqlalchemy.exc import IntegrityError

    project = factories.project()
    factories.partner(project, "P1")
    db.session.add(
        Partner(
            project=project,
            code="P1",
            name="Dup",
            city="X",
            country="EE",
            timezone="Europe/Tallinn",
            language="et",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_cli_rejections_exit_non_zero_with_a_message(demo, runner):
    base = ["partners", "add"]
    opts = ["--name", "X", "--city", "X", "--country", "EE", "--language", "et"]
    dup = runner.invoke(args=[*base, "P4", *opts, "--timezone", "Europe/Tallinn"])
    assert dup.exit_code != 0 and "used already" in dup.output
    zone = runner.invoke(args=[*base, "P9", *opts, "--timezone", "Mars/Olympus"])
    assert zone.exit_code != 0 and "Unknown time zone" in zone.output
    period = runner.invoke(args=["periods", "show", "42"])
    assert period.exit_code != 0 and "no semester 42" in period.output
    assert "Traceback" not in dup.output + zone.output + period.output
    assert db.session.scalar(select(func.count()).select_from(Partner)) == 5
