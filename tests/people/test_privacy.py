"""An expert's e-mail address is on no public page, no feed and not in the report."""

import io
from datetime import date

from pypdf import PdfReader

from app.extensions import db
from app.reports.render import render_pdf, report_html
from app.reports.services import build_report
from tests.people.conftest import as_user

ADDRESS = "anna.rossi@example.org"


def test_an_experts_address_is_nowhere_public(client, world):
    visitor = as_user(client, None)
    event_page = visitor.get(f"/events/{world.event_id}").text
    assert "Anna Rossi" in event_page  # experts' names are public on agendas
    for url in (
        "/",
        "/events",
        f"/events/{world.event_id}",
        "/events/calendar?month=2026-03",
        "/calendar.ics",
        f"/events/{world.event_id}.ics",
    ):
        response = visitor.get(url)
        assert response.status_code == 200, url
        assert ADDRESS not in response.get_data(as_text=True), url
    # Signed in: the private feed, and the pages of someone who does not manage Genoa.
    tartu = as_user(client, world.users["tartu"])
    token = world.users["tartu"].feed_token
    for url in (f"/calendar/private/{token}.ics", f"/events/{world.event_id}", "/people"):
        assert ADDRESS not in tartu.get(url).get_data(as_text=True).replace("<wbr>", ""), url
    funder = as_user(client, world.users["funder"])
    assert ADDRESS not in funder.get("/people").text.replace("<wbr>", "")
    assert ADDRESS in as_user(client, world.users["genoa"]).get("/people").text.replace("<wbr>", "")


def test_an_experts_address_is_not_in_the_report(app, world):
    project = world.project
    project.phases[0].end_date = date(2027, 8, 1)  # the event's March 2026 in a semester
    db.session.commit()
    report = build_report(project, project.period_for(date(2026, 3, 5)).number)
    html = report_html(report)
    assert "Anna Rossi" in html and ADDRESS not in html
    pdf = PdfReader(io.BytesIO(render_pdf(report)))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Anna Rossi" in text and ADDRESS not in text
