"""Lists as files a spreadsheet opens: CSV (the csv module) and XLSX workbooks (openpyxl).

Every list's download goes through here: an area says what its file holds as `Table`s
(a sheet title, column headings, rows of typed values) in `app.exports.columns`, and
`download` writes them. A CSV is the first table, UTF-8 with a byte-order mark (so Excel
reads the accents right) and a header row; a workbook has one sheet per table, the header
row bold and frozen, dates and times as date cells, numbers as numbers. Text a
spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
gets a leading apostrophe in both formats, so a title typed as "=HYPERLINK(…)" stays text.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

#: What a cell may not start with: a spreadsheet would read the text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The number formats of typed cells in a workbook (ISO order: read the same everywhere).
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
#: Content types of the two formats.
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Value = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Table:
    """One sheet: its title (31 characters at most in a workbook), headings and rows."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Value]]


def safe_text(text: str) -> str:
    """Text as a spreadsheet must show it, never run it: "=1+2" -> "'=1+2"."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value: Value) -> str:
    """A value as CSV text: instants and days in ISO 8601 (machine-readable, any language)."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # the column heading (or the zone beside) says which clock
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return str(value)


def write_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_text(str(h)) for h in table.headings])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _xlsx_cell(sheet, value: Value):
    if isinstance(value, datetime):
        # A workbook has no zones: the column heading says which clock the time is on.
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        return WriteOnlyCell(sheet, value=safe_text(value))
    return WriteOnlyCell(sheet, value=value)


def write_xlsx(tables: Sequence[Table]) -> bytes:
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, used))
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(table.headings, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(heading) + 4)
        header = []
        for heading in table.headings:
            cell = WriteOnlyCell(sheet, value=safe_text(str(heading)))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(tables: Sequence[Table], name: str, file_format: str) -> Response:
    """The response for `name.csv` (the first table) or `name.xlsx` (every table)."""
    body = write_csv(tables[0]) if file_format == "csv" else write_xlsx(tables)
    response = Response(body, mimetype=MIMETYPES[file_format])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    # Lists may hold internal events and people's names: no shared cache keeps a copy.
    response.headers["Cache-Control"] = "private, no-store"
    return response
