"""A study visit Tartu hosts in spring 2027, Genoa and Gävle visiting, its date not fixed
yet; an editor of each city, a coordinator and a funder."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest

from app.extensions import db
from app.partners.models import Person
from app.polls import services
from app.polls.services import SlotInput
from tests import factories

#: The moment these tests live at, whatever the machine's clock says: the candidate dates
#: of March 2027 are still to come, and the polls of the world still open.
NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def poll_clock(monkeypatch):
    """The polls' clock (what is past, what is closed) stands at NOW."""
    monkeypatch.setattr(services, "utcnow", lambda: NOW)
    return NOW


@dataclass
class World:
    project: object
    tartu: object
    genoa: object
    gavle: object
    event: object
    users: dict  # role -> User

    def open_poll(self, **fields):
        fields.setdefault(
            "slots",
            [
                SlotInput(date(2027, 3, 10)),
                SlotInput(date(2027, 3, 17), None, time(10, 0), time(16, 0)),
                SlotInput(date(2027, 3, 24)),
            ],
        )
        fields.setdefault("closes_on", date(2027, 3, 1))
        poll = services.open_poll(self.event, opened_by=self.users["coordinator"], **fields)
        db.session.commit()
        return poll


@pytest.fixture
def world(app) -> World:
    project = factories.project(acronym="BETTER", start_date=date(2026, 8, 1))
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn", language="et")
    genoa = factories.partner(
        project, "P1", "Genoa", "Europe/Rome", country="IT", language="it", is_lead=True
    )
    gavle = factories.partner(
        project, "P3", "Gävle", "Europe/Stockholm", country="SE", language="sv"
    )
    event = factories.event(
        project,
        tartu,
        date(2027, 3, 3),
        date(2027, 3, 3),
        title="Digital services",
        participants=[genoa, gavle],
    )
    for partner in (tartu, genoa, gavle):
        db.session.add(
            Person(
                partner=partner,
                name=f"Contact of {partner.city}",
                email=f"contact@{partner.code.lower()}.example",
                is_contact=True,
            )
        )
    db.session.commit()
    users = {
        "coordinator": factories.user("coord@example.org", "coordinator", genoa),
        "tartu": factories.user("tartu@example.org", "partner", tartu),
        "genoa": factories.user("genoa@example.org", "partner", genoa),
        "gavle": factories.user("gavle@example.org", "partner", gavle),
        "funder": factories.user("funder@example.org", "funder"),
    }
    from app.mail.models import OutboxMessage

    db.session.query(OutboxMessage).delete()  # the invitations of scheduling: not under test
    db.session.commit()
    return World(project, tartu, genoa, gavle, event, users)
