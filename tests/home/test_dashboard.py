"""The semester dashboard: events by kind and status against the plan; the next 30 days."""

from datetime import UTC, date, datetime, timedelta

from flask import g
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.home.views import default_period
from app.partners.models import Partner, Project
from tests import factories


def _sign_in(client, role="funder") -> None:
    user = User(email=f"{role}@example.org", role=role, password_hash="!")
    db.session.add(user)
    db.session.commit()
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


def _row(page: str, label: str) -> str:
    start = page.index(label)
    return page[start : page.index("</tr>", start)]


def test_dashboard_counts_against_the_plan(demo, client):
    _sign_in(client)
    page = client.get("/dashboard?semester=5").get_data(as_text=True)
    assert "Semester 5 (Aug 2021 – Jan 2022)" in page
    row = _row(page, ">Study visit<")
    assert ">2<" in row  # Nyíregyháza and Gävle, both held
    page = client.get("/dashboard?semester=6").get_data(as_text=True)
    row = _row(page, ">Import workshop<")
    assert ">5<" in row and "0 of 5" in row


def test_dashboard_shows_postponed_cancelled_and_the_next_30_days(app, client):
    project = factories.project(start_date=date(2025, 8, 1))
    host = factories.partner(project, "P4")
    soon = datetime.now(UTC).replace(tzinfo=None, microsecond=0) + timedelta(days=5)
    factories.event(project, host, soon, soon + timedelta(hours=2), title="Coming soon")
    factories.event(
        project,
        host,
        soon + timedelta(days=1),
        soon + timedelta(days=1, hours=1),
        title="Called off",
        status="cancelled",
    )
    factories.event(
        project,
        host,
        soon + timedelta(days=60),
        soon + timedelta(days=60, hours=1),
        title="Far away",
    )
    _sign_in(client, "coordinator")
    page = client.get("/dashboard").get_data(as_text=True)
    coming = page[page.index("Coming in the next 30 days") :]
    assert "Coming soon" in coming and "Far away" not in coming


def test_default_semester_is_the_current_or_the_last(demo):
    project = db.session.scalar(select(Project))
    assert default_period(project, date(2020, 3, 1)).number == 2
    assert default_period(project, date(2030, 1, 1)).number == len(project.periods())
    assert db.session.scalar(select(Partner).where(Partner.code == "P4")).city == "Tartu"


def test_dashboard_needs_signing_in_and_a_known_semester(demo, client):
    assert client.get("/dashboard").status_code == 302
    _sign_in(client)
    assert client.get("/dashboard?semester=99").status_code == 404
    assert client.get("/dashboard?semester=x").status_code == 404
