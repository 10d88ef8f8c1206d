"""Outcomes on events and actions, refusals, and the semester indicator table."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.outcomes.models import Action, Indicator, Outcome
from app.outcomes.services import indicator_table
from app.versioning import version_of
from tests.practices.world import sign_in, study_visit


def _outcomes() -> int:
    return db.session.scalar(select(func.count()).select_from(Outcome))


def _figure(world, value, period="5", **extra):
    return {
        "kind": "figure",
        "indicator_id": str(world.indicator.id),
        "value": value,
        "period_number": period,
        **extra,
    }


@pytest.mark.parametrize(
    ("value", "period", "message"),
    [
        ("-3", "5", "cannot be negative"),
        ("twelve", "5", "is not a number"),
        ("NaN", "5", "is not a number"),
        ("", "5", "Give the figure"),
        ("12", "99", "has no semester 99"),
        ("12", "x", "Choose the reporting period"),
    ],
)
def test_bad_figures_are_refused_with_a_message_and_nothing_saved(
    world, client, value, period, message
):
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    response = client.post(
        f"/events/{visit.id}/outcomes", data=_figure(world, value, period), follow_redirects=True
    )
    assert message in response.get_data(as_text=True)
    assert _outcomes() == 0


def test_a_figure_needs_its_indicator_and_a_lesson_its_text(world, client):
    visit = study_visit(world)
    sign_in(client, "gavle@example.org")
    url = f"/events/{visit.id}/outcomes"
    page = client.post(url, data=_figure(world, "3", indicator_id=""), follow_redirects=True)
    assert "Choose the indicator" in page.get_data(as_text=True)
    page = client.post(url, data={"kind": "lesson", "text": "  "}, follow_redirects=True)
    assert "Write the lesson" in page.get_data(as_text=True)
    assert _outcomes() == 0


def test_outcomes_on_an_event_are_for_the_hosts_editors_and_coordinators(world, client):
    visit = study_visit(world)
    url = f"/events/{visit.id}/outcomes"
    lesson = {"kind": "lesson", "text": "Prototype early."}
    for email in ("tartu@example.org", "funder@example.org"):
        sign_in(client, email)
        assert client.post(url, data=lesson).status_code == 403
        client.post("/logout")
    assert _outcomes() == 0
    sign_in(client, "gavle@example.org")
    page = client.post(url, data=lesson, follow_redirects=True).get_data(as_text=True)
    assert "Outcome recorded." in page and "Prototype early." in page


def test_outcomes_on_an_action_are_for_the_plans_partner(world, client):
    action = Action(group=world.group, title="Training", position=1)
    db.session.add(action)
    db.session.commit()
    url = f"/actions/{action.id}/outcomes"
    sign_in(client, "gavle@example.org")
    assert client.post(url, data=_figure(world, "12")).status_code == 403
    client.post("/logout")
    sign_in(client, "tartu@example.org")
    page = client.post(url, data=_figure(world, "12", period="6"), follow_redirects=True)
    assert "Outcome recorded." in page.get_data(as_text=True)
    outcome = db.session.scalar(select(Outcome))
    assert (outcome.action_id, outcome.value, outcome.period_number) == (action.id, 12, 6)


def test_indicator_table_agrees_with_the_recorded_outcomes(world, client):
    visit = study_visit(world)
    action = Action(group=world.group, title="Training", position=1)
    db.session.add(action)
    db.session.commit()
    sign_in(client, "coord@example.org")
    recorded = [
        ("event", "4", "3"),
        ("event", "2.5", "4"),
        ("action", "12", "4"),
        ("event", "7", "5"),
    ]
    for target, value, period in recorded:
        url = (
            f"/events/{visit.id}/outcomes"
            if target == "event"
            else f"/actions/{action.id}/outcomes"
        )
        assert client.post(url, data=_figure(world, value, period)).status_code == 302
    assert _outcomes() == 4
    rows = {r.indicator.code: r for r in indicator_table(world.project, 4)}
    assert rows["PC"].this_period == Decimal("14.5")
    assert rows["PC"].to_date == Decimal("18.5")
    page = client.get("/indicators?period=4").get_data(as_text=True)
    row = page[page.index("<td>PC</td>") :]
    row = row[: row.index("</tr>")]
    assert ">14.5<" in row and ">18.5<" in row
    # Every figure behind the table is listed with its event or action.
    assert page.count("Training</a>") == 1
    later = {r.indicator.code: r for r in indicator_table(world.project, 5)}
    assert (later["PC"].this_period, later["PC"].to_date) == (Decimal(7), Decimal("25.5"))


def test_demo_indicator_table_agrees_with_the_demo_outcomes(demo, client):
    from tests import factories

    factories.user("c@example.org")
    sign_in(client, "c@example.org")
    page = client.get("/indicators?period=7").get_data(as_text=True)
    pc = page[page.index("<td>PC</td>") :]
    pc = pc[: pc.index("</tr>")]
    assert pc.count(">12<") == 2  # this semester and to date
    sm = page[page.index("<td>SM</td>") :]
    sm = sm[: sm.index("</tr>")]
    assert ">0<" in sm and ">440<" in sm  # mapped in semester 2 ("Summer 2020")
    assert "Service design training programme for service owners" in page


def test_coordinator_configures_indicators_and_targets(world, client):
    sign_in(client, "tartu@example.org")
    assert client.get("/indicators/manage").status_code == 403
    client.post("/logout")
    sign_in(client, "coord@example.org")
    added = client.post(
        "/indicators/manage",
        data={
            "code": "gp",
            "name": "Good practices identified",
            "unit": "practices",
            "target": "8",
        },
    )
    assert added.status_code == 302
    gp = db.session.scalar(select(Indicator).where(Indicator.code == "GP"))
    assert gp.target == 8
    for data, message in (
        ({"code": "PC", "name": "Again", "target": ""}, "already has the code PC"),
        ({"code": "X", "name": "Negative", "target": "-1"}, "target cannot be negative"),
        ({"code": "Y", "name": "Words", "target": "many"}, "is not a number"),
        ({"code": "", "name": "No code", "target": ""}, "needs a code"),
    ):
        response = client.post("/indicators/manage", data=data)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Indicator)) == 2
    edited = client.post(
        f"/indicators/{gp.id}/edit",
        data={
            "code": "GP",
            "name": "Good practices identified",
            "unit": "",
            "target": "10",
            "version": version_of(gp),
        },
    )
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Indicator, gp.id).target == 10
    table = client.get("/indicators?period=1").get_data(as_text=True)
    assert "Good practices identified" in table and ">10<" in table
