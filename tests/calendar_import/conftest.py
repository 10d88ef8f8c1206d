"""Five partner cities in five zones, a coordinator and a partner editor, and a contact
person of each city with an e-mail address (so the outbox has someone to write to)."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.auth.models import User
from app.extensions import db
from app.partners.models import Partner, Person, Project
from tests import factories

FILES = Path(__file__).parent / "files"

CITIES = (
    ("P1", "Genoa", "Europe/Rome", "IT"),
    ("P2", "Birmingham", "Europe/London", "GB"),
    ("P3", "Gävle", "Europe/Stockholm", "SE"),
    ("P4", "Tartu", "Europe/Tallinn", "EE"),
    ("NYI", "Nyíregyháza", "Europe/Budapest", "HU"),
)


@dataclass
class World:
    project: Project
    partners: dict[str, Partner]  # by city
    coordinator: User
    editor: User  # Tartu's


def ics(name: str) -> bytes:
    return (FILES / name).read_bytes()


@pytest.fixture
def world(app) -> World:
    project = factories.project(acronym="BETTER", years=4)
    partners = {
        city: factories.partner(project, code, city, zone, country=country)
        for code, city, zone, country in CITIES
    }
    for code, city, *_ in CITIES:
        db.session.add(
            Person(
                partner=partners[city],
                name=f"Contact of {city}",
                email=f"contact@{code.lower()}.example",
                is_contact=True,
            )
        )
    db.session.commit()
    return World(
        project,
        partners,
        factories.user("coordinator@genova.example", "coordinator", partners["Genoa"]),
        factories.user("editor@tartu.example", "partner", partners["Tartu"]),
    )
