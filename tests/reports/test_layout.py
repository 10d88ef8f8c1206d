"""The report laid out for reading: no nearly empty page, zones kept whole, header cells
scoped in the tagged PDF, colours a reader with a colour-vision deficiency tells apart.

The demo's semesters are rendered once for the module (a render takes seconds); semester 8
of the demo holds no records (no report is made for it), so 2, 4 and 5 are measured."""

import itertools
import math
import re
import shutil
import subprocess
from html import unescape

import pytest
from flask_migrate import upgrade

from app.practices.matrix import STAGE_COLOURS
from app.reports.charts import PALETTE
from tests.conftest import make_app
from tests.reports.conftest import pdf_reader

SEMESTERS = (2, 4, 5)
MM = 72 / 25.4
# report.css: @page margins 24 mm top and 22 mm bottom on A4 (297 mm); the running header
# sits in the top margin and the footer in the bottom one.
BODY_TOP, BODY_BOTTOM = 24 * MM, (297 - 22) * MM


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[int, bytes]:
    from app.demo.loader import load_demo
    from app.home.queries import the_project
    from app.reports.render import render_pdf
    from app.reports.services import build_report

    folder = tmp_path_factory.mktemp("layout")
    app = make_app(f"sqlite:///{folder / 'demo.sqlite'}", UPLOAD_DIR=str(folder / "uploads"))
    with app.app_context():
        upgrade()
        load_demo()
        project = the_project()
        return {n: render_pdf(build_report(project, n)) for n in SEMESTERS}


def _word_boxes(pdf: bytes, tmp_path) -> list[list[tuple[float, float, str]]]:
    """Per page, each word's (top, bottom, text) in points from the top, by pdftotext."""
    source, target = tmp_path / "report.pdf", tmp_path / "boxes.html"
    source.write_bytes(pdf)
    subprocess.run(["pdftotext", "-bbox", str(source), str(target)], check=True)
    pages = []
    for page in target.read_text(encoding="utf-8").split("<page ")[1:]:
        words = re.findall(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
            page,
        )
        pages.append([(float(top), float(bottom), unescape(text)) for top, bottom, text in words])
    return pages


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
@pytest.mark.parametrize("number", SEMESTERS)
def test_no_page_but_the_cover_contents_and_last_is_nearly_empty(pdfs, number, tmp_path):
    pages = _word_boxes(pdfs[number], tmp_path)
    assert len(pages) >= 5
    height = BODY_BOTTOM - BODY_TOP
    for index, words in enumerate(pages[2:-1], 3):
        body = [bottom for top, bottom, _ in words if top >= BODY_TOP and bottom <= BODY_BOTTOM]
        assert body, f"semester {number}, page {index}: nothing between header and footer"
        filled = (max(body) - BODY_TOP) / height
        assert filled >= 0.2, f"semester {number}, page {index}: content over {filled:.0%}"


@pytest.mark.parametrize("number", SEMESTERS)
def test_zone_names_are_not_split_across_lines(pdfs, number):
    for page in pdf_reader(pdfs[number]).pages:
        text = page.extract_text()
        assert not re.search(r"\(Europe/\s*\n", text), text
        assert not re.search(r"\(Europe\s*\n\s*/", text), text
    if number == 2:
        content = "\n".join(page.extract_text() for page in pdf_reader(pdfs[2]).pages)
        assert content.count("(Europe/London)") >= 5  # the event's times and its agenda


def _structure(node, section=None):
    """Every structure element below `node` with the table section (THead...) it is in."""
    node = node.get_object()
    tag = node.get("/S")
    yield node, section
    kids = node.get("/K")
    if kids is None:
        return
    kids = kids.get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get") and "/S" in kid:
            inner = tag if tag in ("/THead", "/TBody", "/TFoot") else section
            yield from _structure(kid, inner)


def test_every_table_header_cell_has_a_scope(pdfs):
    reader = pdf_reader(pdfs[5])
    assert b"pdfuaid:part" in reader.trailer["/Root"]["/Metadata"].get_data()  # still PDF/UA-1
    headers = [
        (node["/A"].get_object().get("/Scope"), section)
        for node, section in _structure(reader.trailer["/Root"]["/StructTreeRoot"])
        if node.get("/S") == "/TH"
    ]
    # Events by kind (5 columns), practices (3), indicators (6), transfers (5), actions...
    assert len(headers) >= 19
    assert all(scope == "/Column" and section == "/THead" for scope, section in headers)


# Machado, Oliveira and Fernandes (2009), severity 1, applied to linear RGB.
MACHADO_2009 = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "normal vision": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
}
MIN_DELTA_E = 15  # CIE76; the old matrix blues "Identified" and "Studied" were 7.3 apart


def _linear(colour: str) -> list[float]:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _lab(colour: str, matrix) -> tuple[float, float, float]:
    rgb = _linear(colour)
    r, g, b = (min(1, max(0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


@pytest.mark.parametrize("vision", MACHADO_2009)
@pytest.mark.parametrize(
    "palette", [PALETTE, tuple(STAGE_COLOURS.values())], ids=["charts", "transfer matrix"]
)
def test_palette_colours_stay_apart_with_colour_vision_deficiencies(palette, vision):
    matrix = MACHADO_2009[vision]
    for one, other in itertools.combinations(palette, 2):
        distance = math.dist(_lab(one, matrix), _lab(other, matrix))
        assert distance >= MIN_DELTA_E, (vision, one, other, round(distance, 1))


def test_the_tiles_say_how_they_differ_from_the_indicators(pdfs):
    content = " ".join(page.extract_text() for page in pdf_reader(pdfs[5]).pages)
    content = re.sub(r"\s+", " ", content)
    assert "first presented or studied at an event" in content
    assert "not counts of the records behind the boxes above" in content


def test_matrix_discs_stay_inside_their_cells_and_carry_the_stage_number(app):
    from app.enums import TransferStage
    from app.partners.models import Partner
    from app.practices.matrix import STAGE_NUMBERS, Cell, TransferMatrix, transfer_matrix_svg

    partners = [Partner(id=i, code=f"P{i}", city=f"City {i}") for i in (1, 2, 3)]
    cells = {
        (1, 2): Cell(practices=9, furthest=TransferStage.IDENTIFIED, titles=["A"] * 9),
        (2, 3): Cell(practices=1, furthest=TransferStage.STUDIED, titles=["B"]),
    }
    svg = transfer_matrix_svg(TransferMatrix(partners, cells))
    cell = 64  # app/practices/matrix.py
    radii = [float(r) for r in re.findall(r'<circle [^>]*r="([\d.]+)"', svg)]
    assert len(radii) == 2
    assert all(radius <= cell / 2 - 8 for radius in radii), radii  # a margin to the border
    # Besides its colour, each disc's cell carries its stage's number, which the legend keys.
    for stage in (TransferStage.IDENTIFIED, TransferStage.STUDIED):
        assert f">{STAGE_NUMBERS[stage]}</text>" in svg
        assert f">{STAGE_NUMBERS[stage]} {stage.label}</text>" in svg


@pytest.mark.parametrize("number", SEMESTERS)
def test_the_indicator_table_is_not_split_from_its_last_row(pdfs, number):
    """Eight indicators: a short table, kept on one page (semester 5 once left the last row
    alone on the next page)."""
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in pdf_reader(pdfs[number]).pages]
    first = [i for i, text in enumerate(pages) if "AP Action plans developed" in text]
    last = [i for i, text in enumerate(pages) if "TD Training days held" in text]
    assert first and first == last, (first, last)
    assert "Share of target" in pages[first[0]]  # with its header row
