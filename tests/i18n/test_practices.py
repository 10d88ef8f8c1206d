"""Good practices, transfers, action plans, indicators, evidence and the attendance sheet
speak the reader's language; what users typed stays as typed."""

import io
import re
from datetime import date

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from app import formatting
from app.errors import DomainError
from app.extensions import db
from app.outcomes import services as outcome_services
from app.partners.models import Person
from app.practices import services
from app.practices.matrix import transfer_matrix, transfer_matrix_svg
from tests.practices import world as practices_world
from tests.practices.world import sign_in, study_visit

world = practices_world.world  # the fixture: a small partnership with its editors

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]*)"', page).group(1)


def _transfer_to_tartu(world):
    transfer = services.create_transfer(world.practice, world.tartu, happened_on=date(2021, 10, 27))
    db.session.commit()
    return transfer


def test_the_practices_list_in_estonian(world, client):
    _transfer_to_tartu(world)
    page = client.get("/practices?lang=et").get_data(as_text=True)
    assert _html_lang(page) == "et"
    for text in ("<h1>Head praktikad</h1>", "Kõik teemad", "Kõik partnerid", "Filtreeri"):
        assert text in page, text
    assert "Tõestatud tulemustega algatused" in page
    assert "Üle võtnud" in page  # the "Taken up by" column
    # What users typed stays as typed.
    assert "Municipal innovation unit" in page and "Service design" in page
    for english in ("All themes", "Taken up by", "Initiatives with proven results"):
        assert english not in page, english


def test_a_practice_page_in_hungarian_with_its_transfer_timeline(world, client):
    _transfer_to_tartu(world)
    sign_in(client, "coord@example.org")
    page = client.get(f"/practices/{world.practice.id}?lang=hu").get_data(as_text=True)
    assert _html_lang(page) == "hu"
    assert "City of Gävle (Gävle) jó gyakorlata" in page
    for text in ("<h2>Összefoglaló</h2>", "Átvételek", "Szakasz beállítása kézzel"):
        assert text in page, text
    assert "Indoklás (kötelező)" in page and "Szakasz beállítása</button>" in page
    # The timeline's date as Hungarians write it, not the English "27 Oct 2021".
    assert formatting.format_date(date(2021, 10, 27), "hu") in page
    assert "27 Oct 2021" not in page
    assert "Gävle&#39;s innovation unit." in page  # the summary, as typed
    for english in ("Good practice of", "Set the stage by hand", "Transfers</h2>"):
        assert english not in page, english


def test_a_refused_stage_change_is_explained_in_italian(world, client):
    transfer = _transfer_to_tartu(world)
    sign_in(client, "coord@example.org")
    client.get("/practices?lang=it")  # the coordinator chooses Italian
    response = client.post(
        f"/transfers/{transfer.id}/stage",
        data={"stage": "studied", "reason": " ", "version": str(transfer.version)},
        follow_redirects=True,
    )
    assert "Spiega perché la fase viene impostata a mano." in response.get_data(as_text=True)


def test_a_refused_upload_is_explained_in_swedish(world, client, app):
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    client.get("/practices?lang=sv")
    response = client.post(
        f"/evidence/event/{visit.id}",
        data={"file": (io.BytesIO(b"<html></html>"), "page.html"), "category": "agenda"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Filen laddades inte upp: Filer av typen ”.html” tas inte emot." in page
    # The size limit, both the service's and the server's, named in Swedish.
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    response = client.post(
        f"/evidence/event/{visit.id}",
        data={"file": (io.BytesIO(PDF + b"0" * (1024 * 1024)), "big.pdf"), "category": "agenda"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Filen är större än gränsen på 1 MB." in response.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = client.post(
        f"/evidence/event/{visit.id}",
        data={"file": (io.BytesIO(PDF + b"0" * 4096), "huge.pdf"), "category": "agenda"},
        content_type="multipart/form-data",
        headers={"Referer": f"/events/{visit.id}/outcomes"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Filen laddades inte upp: den är större än gränsen på 1 MB." in page
    # The event page's evidence form, in Swedish too.
    assert "Ladda upp underlag" in page and "Typ av underlag" in page and "Dagordning" in page


def test_the_indicators_page_in_italian(world, client):
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    client.post(
        f"/events/{visit.id}/outcomes",
        data={
            "kind": "figure",
            "indicator_id": str(world.indicator.id),
            "value": "1234.5",
            "period_number": "5",
        },
    )
    page = client.get("/indicators?period=5&lang=it").get_data(as_text=True)
    assert _html_lang(page) == "it"
    for text in (
        "<h1>Indicatori</h1>",
        "Raggiunto in questo semestre",
        "Raggiunto finora",
        "Quota dell'obiettivo",
        "Valori registrati per questo semestre",
        "calcolati dai risultati registrati",
    ):
        assert text in page, text
    assert "People trained" in page  # the indicator's name, as typed
    assert "1.234,5" in page  # the figure, as Italians write numbers
    assert "Achieved this semester" not in page


def test_the_partnership_matrix_in_estonian(world, client):
    _transfer_to_tartu(world)
    sign_in(client, "tartu@example.org")
    page = client.get("/partnership?lang=et").get_data(as_text=True)
    assert "<h1>Kes kellelt õpib</h1>" in page
    # The SVG's own words: title, description, axes.
    assert "kes kellelt õpib</title>" in page
    assert "Read: hea praktika omanikpartner." in page
    assert ">Ülevõttev partner</text>" in page and ">Praktika omanik</text>" in page
    assert "Omanik \\ ülevõtja" in page
    assert "Importing partner" not in page and "Owner of the practice" not in page


def test_the_attendance_sheet_pdf_in_hungarian(world, client):
    db.session.add(Person(partner=world.tartu, name="Anneli Säälik", function="Projektijuht"))
    db.session.commit()
    visit = study_visit(world, participants=[world.tartu])
    sign_in(client, "tartu@example.org")
    response = client.get(f"/events/{visit.id}/attendance-sheet.pdf?lang=hu")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Jelenléti ív",
        "Név",
        "Beosztás",
        "Aláírás",
        "vendéglátó partner",
        "Helyi érintettek és más résztvevők",
        "Adatvédelem:",
        "1 / 1. oldal",  # the footer's page counter, Hungarian word order
    ):
        assert expected in text, expected
    assert formatting.format_date(date(2021, 10, 27), "hu").split()[0] in text  # "2021."
    assert "Anneli Säälik" in text and "Projektijuht" in text  # as typed
    for english in ("Attendance sheet", "Signature", "Page 1 of 1", "hosted by"):
        assert english not in text, english


def test_service_refusals_read_english_outside_a_request_and_translate_when_asked(world):
    """The CLI has no request: English. A report or page forcing a language gets it."""
    with pytest.raises(DomainError, match="cannot import its own practice"):
        services.create_transfer(world.practice, world.gavle)
    with force_locale("hu"), pytest.raises(DomainError, match="nem veheti át a saját"):
        services.create_transfer(world.practice, world.gavle)
    with force_locale("sv"), pytest.raises(DomainError, match="Ett målvärde kan inte vara"):
        outcome_services.save_indicator(world.project, {"code": "X", "name": "Y", "target": "-1"})
    with force_locale("it"):
        svg = transfer_matrix_svg(transfer_matrix(world.project))
    assert '<title id="tm-title">Chi impara da chi</title>' in svg
    assert "Partner importatore" in svg
    assert "Importing partner" in transfer_matrix_svg(transfer_matrix(world.project))
