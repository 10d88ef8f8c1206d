"""Who gets a report, and what a missing or empty semester says (web and command line)."""

import re

from pypdf import PdfReader

from app.home.queries import the_project
from tests import factories
from tests.reports.conftest import pdf_text, sign_in


def test_anonymous_visitors_are_sent_to_sign_in(demo, client):
    for url in ("/reports/", "/reports/semester/2.pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_partner_editors_get_no_report(demo, client):
    tartu = next(p for p in the_project().partners if p.code == "P4")
    factories.user("editor@tartu.example", role="partner", partner=tartu)
    sign_in(client, "editor@tartu.example")
    assert client.get("/reports/").status_code == 403
    response = client.get("/reports/semester/2.pdf")
    assert response.status_code == 403
    assert not response.data.startswith(b"%PDF")


def test_funder_downloads_the_same_report_as_the_command_line(funder_client, runner, tmp_path):
    response = funder_client.get("/reports/semester/2.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert 'filename="BETTER-semester-2.pdf"' in response.headers["Content-Disposition"]
    target = tmp_path / "s2.pdf"
    result = runner.invoke(args=["report", "semester", "2", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    assert result.output.rstrip().endswith("semester 2, 1 event.")  # one event, not "1 events"
    assert pdf_text(response.data) == pdf_text(target.read_bytes())


def test_reports_page_lists_every_semester_with_what_it_holds(coordinator_client):
    page = coordinator_client.get("/reports/").get_data(as_text=True)
    assert len(re.findall(r'href="/reports/semester/\d+\.pdf', page)) == 8
    # The semesters with something recorded also offer their figures as a workbook.
    assert 'href="/reports/semester/2.xlsx' in page
    assert "2: 1 Feb 2020 – 31 Jul 2020" in page
    assert 'href="/reports/semester/2.pdf"' in page
    # Semester 5 holds two held study visits.
    row = page.split("5: 1 Aug 2021 – 31 Jan 2022")[1].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:7]]
    assert cells[1:4] == ["2", "2", "0"], cells


def test_a_semester_that_does_not_exist_is_a_clear_404(funder_client, runner, tmp_path):
    response = funder_client.get("/reports/semester/9.pdf")
    assert response.status_code == 404
    assert "BETTER has no semester 9: its semesters are 1 to 8." in response.get_data(as_text=True)
    target = tmp_path / "s9.pdf"
    result = runner.invoke(args=["report", "semester", "9", "--output", str(target)])
    assert result.exit_code != 0
    assert "has no semester 9" in result.output
    assert "Traceback" not in result.output
    assert not target.exists()


def test_a_semester_with_nothing_recorded_gets_no_empty_pdf(funder_client, runner, tmp_path):
    response = funder_client.get("/reports/semester/8.pdf")
    assert response.status_code == 404
    assert "Nothing is recorded for semester 8" in response.get_data(as_text=True)
    target = tmp_path / "s8.pdf"
    result = runner.invoke(args=["report", "semester", "8", "--output", str(target)])
    assert result.exit_code == 1
    assert "Nothing is recorded for semester 8 (1 February 2023 to 31 July 2023)" in result.output
    assert not target.exists()


def test_cli_makes_an_archival_pdf_a_on_request(demo, runner, tmp_path):
    target = tmp_path / "archive.pdf"
    result = runner.invoke(
        args=["report", "semester", "2", "-o", str(target), "--pdf-variant", "pdf/a-3b"]
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(target)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3" pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert "Thematic event #3" in pdf_text(target.read_bytes())


def test_cli_refuses_an_unknown_pdf_variant(demo, runner, tmp_path):
    result = runner.invoke(
        args=["report", "semester", "2", "-o", str(tmp_path / "x.pdf"), "--pdf-variant", "pdf/z"]
    )
    assert result.exit_code == 2
    assert "use one of pdf/ua-1" in result.output
