"""The semester report as HTML, and as a PDF through `app.pdf` (its static-only fetcher)."""

import re

import pydyf
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.enums import EventKind
from app.formatting import DEFAULT_LANGUAGE
from app.pdf import DEFAULT_VARIANT, EmbeddedFile, html_to_pdf
from app.reports import charts
from app.reports.services import (
    IN_SEMESTER_LABELS,
    OUTCOME_KIND_LABELS,
    ROLE_LABELS,
    SemesterReport,
)
from app.reports.workbook import VARIANTS_WITH_DATA, report_json
from app.timezones import in_zone

# PDF variants the CLI offers. Default: PDF/UA-1 (tagged, accessible). PDF/A for archives.
VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/a-2b", "pdf/a-3u")

_COUNTERS = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}


def report_filename(
    acronym: str, number: int, lang: str = DEFAULT_LANGUAGE, extension: str = "pdf"
) -> str:
    """'BETTER-semester-2.pdf' in English, 'BETTER-semester-2-hu.pdf' in Hungarian (and
    .xlsx for the workbook of its figures)."""
    suffix = "" if lang == DEFAULT_LANGUAGE else f"-{lang}"
    return f"{acronym}-semester-{number}{suffix}.{extension}"


def figures_attachment(report: SemesterReport, lang: str) -> EmbeddedFile:
    """The figures as a JSON file for the archival PDF to carry (call in the report's locale)."""
    return EmbeddedFile(
        name=report_filename(report.project.acronym, report.period.number, lang, "json"),
        content=report_json(report),
        description=_(
            "The figures of this report as data: the same tables as its workbook download."
        ),
    )


def css_string(text: str) -> str:
    """`text` as a CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def page_footer_content() -> str:
    """The CSS `content` of the footer's 'Page 2 of 14', in the report's language: the
    translated sentence with its two numbers as WeasyPrint's page counters."""
    # Translators: the footer of every page of the PDF report, "Page 2 of 14".
    sentence = _("Page %(page)s of %(pages)s")
    parts = []
    for piece in re.split(r"(%\(pages?\)s)", sentence):
        if piece in _COUNTERS:
            parts.append(_COUNTERS[piece])
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


def event_kind_label(code: str) -> str:
    """The label of a kind of event stored as its code (a code we do not know, as is)."""
    try:
        return EventKind(code).label
    except ValueError:
        return code


def report_html(report: SemesterReport) -> str:
    """The report as one self-contained HTML document (charts inlined as data: URIs)."""
    chart_kinds = (
        charts.data_uri(charts.events_by_kind_and_month(report.months, report.events_by_kind_month))
        if report.events_by_kind_month
        else None
    )
    chart_partners = (
        charts.data_uri(charts.participants_by_partner(report.participants))
        if report.participants
        else None
    )
    from app.outcomes.services import CATEGORIES
    from app.practices.matrix import transfer_matrix_svg

    matrix_svg = (
        charts.data_uri(
            transfer_matrix_svg(
                report.matrix,
                title=_(
                    "Who learns from whom at the end of semester %(number)s",
                    number=report.period.number,
                ),
            )
        )
        if report.transfers
        else None
    )
    return render_template(
        "reports/semester.html",
        r=report,
        chart_kinds=chart_kinds,
        chart_partners=chart_partners,
        matrix_svg=matrix_svg,
        role_labels=ROLE_LABELS,
        in_semester_labels=IN_SEMESTER_LABELS,
        outcome_kind_labels=OUTCOME_KIND_LABELS,
        evidence_labels=CATEGORIES,
        event_kind_label=event_kind_label,
        page_footer=page_footer_content(),
        in_zone=in_zone,
        site_url=current_app.config.get("SITE_URL", ""),
    )


def render_pdf(
    report: SemesterReport, variant: str | None = DEFAULT_VARIANT, lang: str = DEFAULT_LANGUAGE
) -> bytes:
    """The report as a PDF, in `lang` (English, the programme's language, unless asked):
    its texts, dates, charts, metadata and document language (`/Lang`)."""
    if variant is not None and variant not in VARIANTS:
        from app.reports.services import ReportUnavailable

        raise ReportUnavailable(
            _(
                "Unknown PDF variant %(variant)s: use one of %(variants)s.",
                variant=repr(variant),
                variants=", ".join(VARIANTS),
            ),
            "variant",
        )
    with force_locale(lang):
        html = report_html(report)
        # An archival PDF/A-3 carries its own figures as data (AFRelationship /Data).
        embedded = [figures_attachment(report, lang)] if variant in VARIANTS_WITH_DATA else []
    return html_to_pdf(html, variant, embedded=embedded, finisher=scope_table_headers)


def scope_table_headers(_document, pdf) -> None:
    """A WeasyPrint finisher: `/Scope` on every table header cell of the tagged PDF
    (`/Column` in a table's head, `/Row` elsewhere), so screen readers announce each cell
    with its headers.

    WeasyPrint 70 uses the HTML `scope` attribute only to link cells to their headers and
    writes no `/Scope` itself. Working on its objects before they are written costs next to
    nothing and leaves the PDF/UA or PDF/A identification as it is; an untagged PDF has no
    header cells to amend."""
    elements = {
        obj.number: obj
        for obj in pdf.objects
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"
    }

    def parent(element):
        reference = element.get("P")  # b"12 0 R"
        if reference is None:
            return None
        text = reference.decode() if isinstance(reference, bytes) else str(reference)
        return elements.get(int(text.split()[0]))

    for element in elements.values():
        if element.get("S") != "/TH":
            continue
        row = parent(element)
        section = parent(row) if row is not None and row.get("S") == "/TR" else None
        attributes = element.get("A")
        if not isinstance(attributes, pydyf.Dictionary):
            attributes = element["A"] = pydyf.Dictionary({"O": "/Table"})
        in_head = section is not None and section.get("S") == "/THead"
        attributes["Scope"] = "/Column" if in_head else "/Row"
