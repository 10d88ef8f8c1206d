"""User-entered text is escaped, and the renderer fetches nothing but the app's static files."""

import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.events.models import EventSession
from app.extensions import db
from app.home.queries import the_project
from app.pdf import StaticOnlyFetcher, html_to_pdf
from app.reports.render import render_pdf
from app.reports.services import build_report
from app.timezones import local_to_utc
from tests.reports.conftest import pdf_text


@pytest.fixture
def counting_server():
    """A local HTTP server that counts every request it receives."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            body = b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"
            self.send_response(200)
            self.send_header("Content-Type", "image/svg+xml")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_hostile_text_loads_nothing_and_the_report_still_renders(demo, counting_server):
    base, hits = counting_server
    hostile = (
        '<img src="file:///etc/passwd"> '
        f'<img src="{base}/img.svg"> '
        f'<link rel="stylesheet" href="{base}/style.css"> '
        f'<a href="{base}/link">internal</a> '
        f"<style>@import url('{base}/import.css'); body {{ background: url({base}/bg) }}</style>"
    )
    project = the_project()
    event = next(e for e in build_report(project, 2).events).event
    event.description = hostile
    event.title = f'Thematic event #3 <img src="{base}/title.svg">'
    event.sessions.append(
        EventSession(
            title=f"<iframe src='{base}/frame'></iframe>",
            description=f"<object data='{base}/object'></object>",
            starts_at=local_to_utc(datetime(2020, 6, 18, 9, 30), "Europe/London"),
            ends_at=local_to_utc(datetime(2020, 6, 18, 11, 0), "Europe/London"),
        )
    )
    db.session.commit()

    content = pdf_text(render_pdf(build_report(project, 2)))

    assert hits == []
    # The markup is shown as the text it is, not interpreted.
    assert '<img src="file:///etc/passwd">' in content
    assert f'<link rel="stylesheet" href="{base}/style.css">' in content
    assert "root:x:0:0" not in content
    assert "Lauri Sock" in content  # the rest of the report is there


def test_raw_html_given_to_the_renderer_fetches_nothing_either(app, counting_server):
    """Even if unescaped markup reached WeasyPrint, the fetcher would refuse it."""
    base, hits = counting_server
    fetcher = StaticOnlyFetcher()
    html = (
        "<html lang='en'><head><title>t</title>"
        f"<link rel='stylesheet' href='{base}/a.css'></head><body>"
        "<img src='file:///etc/passwd' alt='x'>"
        f"<img src='{base}/b.png' alt='x'><img src='http://169.254.169.254/latest' alt='x'>"
        "<img src='static:/../../../etc/passwd' alt='x'>"
        "<img src='static:/style.css' alt='own static file'>"
        "<p>still here</p></body></html>"
    )
    pdf = html_to_pdf(html, fetcher=fetcher)
    assert "still here" in pdf_text(pdf)
    assert hits == []
    assert any(url.startswith("file:") for url in fetcher.refused)
    assert any(url.startswith(base) for url in fetcher.refused)
    assert any("169.254.169.254" in url for url in fetcher.refused)
    assert any("etc/passwd" in url and url.startswith("static:") for url in fetcher.refused)


def test_fetcher_serves_static_files_and_data_uris_only(app):
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch("static:/style.css")
    assert b"--accent" in css.read()
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:5000/",
        "https://example.org/x.png",
        "ftp://127.0.0.1/x",
        "static:/../config.py",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
