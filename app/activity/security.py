"""Security events in the activity log: sign-ins, failures, throttling, unlocks, sign-outs,
password and feed-address changes, the second factor switched on or off, personal API
tokens created or revoked.

They are `account` entries with an action of their own, so the coordinators' log shows
them beside every other change and filters them with "What: Account". The client
address is kept (ASVS V7: who, what, when, from where); passwords, codes and tokens never
are.
"""

import json

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from app.activity.models import ActivityEntry
from app.activity.tracking import _actor

#: Stored action -> the sentence the log reads, with who did it (`actor`) and the
#: account's name (`label`): "Anna changed the password of account “anna@example.org”".
#: Translators: %(actor)s is a person or "Sign-in form", "Command line"; %(label)s is the
#: account's name or e-mail.
SECURITY_ACTIONS = {
    "signed_in": _l("%(actor)s signed in account “%(label)s”"),
    "sign_in_failed": _l("%(actor)s failed to sign in to account “%(label)s”"),
    "locked": _l("%(actor)s throttled sign-ins to account “%(label)s”"),
    "unlocked": _l("%(actor)s unlocked account “%(label)s”"),
    "signed_out": _l("%(actor)s signed out of account “%(label)s”"),
    "signed_out_all": _l("%(actor)s signed out every session of account “%(label)s”"),
    "password_changed": _l("%(actor)s changed the password of account “%(label)s”"),
    "feed_reset": _l("%(actor)s reset the private calendar address of account “%(label)s”"),
    "second_factor_on": _l("%(actor)s turned the second factor on for account “%(label)s”"),
    "second_factor_off": _l("%(actor)s turned the second factor off for account “%(label)s”"),
    "api_token_created": _l("%(actor)s created an API token for account “%(label)s”"),
    "api_token_revoked": _l("%(actor)s revoked an API token of account “%(label)s”"),
}

UNKNOWN_ACCOUNT = "(no account has this e-mail)"


def client_address() -> str | None:
    """The address the request came from (behind a proxy, configure ProxyFix for it)."""
    return request.remote_addr if has_request_context() else None


def record(action: str, account=None, *, actor: str | None = None, detail: str = "") -> None:
    """Add a security entry about `account` (a User, or None when no account matched) to
    the session; it is written with the caller's commit.

    `actor` names who did it when that is not the signed-in user (a sign-in that fails
    has no signed-in user; the command line unlocking an account is "Command line")."""
    if action not in SECURITY_ACTIONS:
        raise ValueError(f"Unknown security action {action!r}")
    from app.extensions import db

    user_id, default_actor = _actor()
    if action in ("signed_in", "sign_in_failed", "locked"):
        # Nobody is signed in yet: the form acts, on behalf of the account once it is known.
        signed_in = account is not None and action == "signed_in"
        user_id, default_actor = (account.id if signed_in else None), "Sign-in form"
    changes = {}
    address = client_address()
    if address:
        changes["client address"] = [None, address]
    if detail:
        changes["detail"] = [None, detail[:200]]
    db.session.add(
        ActivityEntry(
            user_id=user_id,
            actor=(actor or default_actor)[:254],
            action=action,
            object_kind="account",
            object_id=account.id if account is not None else 0,
            scope_kind="account",
            scope_id=account.id if account is not None else 0,
            label=((account.name or account.email) if account is not None else UNKNOWN_ACCOUNT)[
                :300
            ],
            changes=json.dumps(changes),
        )
    )
