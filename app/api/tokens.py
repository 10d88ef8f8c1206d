"""Creating, revoking and checking personal API tokens. The account page, the `users` CLI
and the API call these; the raw token exists only in the answer to `create_token`.

Creating and revoking are security events in the activity log (`api_token_created`,
`api_token_revoked`), written with the caller's commit; they name the token by its id and
name, never by its characters.
"""

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.activity import security
from app.api.models import ApiToken, TokenScope, hash_token, new_raw_token
from app.auth.models import User
from app.auth.permissions import can_write_with_api
from app.db_types import utcnow
from app.errors import DomainError
from app.extensions import db
from app.input_rules import MAX_ID, fits, one_line

#: A user keeps at most this many live tokens (one per tool is the idea, not one per call).
MAX_LIVE_TOKENS = 20


def live_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create_token(user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the row (added to the session, with its log entry) and the
    raw token, to be shown once. Raises DomainError before writing anything; the caller
    commits."""
    name = fits(one_line(name or ""), 100, "name")
    if not name:
        raise DomainError(_("Give the token a name, such as the tool that will use it."), "name")
    try:
        TokenScope(scope)
    except ValueError:
        message = _("Choose whether the token may read only, or also write.")
        raise DomainError(message, "scope") from None
    if scope == TokenScope.WRITE and not can_write_with_api(user):
        message = _("Your account reads only, so its tokens read only: choose Read.")
        raise DomainError(message, "scope")
    if len(live_tokens(user)) >= MAX_LIVE_TOKENS:
        raise DomainError(
            _("You have %(count)d tokens already: revoke one first.", count=MAX_LIVE_TOKENS),
            "name",
        )
    raw = new_raw_token()
    token = ApiToken(
        user_id=user.id, name=name, scope=scope, token_hash=hash_token(raw), hint=raw[:10]
    )
    db.session.add(token)
    db.session.flush()  # the id, for the log
    security.record("api_token_created", user, detail=_log_detail(token))
    return token, raw


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own live tokens (with its log entry; the caller commits).
    Another user's token is as unknown as a missing or revoked one: DomainError."""
    token = db.session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise DomainError(_("No such token of yours."), "token")
    token.revoked_at = utcnow()
    security.record("api_token_revoked", user, detail=_log_detail(token))
    return token


def _log_detail(token: ApiToken) -> str:
    """How the log names a token: its id, name and scope (stored in English, like the log)."""
    return f"token {token.id} “{token.name}”, scope {token.scope}"


def token_for(raw: str) -> ApiToken | None:
    """The live token `raw` is, of an active account; None for anything else."""
    if not raw or len(raw) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token


def note_use(token: ApiToken) -> bool:
    """Remember when a token was last used, at most once a minute (a Core UPDATE: reading
    the API must not conflict with the account's own edits). True when it wrote."""
    now = utcnow()
    if token.last_used_at is not None and (now - token.last_used_at).total_seconds() < 60:
        return False
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return True
