"""A real SMTP server in the test process (aiosmtpd), and a small partnership whose people
have e-mail addresses: Birmingham hosts a thematic event that the other four cities attend."""

import socket
import threading
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from app.delegations.models import Registration
from app.extensions import db
from app.partners.models import Partner, Person
from tests import factories

CITIES = (
    ("P1", "Genoa", "Europe/Rome", "it", "IT"),
    ("P2", "Birmingham", "Europe/London", "en", "GB"),
    ("P3", "Gävle", "Europe/Stockholm", "sv", "SE"),
    ("P4", "Tartu", "Europe/Tallinn", "et", "EE"),
    ("NYI", "Nyíregyháza", "Europe/Budapest", "hu", "HU"),
)


class Inbox:
    """What the server accepted; `down` makes it refuse connections' mail with 421."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.down = False
        self.lock = threading.Lock()

    async def handle_DATA(self, _server, _session, envelope) -> str:
        if self.down:
            return "421 Service not available, try again later"
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    """The SMTP server the app sends through for this test."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    inbox.port = controller.port
    yield inbox
    controller.stop()


@dataclass
class World:
    project: object
    partners: dict  # city -> Partner
    event: object
    people: dict  # city -> the contact person of that city

    def person(self, city: str) -> Person:
        return self.people[city]


def add_person(partner: Partner, name: str, email: str | None, **fields) -> Person:
    person = Person(partner=partner, name=name, email=email, **fields)
    db.session.add(person)
    db.session.commit()
    return person


def register(event, person: Person, status: str = "registered") -> Registration:
    registration = Registration(
        event=event, person=person, partner_id=person.partner_id, status=status
    )
    db.session.add(registration)
    db.session.commit()
    return registration


@pytest.fixture
def world(app) -> World:
    """Five cities, one contact person each (with e-mail, in their partner's language) and
    the third thematic event in Birmingham, 16 June 2020 09:30–11:00 local time. Built
    before any message is wanted: the outbox starts empty."""
    project = factories.project(acronym="BETTER")
    partners = {
        city: factories.partner(project, code, city, zone, language=lang, country=country)
        for code, city, zone, lang, country in CITIES
    }
    people = {
        city: add_person(
            partner, f"Contact of {city}", f"contact@{code.lower()}.example", is_contact=True
        )
        for (code, city, *_), partner in zip(CITIES, partners.values(), strict=True)
    }
    event = factories.event(
        project,
        partners["Birmingham"],
        datetime(2020, 6, 16, 9, 30),
        datetime(2020, 6, 16, 11, 0),
        kind="thematic_event",
        number=3,
        title="E-services",
        location="Council House",
        participants=[p for city, p in partners.items() if city != "Birmingham"],
    )
    from app.mail.models import OutboxMessage

    db.session.query(OutboxMessage).delete()  # the invitations of scheduling: not under test
    db.session.commit()
    return World(project, partners, event, people)
