"""A small partnership for practices and outcomes tests: three cities, their editors."""

from dataclasses import dataclass
from datetime import date

import pytest

from app.extensions import db
from app.outcomes.models import ActionGroup, ActionPlan, Indicator
from app.partners.models import Partner, Project
from app.practices.models import GoodPractice
from tests import factories

PASSWORD = "correct horse battery"


@dataclass
class World:
    project: Project
    gavle: Partner
    tartu: Partner
    genoa: Partner
    practice: GoodPractice
    plan: ActionPlan
    group: ActionGroup
    indicator: Indicator


@pytest.fixture
def world(app) -> World:
    project = factories.project()
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    gavle = factories.partner(project, "P3", "Gävle", "Europe/Stockholm", country="SE")
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    practice = GoodPractice(
        project=project,
        owner=gavle,
        title="Municipal innovation unit",
        theme="Service design",
        summary="Gävle's innovation unit.",
    )
    plan = ActionPlan(partner=tartu, title="Tartu regional action plan")
    group = ActionGroup(plan=plan, position=1, title="Internal processes")
    indicator = Indicator(project=project, code="PC", name="People trained", unit="people")
    db.session.add_all([practice, plan, group, indicator])
    db.session.commit()
    factories.user("coord@example.org", "coordinator", genoa)
    factories.user("gavle@example.org", "partner", gavle)
    factories.user("tartu@example.org", "partner", tartu)
    factories.user("funder@example.org", "funder")
    return World(project, gavle, tartu, genoa, practice, plan, group, indicator)


def sign_in(client, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.data


def study_visit(world: World, **fields):
    fields.setdefault("kind", "study_visit")
    fields.setdefault("status", "held")
    return factories.event(
        world.project,
        world.gavle,
        date(2021, 10, 27),
        date(2021, 10, 27),
        title=fields.pop("title", "Study visit to Gävle"),
        participants=fields.pop("participants", [world.tartu, world.genoa]),
        **fields,
    )


def anonymous_client(client):
    """A client without the session cookie. The test's app context is shared by requests,
    so Flask-Login's per-context user cache is cleared too."""
    from flask import g

    g.pop("_login_user", None)
    return client.application.test_client()
