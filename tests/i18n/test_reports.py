"""The semester report and the reports pages in the partners' languages: the PDF's texts,
dates, footer, running header, metadata and document language (`/Lang`), from the page,
the command line and the reports page; and nothing of it overflows its page."""

import re
import shutil
import subprocess

import pytest
from flask_babel import force_locale

from app.home.queries import the_project
from app.reports import charts
from app.reports.render import render_pdf
from app.reports.services import build_report
from tests.reports.conftest import pdf_reader, pdf_text

SECTIONS = {
    "hu": (
        "1. Összesítő adatok",
        "2. Diagramok",
        "3. A félév eseményei",
        "4. Jó gyakorlatok és átvételük",
        "5. Akciótervek",
        "6. A következő félév tervei",
        "7. Hogyan készülnek a számadatok",
    ),
    "et": (
        "1. Kokkuvõtlikud arvud",
        "2. Diagrammid",
        "3. Poolaasta üritused",
        "4. Head praktikad ja nende ülevõtmine",
        "5. Tegevuskavad",
        "6. Järgmise poolaasta plaanid",
        "7. Kuidas arvud on loetud",
    ),
}
# The third thematic event's first session, 16 June 2020, as each language writes it.
FIRST_SESSION = {"hu": "2020. június 16.", "et": "16. juuni 2020"}
FOOTER = {"hu": r"(\d+) / (\d+)\. oldal", "et": r"Lehekülg (\d+) / (\d+)"}
RUNNING = {
    "hu": "BETTER · 2. félév, 2020. febr. – 2020. júl.",
    "et": "BETTER · 2. poolaasta, veebr 2020 – juuli 2020",
}
TITLE = {
    "hu": "BETTER előrehaladási jelentés, 2. félév",
    "et": "BETTER eduaruanne, 2. poolaasta",
}
# Texts of the English report that must not be left in a translated one.
ENGLISH = (
    "Summary figures",
    "Events of the semester",
    "How the figures are counted",
    "Page ",
    "progress report",
    "Postponed from",
    "Agenda",
    "No outcome recorded",
    "section 7 says how",
)


@pytest.fixture
def semester_2(demo):
    report = build_report(the_project(), 2)
    return {lang: render_pdf(report, lang=lang) for lang in ("hu", "et")}


@pytest.mark.parametrize("lang", ["hu", "et"])
def test_semester_2_reads_in_hungarian_and_estonian(semester_2, lang):
    data = semester_2[lang]
    reader = pdf_reader(data)
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    content = " ".join(pages)
    for title in SECTIONS[lang]:
        assert title in content, title
    assert FIRST_SESSION[lang] in content
    for english in ENGLISH:
        assert english not in content, english
    # What the partners typed stays as typed; a numbered kind reads in the partnership's words.
    assert "Lauri Sock" in content
    assert {"hu": "3. Tematikus Esemény", "et": "Temaatiline üritus nr 3"}[lang] in content
    # Contents with page numbers, and every page after the cover: header and "page x of y".
    assert re.search(re.escape(SECTIONS[lang][2]) + r"[ .]*\d+", pages[1])
    total = len(pages)
    for number, page in enumerate(pages[1:], 2):
        assert RUNNING[lang] in page
        found = re.search(FOOTER[lang], page)
        assert found and found.groups() == (str(number), str(total)), page[-200:]
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert reader.metadata.title == TITLE[lang]


def test_hungarian_dates_and_sentences_follow_the_language(semester_2):
    content = pdf_text(semester_2["hu"])
    summary = "A projekt (BETTER) 2. féléve 2020. február 1. és 2020. július 31. között tart"
    assert summary in content
    assert "Elhalasztva: eredetileg 2020. március (helyszín: Birmingham" in content
    assert "új időpont: 2020. június 16–18., online." in content
    assert "2020. febr." in content  # the chart's months


def test_estonian_summary_sentence_and_change_note(semester_2):
    content = pdf_text(semester_2["et"])
    summary = "Projekti BETTER 2. poolaasta hõlmab ajavahemikku 1. veebruar 2020 – 31. juuli 2020"
    assert summary in content
    assert "Edasi lükatud: algselt märts 2020" in content


def test_cli_writes_the_report_in_italian(demo, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["report", "semester", "2", "--lang", "it"])
    assert result.exit_code == 0, result.output
    target = tmp_path / "BETTER-semester-2-it.pdf"  # the language in the default name
    assert target.exists()
    reader = pdf_reader(target.read_bytes())
    assert reader.trailer["/Root"]["/Lang"] == "it"
    content = pdf_text(target.read_bytes())
    assert "1. Dati di sintesi" in content
    assert "Pagina 2 di" in content
    assert "16 giugno 2020" in content
    # An unknown language is refused by the option, before anything is written.
    refused = runner.invoke(args=["report", "semester", "2", "--lang", "de"])
    assert refused.exit_code == 2
    assert "--lang" in refused.output


@pytest.fixture
def funder(demo, client):
    from tests import factories
    from tests.reports.conftest import sign_in

    factories.user("funder@example.org", role="funder")
    sign_in(client, "funder@example.org")
    return client


def test_the_web_download_follows_lang_in_the_url(funder):
    response = funder.get("/reports/semester/2.pdf?lang=sv")
    assert response.status_code == 200
    assert 'filename="BETTER-semester-2-sv.pdf"' in response.headers["Content-Disposition"]
    assert response.headers["Content-Language"] == "sv"
    reader = pdf_reader(response.data)
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    content = pdf_text(response.data)
    assert "Sida 2 av" in content
    assert "Rapportperiod 2" in content
    assert "16 juni 2020" in content


def test_the_web_download_follows_the_readers_page_language(funder):
    response = funder.get("/reports/semester/2.pdf", headers={"Accept-Language": "hu"})
    assert pdf_reader(response.data).trailer["/Root"]["/Lang"] == "hu"
    assert 'filename="BETTER-semester-2-hu.pdf"' in response.headers["Content-Disposition"]


def test_the_reports_page_offers_each_language_without_switching_the_readers(funder):
    page = funder.get("/reports/?lang=hu").get_data(as_text=True)
    assert '<html lang="hu"' in page
    assert "Féléves jelentések" in page
    assert "A jelentések nyelve" in page
    for code, name in (("en", "English"), ("et", "Eesti"), ("it", "Italiano"), ("sv", "Svenska")):
        assert f'<option value="{code}" lang="{code}">{name}</option>' in page
    assert '<option value="hu" lang="hu" selected>Magyar</option>' in page
    assert 'href="/reports/semester/2.pdf"' in page  # the PDF in the page's language
    # Choosing Estonian reports: the links carry it; the page stays Hungarian.
    page = funder.get("/reports/?language=et").get_data(as_text=True)
    assert '<html lang="hu"' in page
    assert 'href="/reports/semester/2.pdf?language=et"' in page
    response = funder.get("/reports/semester/2.pdf?language=et")
    assert pdf_reader(response.data).trailer["/Root"]["/Lang"] == "et"
    assert funder.get_cookie("lang").value == "hu"
    assert '<html lang="hu"' in funder.get("/reports/").get_data(as_text=True)


def test_an_empty_semester_is_refused_in_the_readers_language(funder):
    response = funder.get("/reports/semester/8.pdf?lang=et")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "8. poolaasta kohta aruannet ei ole" in page
    assert (
        "8. poolaasta (1. veebruar 2023 – 31. juuli 2023) kohta pole veel midagi sisestatud" in page
    )
    assert "Tagasi poolaasta aruannete juurde" in page


def test_chart_legends_are_never_cut_short(app):
    """pygal shortens long legend labels to fit three columns ("Kohalikud sidusrü…") and
    reserved too few rows for a last row that is not full; both are handled."""
    from types import SimpleNamespace

    rows = [
        SimpleNamespace(partner=SimpleNamespace(city=c), staff=3, stakeholders=5, total=8)
        for c in ("Tartu", "Gävle")
    ]
    with app.test_request_context(), force_locale("et"):
        svg = charts.participants_by_partner(rows)
    assert "Partnerite töötajad" in svg and "Kohalikud sidusrühmad" in svg
    assert "…" not in svg
    height = int(re.search(r'<svg[^>]* height="(\d+)"', svg).group(1))
    legend_y = float(re.search(r'translate\([\d.]+, ([\d.]+)\)" class="legends"', svg).group(1))
    assert legend_y + 13 <= height  # the legend's one row is inside the picture
    assert charts.legend_columns(["x"] * 5) == 3
    assert charts.legend_columns(["Kohalike sidusrühmade üritus"] * 5) == 2
    assert charts.legend_columns(["a", "b"]) == 2


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")
@pytest.mark.parametrize("lang", ["hu", "et"])
def test_no_page_of_a_translated_report_runs_into_its_right_margin(semester_2, lang, tmp_path):
    """Every page as pixels: the outer 12 mm of the right margin (18 mm) stays white, so
    no long Hungarian or Estonian word, header or table runs off the text block."""
    pdf = tmp_path / f"semester-2-{lang}.pdf"
    pdf.write_bytes(semester_2[lang])
    subprocess.run(["pdftoppm", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.ppm"))
    assert len(images) == len(pdf_reader(semester_2[lang]).pages)
    for image in images[1:]:  # the cover is blue to its edges
        magic, width, height, _maxval, pixels = image.read_bytes().split(maxsplit=4)
        width, height = int(width), int(height)
        band = round(12 / 25.4 * 40)
        for y in range(height):
            row = pixels[3 * (y * width + width - band) : 3 * (y + 1) * width]
            assert row == b"\xff" * len(row), f"{image.name}: ink in the right margin at y={y}"
