"""A Genoa study visit Tartu takes part in (Gävle does not), with each city's people and
an account for each role."""

from dataclasses import dataclass
from datetime import datetime

import pytest
from flask import g
from sqlalchemy import select

from app.auth.models import User
from app.delegations.models import Registration
from app.events.models import Event
from app.extensions import db
from app.partners.models import Partner, Person, Project
from app.people.services import create_person
from tests import factories


@dataclass
class World:
    project: Project
    genoa: Partner
    tartu: Partner
    gavle: Partner
    visit: Event  # 5-6 March 2026 in Genoa: started, so check-in is open
    people: dict[str, Person]
    users: dict[str, User]


@pytest.fixture
def world(app) -> World:
    project = factories.project(years=8)
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    gavle = factories.partner(project, "P3", "Gävle", "Europe/Stockholm", country="SE")
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    visit = factories.event(
        project,
        genoa,
        datetime(2026, 3, 5, 9),
        datetime(2026, 3, 6, 17),
        participants=[tartu],
        title="Digital citizen folder",
    )
    people = {
        "anneli": create_person(
            tartu, "Anneli Säälik", function="Project manager", email="anneli@tartu.example"
        ),
        "mart": create_person(tartu, "Mart Kask", function="Data expert", kind="expert"),
        "kadri": create_person(
            tartu, "Kadri Tamm", organisation="Tartu Science Park", kind="stakeholder"
        ),
        "rein": create_person(tartu, "Rein Oja", kind="stakeholder"),
        "giulia": create_person(genoa, "Giulia Rossi", function="Coordinator"),
        "henrik": create_person(gavle, "Henrik Mazzanti", email="henrik@gavle.example"),
    }
    db.session.commit()
    users = {
        "coordinator": factories.user("coord@example.org", "coordinator", genoa),
        "tartu": factories.user("tartu@example.org", "partner", tartu),
        "genoa": factories.user("genoa@example.org", "partner", genoa),
        "gavle": factories.user("gavle@example.org", "partner", gavle),
        "funder": factories.user("funder@example.org", "funder"),
    }
    return World(project, genoa, tartu, gavle, visit, people, users)


def sign_in(client, user: User | None) -> None:
    """Sign `client` in as `user` (None: anonymous)."""
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        if user is not None:
            factories.signed_in(session, user)


def registrations() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))
