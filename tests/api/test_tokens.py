"""Personal API tokens on the account page and in the `users` CLI: shown once, kept as a
hash, revoked by their owner only, logged as security events without their characters."""

import re
from datetime import UTC, datetime

import pytest
from flask import g
from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from app.api.models import ApiToken, hash_token
from app.api.tokens import create_token, token_for
from app.extensions import db
from app.formatting import format_local
from tests import factories

RAW = re.compile(r"ipp_[A-Za-z0-9_-]{40,}")
SHOWN_ONCE = "Copy it now: it will not be shown again."


@pytest.fixture
def people(app):
    """A partner editor of Tartu (reading in Tallinn's zone), a funder, a coordinator."""
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    return {
        "editor": factories.user("editor@example.org", "partner", tartu),
        "funder": factories.user("funder@example.org", "funder"),
        "coordinator": factories.user("coordinator@example.org", "coordinator"),
    }


def _as(client, user) -> None:
    """Sign `client` in as `user` (the tests' app context caches the user in `g`)."""
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)


def _create(client, name="Report script", scope="read"):
    return client.post("/account/api-tokens", data={"token-name": name, "token-scope": scope})


def _tokens() -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def _token_entries() -> list[ActivityEntry]:
    return list(
        db.session.scalars(
            select(ActivityEntry)
            .where(ActivityEntry.action.in_(("api_token_created", "api_token_revoked")))
            .order_by(ActivityEntry.id)
        )
    )


def _every_stored_value() -> list[str]:
    """Every value of every column of every row in the database, as text."""
    values = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            values.extend(str(value) for value in row if value is not None)
    return values


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(people, client):
    _as(client, people["editor"])
    response = _create(client, "Report script", "write")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert SHOWN_ONCE in page
    [raw] = set(RAW.findall(page))
    # The page answering the POST sends the account's other forms to /account.
    assert page.count('action="/account"') == 2

    [token] = _tokens()
    assert (token.name, token.scope, token.user_id) == (
        "Report script",
        "write",
        people["editor"].id,
    )
    assert token.token_hash == hash_token(raw) and token.hint == raw[:10]
    assert token_for(raw) == token
    assert not [value for value in _every_stored_value() if raw in value]
    with client.session_transaction() as session:
        assert raw not in repr(dict(session))

    again = client.get("/account").get_data(as_text=True)
    assert raw not in again and SHOWN_ONCE not in again
    assert "Report script" in again and f"{token.hint}…" in again
    assert "Read and write" in again and "Never" in again  # its scope; not used yet
    # Going back to the form's address (a reload, the language switch) is the account page.
    assert client.get("/account/api-tokens?lang=et").headers["Location"] == "/account?lang=et"


def test_the_list_shows_times_in_the_readers_zone(people, client):
    editor = people["editor"]
    token, _raw = create_token(editor, "Nightly import", "read")
    token.created_at = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 03:30 in Tallinn, summer
    token.last_used_at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    db.session.commit()
    _as(client, editor)
    page = client.get("/account").get_data(as_text=True)
    for instant in (token.created_at, token.last_used_at):
        assert format_local(instant, "Europe/Tallinn") in page
    assert "Never" not in page


def test_revoking_takes_the_token_off_the_list_and_out_of_use(people, client):
    _as(client, people["editor"])
    raw = RAW.search(_create(client).get_data(as_text=True)).group()
    [token] = _tokens()
    page = client.get("/account").get_data(as_text=True)
    assert f'action="/account/api-tokens/{token.id}/revoke"' in page
    assert 'data-confirm="Revoke the token “Report script”?' in page

    response = client.post(f"/account/api-tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account#api-tokens-heading"
    page = client.get("/account").get_data(as_text=True)
    assert "Token “Report script” revoked: it no longer works." in page
    assert token.hint not in page and "You have no API tokens." in page
    assert token_for(raw) is None
    assert _tokens()[0].revoked_at is not None
    # Revoked once is revoked: a second time it is as unknown as any other id.
    assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404


def test_nobody_revokes_another_accounts_token(people, client):
    token, raw = create_token(people["editor"], "Editor's script", "write")
    db.session.commit()
    for who in ("coordinator", "funder"):
        _as(client, people[who])
        assert client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404
        assert "Editor's script" not in client.get("/account").get_data(as_text=True)
    assert client.post("/account/api-tokens/999999/revoke").status_code == 404
    assert client.post("/account/api-tokens/99999999999/revoke").status_code == 404
    assert token_for(raw) == token and _tokens()[0].revoked_at is None
    assert _token_entries()[-1].action == "api_token_created"  # no revocation logged


BAD_INPUT = [
    # who, name, scope, the field that says it, what it says
    ("editor", "", "read", "name", "Give the token a name, such as the tool that will use it."),
    (
        "editor",
        "  \n ",
        "read",
        "name",
        "Give the token a name, such as the tool that will use it.",
    ),
    ("editor", "x" * 101, "read", "name", "At most 100 characters, please: this has 101."),
    (
        "editor",
        "Script",
        "admin",
        "scope",
        "Choose whether the token may read only, or also write.",
    ),
    ("editor", "Script", "", "scope", "Choose whether the token may read only, or also write."),
    ("funder", "Script", "write", "scope", "Your account reads only, so its tokens read only"),
]


@pytest.mark.parametrize(("who", "name", "scope", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(
    people, client, who, name, scope, field, message
):
    _as(client, people[who])
    response = _create(client, name, scope)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert re.search(rf'id="token-{field}-error">[^<]*{re.escape(message)}', page), page
    assert "There is a problem" in page  # the summary at the top links to the field
    assert not RAW.search(page) and SHOWN_ONCE not in page
    assert _tokens() == [] and _token_entries() == []


def test_a_funder_is_offered_read_tokens_only_and_gets_one(people, client):
    _as(client, people["funder"])
    page = client.get("/account").get_data(as_text=True)
    assert 'value="read"' in page and 'value="write"' not in page
    assert "Your account reads only, so its tokens read only." in page
    assert _create(client, "Dashboard", "read").status_code == 200
    assert [(t.name, t.scope) for t in _tokens()] == [("Dashboard", "read")]
    _as(client, people["editor"])
    assert 'value="write"' in client.get("/account").get_data(as_text=True)


def test_creating_and_revoking_are_security_events_without_the_token(people, client):
    _as(client, people["editor"])
    raw = RAW.search(_create(client, "Report script").get_data(as_text=True)).group()
    [token] = _tokens()
    client.post(f"/account/api-tokens/{token.id}/revoke")
    created, revoked = _token_entries()
    assert (created.action, revoked.action) == ("api_token_created", "api_token_revoked")
    for entry in (created, revoked):
        assert (entry.object_kind, entry.object_id) == ("account", people["editor"].id)
        assert entry.actor == "editor@example.org"
        assert f"token {token.id} “Report script”" in entry.changed_fields["detail"][1]
        stored = f"{entry.label} {entry.actor} {entry.changes} {entry.snapshot}"
        assert raw not in stored and token.hint not in stored and token.token_hash not in stored

    _as(client, people["coordinator"])
    log = " ".join(client.get("/activity?kind=account").get_data(as_text=True).split())
    assert "created an API token for account “editor@example.org”" in log
    assert "revoked an API token of account “editor@example.org”" in log
    assert raw not in log


def test_the_cli_creates_a_token_printed_once_and_revokes_it(people, runner):
    result = runner.invoke(
        args=["users", "token-create", "Editor@Example.org", "--name", "CI", "--scope", "write"]
    )
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip()  # alone on standard output, for $(...)
    assert RAW.fullmatch(raw)
    assert "Copy it now" in result.stderr
    token = token_for(raw)
    assert (token.name, token.scope, token.user.email) == ("CI", "write", "editor@example.org")
    assert not [value for value in _every_stored_value() if raw in value]

    result = runner.invoke(args=["users", "token-revoke", "editor@example.org", str(token.id)])
    assert result.exit_code == 0, result.output
    assert f"Revoked API token {token.id} “CI”" in result.output
    assert token_for(raw) is None
    assert [(e.action, e.actor) for e in _token_entries()] == [
        ("api_token_created", "Command line"),
        ("api_token_revoked", "Command line"),
    ]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["token-create", "nobody@example.org", "--name", "CI"], "No account has the e-mail"),
        (["token-create", "funder@example.org", "--name", "CI", "--scope", "write"], "reads only"),
        (["token-create", "editor@example.org", "--name", " "], "Give the token a name"),
        (["token-revoke", "editor@example.org", "999999"], "No such token of yours."),
        (["token-revoke", "nobody@example.org", "1"], "No account has the e-mail"),
    ],
)
def test_the_cli_refuses_with_a_message_and_writes_nothing(people, runner, args, says):
    result = runner.invoke(args=["users", *args])
    assert result.exit_code != 0 and says in result.output, result.output
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
    assert _token_entries() == []
