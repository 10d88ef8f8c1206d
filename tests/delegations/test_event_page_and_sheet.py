"""The delegations on the event page (names for accounts, counts for the public), its
query count, and the attendance sheet with the registered names."""

from app.delegations import services
from app.events.models import Event
from app.extensions import db
from app.partners.models import Partner
from app.people.services import create_person
from tests import factories
from tests.delegations.conftest import sign_in
from tests.reports.conftest import pdf_text


def register_three(world):
    services.register(world.visit, world.tartu, world.people["anneli"], role="speaker")
    services.register(world.visit, world.tartu, world.people["kadri"], role="observer")
    services.register(world.visit, world.genoa, world.people["giulia"])
    db.session.commit()


def test_signed_in_readers_see_names_the_public_counts(world, client):
    register_three(world)
    services.set_rules(world.visit, capacity=2, deadline=None, limits={})
    services.register(world.visit, world.tartu, world.people["mart"])  # waiting
    db.session.commit()
    sign_in(client, world.users["funder"])
    page = client.get(f"/events/{world.visit.id}").text
    for shown in ("Anneli Säälik", "Project manager", "speaker", "Giulia Rossi", "Mart Kask"):
        assert shown in page, shown
    assert "On the waiting list" in page
    assert "anneli@tartu.example" not in page
    assert "Register people" not in page  # a funder registers nobody
    sign_in(client, None)
    public = client.get(f"/events/{world.visit.id}").text
    for name in ("Anneli", "Kadri", "Giulia", "Mart", "speaker", "@"):
        assert name not in public, name
    section = public.split('id="delegations"')[1].split("</section>")[0]
    # Registered, not waiting: Genoa 1, Tartu 2 (Mart waits).
    assert '<th scope="row">Genoa</th><td>1</td>' in section
    assert '<th scope="row">Tartu</th><td>2</td>' in section


def test_links_to_what_the_reader_may_do(world, client):
    base = f"/events/{world.visit.id}"
    sign_in(client, world.users["tartu"])
    page = client.get(base).text
    assert f"{base}/delegations/{world.tartu.id}" in page
    assert f"{base}/delegations/{world.genoa.id}" not in page
    assert f"{base}/check-in/{world.tartu.id}" in page
    assert f"{base}/registration-rules" not in page
    sign_in(client, world.users["coordinator"])
    page = client.get(base).text
    assert f"{base}/delegations/{world.genoa.id}" in page
    assert f"{base}/registration-rules" in page


def test_the_event_pages_query_count_does_not_grow_with_registrations(world, client):
    ids = world.visit.id, world.tartu.id, world.people["rein"].id
    url = f"/events/{world.visit.id}"
    register_three(world)

    def add(n: int) -> None:
        event, tartu = db.session.get(Event, ids[0]), db.session.get(Partner, ids[1])
        for i in range(n):
            person = create_person(tartu, f"Traveller {n}.{i}", function="Staff")
            services.register(event, tartu, person, role="observer")
        db.session.commit()

    for reader in (world.users["coordinator"], None):
        sign_in(client, reader)
        few = factories.statements(client, url)
        add(12)
        sign_in(client, reader)
        assert factories.statements(client, url) == few


def test_the_attendance_sheet_lists_the_registered_delegations(world, client):
    register_three(world)
    world.people["mart"].email = "mart@tartu.example"
    db.session.commit()
    sign_in(client, world.users["funder"])
    response = client.get(f"/events/{world.visit.id}/attendance-sheet.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for expected in (
        "Anneli Säälik",
        "Project manager",
        "speaker",
        "Kadri Tamm",
        "Tartu Science Park",  # a local stakeholder: their organisation
        "observer",
        "Giulia Rossi",
        "Role at the event",
        "Signature",
        "Local stakeholders and other participants",  # blank rows for walk-ins
    ):
        assert expected in text, expected
    assert "Mart Kask" not in text  # in the directory, not registered
    assert "Henrik" not in text and "@" not in text
    assert text.index("Giulia Rossi") < text.index("Anneli Säälik")  # the host first
