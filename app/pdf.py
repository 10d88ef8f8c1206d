"""HTML to PDF with WeasyPrint, fetching nothing but the app's own static files.

`StaticOnlyFetcher` is the only door WeasyPrint has to the outside: it serves files under
app/static (addressed as `static:/...` or through the base URL) and `data:` URIs, and
refuses everything else (file://, http(s)://, ftp, internal addresses) without opening a
connection. A refused resource is simply missing from the PDF; the document still renders.
Every PDF the app makes (semester reports, attendance sheets) goes through `html_to_pdf`,
whose base URL is fixed: never the request's Host.
"""

import base64
import logging
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = (Path(__file__).resolve().parent / "static").resolve()
STATIC_BASE = "static:/"  # the base URL a document's relative links resolve against
DEFAULT_VARIANT = "pdf/ua-1"  # tagged, accessible

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
        log.info("PDF renderer refused %s", url[:200])
        raise RefusedResource(f"A PDF loads only the app's own static files, not {url!r}")

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


@dataclass(frozen=True)
class EmbeddedFile:
    """A file the PDF carries (PDF/A-3 lists it in the catalog's /AF with its relationship,
    e.g. "Data" for the figures the document shows; the MIME type follows the name)."""

    name: str
    content: bytes
    description: str
    relationship: str = "Data"


def html_to_pdf(
    html: str,
    variant: str | None = DEFAULT_VARIANT,
    fetcher=None,
    embedded: Sequence[EmbeddedFile] = (),
    finisher=None,
) -> bytes:
    """The document as a PDF: WeasyPrint with the static-only fetcher and the fixed base URL
    (the report benchmark's floor calls this too), carrying the `embedded` files.
    `finisher(document, pdf)` may amend the PDF's objects before they are written
    (WeasyPrint's own hook)."""
    options = {"pdf_variant": variant} if variant else {"pdf_tags": True}
    fetcher = fetcher or StaticOnlyFetcher()
    finishers = [finisher] if finisher else []
    if embedded:
        options["attachments"] = [
            Attachment(
                string=item.content,
                url_fetcher=fetcher,
                name=item.name,
                description=item.description,
                relationship=item.relationship,
            )
            for item in embedded
        ]
        finishers.append(_list_each_file_once)
    if finishers:
        options["finisher"] = lambda document, pdf: [step(document, pdf) for step in finishers]
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher)
    return document.write_pdf(**options)


def _list_each_file_once(_document, pdf) -> None:
    """WeasyPrint's PDF/A-3 step lists an attachment twice in the catalog's /AF (once from
    the embedded-files name tree, once from its file specification): keep one of each."""
    if "AF" in pdf.catalog:
        unique = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"].clear()
        pdf.catalog["AF"].extend(unique)
