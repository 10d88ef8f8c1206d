"""The report's figures as data: the workbook (web and CLI) and the JSON file the archival
PDF/A-3 carries hold the same figures as the PDF's own tables, on the demo's semesters."""

import io
import json
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from app.home.queries import the_project
from app.reports.render import render_pdf
from app.reports.services import build_report
from app.reports.workbook import report_workbook
from tests.reports.conftest import key_figures, pdf_reader, pdf_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheets(data: bytes) -> dict[str, list[tuple]]:
    """Each sheet's rows (the header first), values as the workbook types them."""
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def body(rows: list[tuple]) -> list[tuple]:
    return rows[1:]


@pytest.fixture(params=[2, 5, 7])
def semester(request, demo):
    report = build_report(the_project(), request.param)
    return report, sheets(report_workbook(report)), pdf_text(render_pdf(report))


def test_every_figure_in_the_workbook_is_the_pdfs(semester):
    report, book, content = semester
    assert list(book) == [
        "Summary",
        "Events by kind and status",
        "Participants by partner",
        "Transfers by stage",
        "Transfers",
        "Indicators",
        "Action-plan actions",
        "Events",
    ]

    summary = dict(body(book["Summary"]))
    figures = key_figures(content)
    assert {label: summary[label] for label in figures} == figures
    assert (
        f"In this semester: {summary['started']} actions started, "
        f"{summary['progressing']} progressing, {summary['done']} done." in content
    )

    kinds = body(book["Events by kind and status"])
    assert kinds[-1][0] == "All events"
    assert kinds[-1][1:] == (summary["events held"], summary["events postponed"],
                             summary["events cancelled"], kinds[-1][4])  # fmt: skip
    for row in kinds if len(kinds) > 1 else []:
        assert " ".join(str(v) for v in row) in content, row

    participants = body(book["Participants by partner"])
    assert participants[-1][-1] == summary["participants"]
    for name, code, events, staff, stakeholders, total in participants[:-1]:
        assert f"{name} ({code}) {events} {staff} {stakeholders} {total}" in content
    _label, _code, _events, staff, stakeholders, total = participants[-1]
    if total:  # with no attendance the PDF says so instead of a table
        assert f"All partners {staff} {stakeholders} {total}" in content

    transfers = body(book["Transfers"])
    stages = body(book["Transfers by stage"])
    assert stages[-1][1:] == (len(transfers), len(transfers))
    assert sum(r[1] for r in stages[:-1]) == sum(r[2] for r in stages[:-1]) == len(transfers)
    for stage, _at_start, at_end in stages[:-1]:
        assert at_end == sum(1 for t in transfers if t[4] == stage)
    advanced = sum(1 for t in transfers if t[5] is True)
    assert advanced == summary["transfers advanced"]
    if transfers:
        assert f"{advanced} of {len(transfers)} transfer" in content
    for title, owner, importer, *_rest in transfers:
        assert title in content and owner in content and importer in content

    for code, _name, _unit, target, this_period, to_date, share in body(book["Indicators"]):
        target_text = f"{target:,}" if target is not None else "not set"
        share_text = f"{share} %" if share is not None else "—"
        pattern = rf"{code} [^\d]*? {target_text} {this_period} {to_date} {share_text}"
        assert re.search(pattern, content), pattern

    actions = body(book["Action-plan actions"])
    for what in ("started", "progressing", "done"):
        assert sum(1 for a in actions if a[7] == what) == summary[what]
    for action in actions:
        assert action[3][:40] in content

    events = body(book["Events"])
    assert len(events) == len(report.events)
    for event in events:
        assert event[3] in content and event[5] in content
    assert summary["events held"] == sum(
        1 for e in events if e[5] == "Held" and report.period.contains(e[8].date())
    )


def test_numbers_and_dates_are_typed_and_headers_bold_and_frozen(semester):
    report, book, _content = semester
    events = body(book["Events"])
    for row in events:
        event_id, _kind, _number, _title, _host, _status, start_utc, end_utc = row[:8]
        start_local, end_local, zone = row[8:11]
        assert isinstance(event_id, int)
        assert all(isinstance(v, datetime) for v in (start_utc, end_utc, start_local, end_local))
        event = next(e.event for e in report.events if e.event.id == event_id)
        assert zone == event.timezone
        offset = event.local_start.utcoffset()
        assert start_local - start_utc == offset
    for row in body(book["Participants by partner"]):
        assert all(isinstance(v, int) for v in row[3:])
    for row in body(book["Action-plan actions"]):
        assert row[4] is None or isinstance(row[4], datetime | date)
    workbook = load_workbook(io.BytesIO(report_workbook(report)))
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])


def test_coordinators_and_funders_download_the_workbook_in_the_pdfs_language(
    funder_client, runner, tmp_path
):
    page = funder_client.get("/reports/?language=hu").text
    assert '<a href="/reports/semester/5.xlsx?language=hu" hreflang="hu" download>' in page
    response = funder_client.get("/reports/semester/5.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert 'filename="BETTER-semester-5.xlsx"' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    web = sheets(response.data)

    target = tmp_path / "figures.xlsx"
    result = runner.invoke(args=["report", "semester", "5", "--format", "xlsx", "-o", target])
    assert result.exit_code == 0, result.output
    assert "figures as a workbook" in result.output
    assert sheets(target.read_bytes()) == web

    hungarian = funder_client.get("/reports/semester/5.xlsx?language=hu")
    assert hungarian.headers["Content-Language"] == "hu"
    assert 'filename="BETTER-semester-5-hu.xlsx"' in hungarian.headers["Content-Disposition"]
    assert sheets(hungarian.data) != web


def test_no_workbook_for_an_empty_or_unknown_semester(coordinator_client, runner, tmp_path):
    response = coordinator_client.get("/reports/semester/8.xlsx")
    assert response.status_code == 404
    assert "Nothing is recorded for semester 8" in response.get_data(as_text=True)
    assert coordinator_client.get("/reports/semester/99.xlsx").status_code == 404
    target = tmp_path / "s8.xlsx"
    result = runner.invoke(args=["report", "semester", "8", "--format", "xlsx", "-o", target])
    assert result.exit_code == 1
    assert not target.exists()


def _cell_from_json(value):
    """A JSON value as the workbook stores it: instants without their offset, days as dates."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d", value):
        return datetime.fromisoformat(value).replace(tzinfo=None)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return datetime.fromisoformat(value)  # openpyxl reads date cells back as datetimes
    return value


def test_archival_pdf_carries_the_same_figures_as_data(demo, runner, tmp_path):
    target = tmp_path / "archive.pdf"
    result = runner.invoke(
        args=["report", "semester", "5", "-o", str(target), "--pdf-variant", "pdf/a-3b"]
    )
    assert result.exit_code == 0, result.output
    reader = pdf_reader(target.read_bytes())
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3" pdfaid:conformance="B"' in xmp

    assert list(reader.attachments) == ["BETTER-semester-5.json"]
    (spec,) = [ref.get_object() for ref in root["/AF"]]
    assert spec["/AFRelationship"] == "/Data"
    assert spec["/UF"] == "BETTER-semester-5.json"
    embedded = spec["/EF"]["/F"].get_object()
    assert embedded["/Subtype"] == "/application/json"
    assert "/ModDate" in embedded["/Params"]
    document = json.loads(embedded.get_data())
    assert document["semester"] == 5 and document["project"] == "BETTER"

    book = sheets(report_workbook(build_report(the_project(), 5)))
    assert [t["title"] for t in document["tables"]] == list(book)
    for table in document["tables"]:
        rows = [tuple(table["headings"])] + [
            tuple(_cell_from_json(v) for v in row) for row in table["rows"]
        ]
        assert rows == book[table["title"]], table["title"]
    summary = dict(body(book["Summary"]))
    assert key_figures(pdf_text(target.read_bytes())) == {
        label: summary[label] for label in key_figures(pdf_text(target.read_bytes()))
    }


def test_the_accessible_default_and_pdf_a_2b_carry_no_attachment(demo):
    report = build_report(the_project(), 5)
    for variant in ("pdf/ua-1", "pdf/a-2b"):
        reader = pdf_reader(render_pdf(report, variant))
        assert not reader.attachments, variant
        assert "/AF" not in reader.trailer["/Root"], variant


def test_the_tables_are_read_off_the_report_without_a_query_of_their_own(demo):
    from sqlalchemy import event as sa_event

    from app.extensions import db
    from app.reports.workbook import report_tables

    report = build_report(the_project(), 5)
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        report_tables(report)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert statements == []
