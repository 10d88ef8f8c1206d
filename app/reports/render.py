"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files.

`StaticOnlyFetcher` is the only door WeasyPrint has to the outside: it serves files under
app/static (addressed as `static:/...` or through the base URL) and `data:` URIs, and
refuses everything else (file://, http(s)://, ftp, internal addresses) without opening a
connection. A refused resource is simply missing from the PDF; the report still renders.
"""

import base64
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.formatting import DEFAULT_LANGUAGE
from app.reports import charts
from app.reports.services import ROLE_LABELS, SemesterReport
from app.timezones import in_zone

STATIC_DIR = (Path(__file__).resolve().parent.parent / "static").resolve()
STATIC_BASE = "static:/"  # the base URL the report's relative links resolve against

# PDF variants the CLI offers. Default: PDF/UA-1 (tagged, accessible). PDF/A for archives.
VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/a-2b", "pdf/a-3u")
DEFAULT_VARIANT = "pdf/ua-1"

log = logging.getLogger(__name__)


class RefusedResource(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Serves app/static and data: URIs; refuses every other URL (and logs the refusal)."""

    def __init__(self, static_dir: Path = STATIC_DIR):
        super().__init__(allowed_protocols=("static", "data"))
        self.static_dir = static_dir.resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return self._data(url)
        if scheme == "static":
            return self._static(url)
        self.refused.append(url)
        log.info("report renderer refused %s", url[:200])
        raise RefusedResource(f"The report loads only the app's own static files, not {url!r}")

    def _static(self, url: str) -> URLFetcherResponse:
        path = unquote(urlsplit(url).path).lstrip("/")
        if path.startswith("static/"):
            path = path[len("static/") :]
        target = (self.static_dir / path).resolve()
        if not target.is_file() or not target.is_relative_to(self.static_dir):
            self.refused.append(url)
            raise RefusedResource(f"No static file {path!r}")
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": mime})

    def _data(self, url: str) -> URLFetcherResponse:
        header, _, payload = url[len("data:") :].partition(",")
        parts = header.split(";")
        mime = parts[0] or "text/plain"
        body = base64.b64decode(payload) if "base64" in parts[1:] else unquote(payload).encode()
        return URLFetcherResponse(url, body, {"Content-Type": mime})


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


def html_to_pdf(html: str, variant: str | None = DEFAULT_VARIANT, fetcher=None) -> bytes:
    """WeasyPrint alone (the benchmark's floor calls this too)."""
    options = {"pdf_variant": variant} if variant else {"pdf_tags": True}
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher or StaticOnlyFetcher())
    return document.write_pdf(**options)


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
