"""A small partnership for the people tests: Tartu and Genoa, an editor of each, a
coordinator, a funder, and a few people with e-mail addresses."""

from dataclasses import dataclass
from datetime import datetime

import pytest
from flask import g

from app.auth.models import User
from app.events.models import EventSession
from app.extensions import db
from app.partners.models import Partner, Person, Project
from app.people.services import create_person
from tests import factories


@dataclass
class World:
    project: Project
    tartu: Partner
    genoa: Partner
    users: dict[str, User]
    mari: Person  # Tartu staff, with an e-mail address
    jaan: Person  # Tartu local stakeholder, no address
    anna: Person  # Genoa expert, speaks at the event's session
    event_id: int
    session_id: int


@pytest.fixture
def world(app) -> World:
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT", language="it")
    mari = create_person(
        tartu, "Mari Tamm", function="Project manager", email="mari.tamm@example.org"
    )
    jaan = create_person(tartu, "Jaan Kask", organisation="Tartu Science Park", kind="stakeholder")
    anna = create_person(
        genoa,
        "Anna Rossi",
        function="Head of digital services",
        kind="expert",
        email="anna.rossi@example.org",
    )
    db.session.commit()
    event = factories.event(
        project,
        tartu,
        datetime(2026, 3, 5, 10),
        datetime(2026, 3, 5, 16),
        participants=[genoa],
        title="Digital services",
    )
    session = EventSession(
        title="The citizen folder", starts_at=event.starts_at, ends_at=event.ends_at
    )
    session.experts.append(anna)
    event.sessions.append(session)
    db.session.commit()
    users = {
        "coordinator": User(email="coord@example.org", role="coordinator", partner=genoa),
        "tartu": User(email="tartu@example.org", role="partner", partner=tartu),
        "genoa": User(email="genoa@example.org", role="partner", partner=genoa),
        "funder": User(email="funder@example.org", role="funder"),
    }
    for user in users.values():
        user.password_hash = "!"
        db.session.add(user)
    db.session.commit()
    return World(project, tartu, genoa, users, mari, jaan, anna, event.id, session.id)


def as_user(client, user: User | None):
    """`client` signed in as `user` (None: a visitor without an account)."""
    g.pop("_login_user", None)
    if user is None:
        return client.application.test_client()
    with client.session_transaction() as session:
        factories.signed_in(session, user)
    return client
