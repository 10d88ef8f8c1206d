"""A small partnership written in its own languages: Gävle, Nyíregyháza, Tartu and Genoa,
public and internal events, practices, an outcome, people with e-mail addresses, and an
account of each role."""

from dataclasses import dataclass
from datetime import datetime

import pytest
from flask import g

from app.auth.models import User
from app.events.models import Event, EventSession
from app.extensions import db
from app.outcomes.services import record_outcome
from app.partners.models import Partner, Person, Project
from app.people.services import create_person
from app.practices.models import GoodPractice
from tests import factories


@dataclass
class World:
    project: Project
    gavle: Partner
    nyiregyhaza: Partner
    tartu: Partner
    genoa: Partner
    users: dict[str, User]
    visit: Event  # public, hosted by Gävle, with a session and an expert
    lego: Event  # public, hosted by Nyíregyháza
    internal: Event  # internal, in Nyíregyháza
    estonian: Event  # public, titled in Estonian
    mari: Person  # Tartu staff with an e-mail address
    anna: Person  # Genoa expert at the Gävle visit's session


@pytest.fixture
def world(app) -> World:
    project = factories.project()
    gavle = factories.partner(project, "P3", "Gävle", "Europe/Stockholm", country="SE")
    nyiregyhaza = factories.partner(
        project, "NYI", "Nyíregyháza", "Europe/Budapest", country="HU", language="hu"
    )
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "GEN", "Genoa", "Europe/Rome", country="IT")
    mari = create_person(
        tartu, "Mari Tamm", function="Project manager", email="mari.tamm@example.org"
    )
    anna = create_person(
        genoa,
        "Anna Rossi",
        function="Head of digital services",
        kind="expert",
        email="anna.rossi@example.org",
    )
    db.session.commit()
    visit = factories.event(
        project,
        gavle,
        datetime(2021, 10, 27, 9),
        datetime(2021, 10, 27, 17),
        title="Service design in Gävle",
        participants=[tartu, genoa],
    )
    session = EventSession(
        title="Municipal innovation unit", starts_at=visit.starts_at, ends_at=visit.ends_at
    )
    session.experts.append(anna)
    visit.sessions.append(session)
    lego = factories.event(
        project,
        nyiregyhaza,
        datetime(2021, 9, 13, 9),
        datetime(2021, 9, 13, 17),
        title="LEGO Education Innovation Studio",
        description="Nyíregyháza shows its studio for teachers.",
    )
    internal = factories.event(
        project,
        nyiregyhaza,
        datetime(2022, 1, 10, 9),
        datetime(2022, 1, 10, 12),
        kind="meeting",
        title="Budget talks in Nyíregyháza",
        is_public=False,
    )
    estonian = factories.event(
        project,
        tartu,
        datetime(2022, 3, 1, 9),
        datetime(2022, 3, 1, 15),
        kind="local_event",
        title="Õppevisiit Tartu ettevõtetesse",
    )
    db.session.add_all(
        [
            GoodPractice(
                project=project,
                owner=genoa,
                title="Digital citizen folder",
                summary="Genoa's residents find their documents in one place.",
            ),
            GoodPractice(
                project=project, owner=gavle, title="Gävle's hidden draft", is_public=False
            ),
        ]
    )
    record_outcome(
        project, kind="lesson", event=visit, text="Service owners in Gävle meet every month."
    )
    users = {
        "coordinator": User(email="coord@example.org", role="coordinator", partner=genoa),
        "partner": User(email="tartu@example.org", role="partner", partner=tartu),
        "funder": User(email="funder@example.org", role="funder"),
    }
    for user in users.values():
        user.password_hash = "!"
        db.session.add(user)
    db.session.commit()
    return World(
        project,
        gavle,
        nyiregyhaza,
        tartu,
        genoa,
        users,
        visit,
        lego,
        internal,
        estonian,
        mari,
        anna,
    )


def as_user(client, user: User | None):
    """`client` signed in as `user` (None: a visitor without an account)."""
    g.pop("_login_user", None)
    if user is None:
        return client.application.test_client()
    with client.session_transaction() as session:
        factories.signed_in(session, user)
    return client
