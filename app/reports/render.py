"""The semester report as HTML, and as a PDF through `app.pdf` (its static-only fetcher)."""

from flask import current_app, render_template
from flask_babel import force_locale

from app.formatting import DEFAULT_LANGUAGE
from app.pdf import DEFAULT_VARIANT, html_to_pdf
from app.reports import charts
from app.reports.services import ROLE_LABELS, SemesterReport
from app.timezones import in_zone

# PDF variants the CLI offers. Default: PDF/UA-1 (tagged, accessible). PDF/A for archives.
VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/a-2b", "pdf/a-3u")


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
    from app.practices.matrix import transfer_matrix_svg

    matrix_svg = (
        charts.data_uri(
            transfer_matrix_svg(
                report.matrix,
                title=f"Who learns from whom at the end of semester {report.period.number}",
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
        in_zone=in_zone,
        site_url=current_app.config.get("SITE_URL", ""),
    )


def render_pdf(
    report: SemesterReport, variant: str | None = DEFAULT_VARIANT, lang: str = DEFAULT_LANGUAGE
) -> bytes:
    """The report as a PDF, in `lang` (English, the programme's language, unless asked)."""
    if variant is not None and variant not in VARIANTS:
        from app.reports.services import ReportUnavailable

        raise ReportUnavailable(
            f"Unknown PDF variant {variant!r}: use one of {', '.join(VARIANTS)}.", "variant"
        )
    with force_locale(lang):
        html = report_html(report)
    return html_to_pdf(html, variant)
