"""The printable attendance sheet and the event-page panels."""

import io

from pypdf import PdfReader

from app.extensions import db
from app.partners.models import Person
from app.practices import services
from tests.practices.world import anonymous_client, sign_in, study_visit


def test_attendance_sheet_lists_partners_and_people_with_a_signature_column(world, client):
    db.session.add_all(
        [
            Person(partner=world.tartu, name="Anneli Säälik", email="a@tartu.ee", phone="+372 1"),
            Person(partner=world.gavle, name="Henrik Mazzanti", function="Expert"),
            Person(partner=world.genoa, name="Genoa Person", phone="+39 555 0100"),
        ]
    )
    db.session.commit()
    visit = study_visit(world, participants=[world.tartu])  # Gävle hosts, Tartu visits
    url = f"/events/{visit.id}/attendance-sheet.pdf"
    assert anonymous_client(client).get(url).status_code == 302
    sign_in(client, "funder@example.org")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    for expected in (
        "Attendance sheet",
        "Study visit to Gävle",
        "City of Gävle",
        "host",
        "City of Tartu",
        "Anneli Säälik",
        "Henrik Mazzanti",
        "Signature",
    ):
        assert expected in text, expected
    assert "Genoa Person" not in text  # Genoa does not take part
    for private in ("a@tartu.ee", "+372", "@"):
        assert private not in text


def test_event_panels_show_practices_outcomes_and_forms_to_those_allowed(world, client):
    visit = study_visit(world, title="Service design in Gävle")
    services.link_practice_to_event(world.practice, visit, "studied")
    db.session.commit()
    url = f"/events/{visit.id}/outcomes"
    sign_in(client, "tartu@example.org")
    page = client.get(url).get_data(as_text=True)
    assert f'href="/practices/{world.practice.id}"' in page
    assert "Studied" in page
    assert "attendance-sheet.pdf" in page
    assert "Link practice" not in page and "Record outcome" not in page and "Upload" not in page
    client.post("/logout")
    sign_in(client, "gavle@example.org")
    page = client.get(url).get_data(as_text=True)
    assert "Link practice" in page and "Record outcome" in page and "Upload" in page


def test_internal_event_panels_are_not_shown_to_anonymous_visitors(world, client):
    hidden = study_visit(world, is_public=False)
    assert anonymous_client(client).get(f"/events/{hidden.id}/outcomes").status_code == 404
