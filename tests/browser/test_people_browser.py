"""Tartu's editor keeps the city's people in a real browser: adds one, imports a file
after its preview, erases one; every page passes axe and the security policy."""

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.partners.models import Partner, Person
from tests import factories
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in

CSV = (
    "\ufeffpartner;name;organisation;function;kind;email;language;wants_email;contact\r\n"
    "P4;Kadri Mets;City of Tartu;Project manager;staff;kadri.mets@example.org;et;yes;yes\r\n"
    "P4;Tõnu Õunapuu;Tartu Science Park;Analyst;stakeholder;;;no;no\r\n"
)


def _checked(page, name: str) -> None:
    screenshot(page, f"people-{name}")
    assert serious_accessibility_violations(page) == []


def test_tartus_editor_adds_imports_and_erases_people(demo, page, tmp_path):
    tartu = db.session.scalar(select(Partner).where(Partner.code == "P4"))
    factories.user("editor@tartu.example", "partner", tartu)
    sign_in(page, "editor@tartu.example")

    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="People of Tartu")).to_be_visible()
    _checked(page, "1-list")

    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Name").fill("Liis Lepp")
    page.get_by_label("Kind").select_option("expert")
    page.get_by_label("E-mail (never shown publicly)").fill("liis.lepp@example.org")
    _checked(page, "2-add")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Liis Lepp added to Tartu's people.")).to_be_visible()

    page.get_by_role("link", name="Import from a CSV file").click()
    path = tmp_path / "people.csv"
    path.write_bytes(CSV.encode())
    page.get_by_label("CSV file").set_input_files(str(path))
    _checked(page, "3-import")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("2 new, 0 updated, 0 unchanged.")).to_be_visible()
    _checked(page, "4-preview")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Imported: 2 new, 0 updated, 0 unchanged.")).to_be_visible()
    db.session.expire_all()
    tonu = db.session.scalar(select(Person).where(Person.name == "Tõnu Õunapuu"))
    assert (tonu.organisation, tonu.kind, tonu.wants_email) == (
        "Tartu Science Park",
        "stakeholder",
        False,
    )

    page.goto(f"/people/{tonu.id}/erase")
    _checked(page, "5-erase")
    page.get_by_role("button", name="Erase this person").click()
    expect(page.get_by_text("The person was erased")).to_be_visible()
    expect(page.get_by_text("Tõnu Õunapuu")).to_have_count(0)
    db.session.expire_all()
    assert db.session.get(Person, tonu.id).is_erased
