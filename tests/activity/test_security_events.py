"""Security events land in the activity log with who, what, when and from where."""

import pytest
from sqlalchemy import select

from app.activity.models import SECURITY_EVENT_ACTIONS, ActivityEntry
from app.activity.security import SECURITY_ACTIONS, UNKNOWN_ACCOUNT, record
from app.extensions import db
from tests import factories


def test_every_stored_action_has_words():
    assert set(SECURITY_ACTIONS) == set(SECURITY_EVENT_ACTIONS)


def test_an_event_is_written_with_the_callers_commit_and_read_in_the_log(app, client):
    coordinator = factories.user("coord@example.org", role="coordinator")
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        record("sign_in_failed", coordinator)
        record("sign_in_failed", None)
    db.session.commit()
    entries = db.session.scalars(
        select(ActivityEntry)
        .where(ActivityEntry.action.in_(SECURITY_EVENT_ACTIONS))
        .order_by(ActivityEntry.id)
    ).all()
    assert [(e.action, e.label, e.actor) for e in entries] == [
        ("sign_in_failed", "coord@example.org", "Sign-in form"),
        ("sign_in_failed", UNKNOWN_ACCOUNT, "Sign-in form"),
    ]
    assert entries[0].changed_fields == {"client address": [None, "203.0.113.7"]}

    factories.sign_in(client, "coord@example.org")
    page = " ".join(client.get("/activity?kind=account").get_data(as_text=True).split())
    assert "failed to sign in to account “coord@example.org”" in page
    assert "203.0.113.7" in page


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError):
        record("hacked", None)
