"""Regional action plans: reading, editing by the partner, actions moving transfers on."""

from sqlalchemy import func, select

from app.extensions import db
from app.outcomes.models import Action, ActionGroup, ActionPlan
from app.practices.models import Transfer
from tests.practices.world import anonymous_client, sign_in


def _action_form(world, **changes):
    data = {
        "title": "Service design training programme",
        "description": "",
        "inspired_by_practice_id": str(world.practice.id),
        "owner": "Public service development team",
        "starts_on": "2021-11-01",
        "ends_on": "2022-03-31",
        "status": "done",
        "results": "12 service owners trained; 7 training days.",
    }
    data.update(changes)
    return data


def test_partner_editor_adds_an_action_inspired_by_a_practice(world, client):
    sign_in(client, "tartu@example.org")
    url = f"/action-groups/{world.group.id}/actions/new"
    response = client.post(url, data=_action_form(world))
    assert response.status_code == 302
    action = db.session.scalar(select(Action))
    assert response.headers["Location"].endswith(f"/action-plans/P4#action-{action.id}")
    page = client.get("/action-plans/P4").get_data(as_text=True)
    for text in (
        "Service design training programme",
        "Municipal innovation unit",
        "Public service development team",
        "1 Nov 2021 – 31 Mar 2022",
        "12 service owners trained; 7 training days.",
        "Done",
    ):
        assert text in page, text
    transfer = db.session.scalar(select(Transfer))
    assert (transfer.importer_partner_id, transfer.stage) == (world.tartu.id, "in_action_plan")
    assert transfer.history[-1].action_id == action.id


def test_bad_action_input_is_refused_and_nothing_saved(world, client):
    sign_in(client, "tartu@example.org")
    url = f"/action-groups/{world.group.id}/actions/new"
    for changes, message in (
        ({"title": " "}, "needs a title"),
        ({"starts_on": "2022-04-01", "ends_on": "2022-03-01"}, "end is before the start"),
        ({"inspired_by_practice_id": "9999"}, "Not a valid choice"),
    ):
        response = client.post(url, data=_action_form(world, **changes))
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == 0


def test_only_the_partners_editors_and_coordinators_edit_its_plan(world, client):
    action = Action(group=world.group, title="Map public services", position=1)
    db.session.add(action)
    db.session.commit()
    assert anonymous_client(client).get("/action-plans/P4").status_code == 302
    for email, read, edit in (
        ("funder@example.org", 200, 403),
        ("gavle@example.org", 200, 403),
        ("tartu@example.org", 200, 200),
        ("coord@example.org", 200, 200),
    ):
        sign_in(client, email)
        assert client.get("/action-plans/P4").status_code == read
        assert client.get(f"/actions/{action.id}/edit").status_code == edit
        assert client.get("/action-plans/P4/edit").status_code == edit
        client.post("/logout")
    sign_in(client, "gavle@example.org")
    refused = client.post(f"/actions/{action.id}/edit", data=_action_form(world, title="Hijack"))
    assert refused.status_code == 403
    db.session.expire_all()
    assert db.session.get(Action, action.id).title == "Map public services"


def test_plan_and_groups_are_recorded_with_the_policy_instrument(world, client):
    sign_in(client, "gavle@example.org")
    response = client.post(
        "/action-plans/P3/edit",
        data={
            "title": "Gävle regional action plan",
            "policy_instrument": "Gävle's digital agenda",
            "objective": "",
        },
    )
    assert response.status_code == 302
    plan = db.session.scalar(select(ActionPlan).where(ActionPlan.partner_id == world.gavle.id))
    client.post("/action-plans/P3/groups", data={"title": "Open data", "objective": ""})
    assert [
        g.title
        for g in db.session.scalars(select(ActionGroup).where(ActionGroup.plan_id == plan.id))
    ] == ["Open data"]
    empty = client.post("/action-plans/P3/edit", data={"title": "", "policy_instrument": "x"})
    assert empty.status_code == 400 and "needs a title" in empty.get_data(as_text=True)
    page = client.get("/action-plans").get_data(as_text=True)
    assert "Gävle regional action plan" in page and "Gävle&#39;s digital agenda" in page


def test_action_plan_page_query_count_does_not_grow_with_actions(world, client):
    from decimal import Decimal

    from sqlalchemy import event

    from app.outcomes.models import Attachment, Outcome

    def add_actions(n):
        for i in range(n):
            action = Action(
                group=world.group,
                title=f"Action {i}",
                position=i,
                inspired_by_practice=world.practice,
            )
            db.session.add(action)
            db.session.flush()
            db.session.add(
                Outcome(
                    action=action,
                    kind="figure",
                    indicator=world.indicator,
                    value=Decimal(i),
                    period_number=1,
                )
            )
            db.session.add(
                Attachment(
                    action_id=action.id,
                    original_name=f"minutes {i}.pdf",
                    stored_name=f"{world.group.id}-{action.id}-stored",
                    content_type="application/pdf",
                    size_bytes=10,
                )
            )
        db.session.commit()

    def count(url):
        client.get(url)
        statements = []
        listener = lambda *_args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    sign_in(client, "tartu@example.org")
    add_actions(2)
    few = count("/action-plans/P4")
    add_actions(6)
    page = client.get("/action-plans/P4").get_data(as_text=True)
    actions = page.split('id="history"')[0]  # the history panel names them again
    assert "minutes 5.pdf" in actions and actions.count("Municipal innovation unit") == 8
    assert count("/action-plans/P4") == few
