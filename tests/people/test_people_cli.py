"""`flask people add|import|list`: the same rules as the screens, for scripts."""

from sqlalchemy import func, select

from app.extensions import db
from app.partners.models import Person
from tests.people.test_import import GOOD, HEADER


def test_add_stores_a_person(runner, world):
    result = runner.invoke(
        args=[
            "people", "add", "--partner", "P4", "--name", "Liis Lepp", "--email",
            "Liis@Example.ORG", "--kind", "expert", "--language", "et", "--function",
            "Researcher", "--organisation", "University of Tartu", "--contact", "--no-email",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Added Liis Lepp (expert) to P4 Tartu" in result.output
    liis = db.session.scalars(select(Person).where(Person.name == "Liis Lepp")).one()
    assert (liis.email, liis.language, liis.function) == ("Liis@example.org", "et", "Researcher")
    assert liis.is_contact and not liis.wants_email and liis.organisation == "University of Tartu"


def test_add_refuses_bad_input_and_writes_nothing(runner, world):
    for args, message in (
        (["--partner", "P9", "--name", "X"], "No partner has the code 'P9'."),
        (["--partner", "P4", "--name", "X", "--email", "x@"], "is not an e-mail address"),
        (["--partner", "P4", "--name", "X", "--language", "de"], "Choose one of the languages"),
    ):
        result = runner.invoke(args=["people", "add", *args])
        assert result.exit_code != 0 and message in result.output, result.output
    assert db.session.scalar(select(func.count(Person.id))) == 3


def test_import_prints_every_bad_row_and_writes_nothing(runner, world, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "P9,A,,,,,,,\nP4,B,,,boss,,,,\nP4,,,,,,,,\n", encoding="utf-8")
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code != 0
    assert "row 2, partner: Unknown partner code “P9”" in result.output
    assert "row 3, kind: Unknown kind “boss”" in result.output
    assert "row 4, name: Give the person's name." in result.output
    assert "3 problem(s) found; nothing was imported." in result.output
    assert db.session.scalar(select(func.count(Person.id))) == 3


def test_import_says_what_it_did_and_twice_changes_nothing(runner, world, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(("\ufeff" + GOOD.replace(",", ";")).encode())
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "row 2: updated P4 Mari Tamm (function, is_contact)" in result.output
    assert "row 4: new P4 Liis Lepp" in result.output
    assert "1 created, 1 updated, 1 unchanged." in result.output
    again = runner.invoke(args=["people", "import", str(path)])
    assert again.exit_code == 0 and "0 created, 0 updated, 3 unchanged." in again.output
    assert db.session.scalar(select(func.count(Person.id))) == 4


def test_list_shows_no_addresses(runner, world):
    result = runner.invoke(args=["people", "list", "--partner", "P4"])
    assert result.exit_code == 0
    assert "Mari Tamm" in result.output and "Jaan Kask" in result.output
    assert "Anna Rossi" not in result.output and "@" not in result.output
