"""Render report pages to images with pdftoppm (Debian's poppler-utils) so a person can look
at them: set REPORT_PNG_DIR to keep the PNGs. The checks read the pixels: the cover is the
dark-blue cover, the event and chart pages carry ink, and every page is A4."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.home.queries import the_project
from app.reports.render import render_pdf
from app.reports.services import build_report
from tests.reports.conftest import pdf_reader

pytestmark = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")


def _ppm(pdf: Path, page: int, out: Path) -> tuple[int, int, bytes]:
    """Page `page` as raw RGB pixels (PPM P6) at 40 dpi; a PNG beside it for people."""
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(out),
        ],
        check=True,
    )
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(out),
        ],
        check=True,
    )
    data = Path(f"{out}.ppm").read_bytes()
    magic, width, height, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return int(width), int(height), pixels


def _pixel(width: int, pixels: bytes, x: int, y: int) -> tuple[int, int, int]:
    i = 3 * (y * width + x)
    return tuple(pixels[i : i + 3])


def _inked_share(pixels: bytes) -> float:
    """Share of pixels that are not white."""
    triples = [pixels[i : i + 3] for i in range(0, len(pixels), 3)]
    return sum(1 for t in triples if t != b"\xff\xff\xff") / len(triples)


def test_cover_event_and_chart_pages_render_as_images(demo, tmp_path):
    pdf = tmp_path / "semester-2.pdf"
    pdf.write_bytes(render_pdf(build_report(the_project(), 2)))
    pages = [page.extract_text() for page in pdf_reader(pdf.read_bytes()).pages]
    charts_page = next(i for i, t in enumerate(pages, 1) if "Events held, by month" in t)
    event_page = next(i for i, t in enumerate(pages, 1) if "Agenda" in t and "Lauri Sock" in t)

    width, height, cover = _ppm(pdf, 1, tmp_path / "cover")
    assert (width, height) == (331, 468)  # A4 at 40 dpi
    assert _pixel(width, cover, width // 2, height // 2) == (11, 61, 107)  # the blue cover
    assert _pixel(width, cover, width // 2, 2) == (242, 176, 30)  # its yellow band

    for name, page in (("event", event_page), ("charts", charts_page)):
        width, height, pixels = _ppm(pdf, page, tmp_path / name)
        assert _pixel(width, pixels, 3, 3) == (255, 255, 255)  # white page, margins
        assert 0.03 < _inked_share(pixels) < 0.6, name

    keep = os.environ.get("REPORT_PNG_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for name in ("cover", "event", "charts"):
            shutil.copy(tmp_path / f"{name}.png", Path(keep) / f"semester-2-{name}.png")
