"""`flask --app wsgi users create EMAIL --role ROLE [--partner CODE]`, and the other
account commands: demo accounts, second factor reset, sessions, unlocking, API tokens."""

import sys

import click
from flask.cli import AppGroup

from app.api import tokens
from app.api.models import TokenScope
from app.auth import second_factor, services, sign_ins
from app.enums import Role
from app.errors import DomainError
from app.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--partner", "partner_code", help="Partner code (P1, P2 ...); required for partner.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(email: str, role: str, partner_code: str | None, password_stdin: bool) -> None:
    """Create an account; the password comes from a prompt or standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(email, password, role, partner_code)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    where = f" for {user.partner.city}" if user.partner else ""
    click.echo(f"Created {user.role} account {user.email}{where}.")


DEMO_ACCOUNTS = [
    # email, role, partner code
    ("coordinator@better.example", "coordinator", "GEN"),
    ("tartu@better.example", "partner", "P4"),
    ("funder@better.example", "funder", None),
]


@users_cli.command("ensure-demo")
def ensure_demo() -> None:
    """Create the demo accounts once (random passwords kept in instance/) and print them."""
    from pathlib import Path

    from flask import current_app

    path = Path(current_app.instance_path) / "demo_accounts.txt"
    try:
        lines = services.ensure_demo_accounts(DEMO_ACCOUNTS, path)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo("Sign in to the demo at /login with one of these accounts:")
    for line in lines:
        click.echo(f"  {line}")


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_2fa(email: str) -> None:
    """Turn off an account's second factor (a lost phone): it signs in with the password,
    and may set the second factor up again from its account page."""
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No account has the e-mail {email}.")
    try:
        second_factor.reset(user, actor="Command line")
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"The second factor of {user.email} is off; its recovery codes are gone.")


@users_cli.command("sessions-purge")
def sessions_purge() -> None:
    """Delete the sign-ins past SESSION_MAX_HOURS or SESSION_IDLE_MINUTES (sign-ins do it too)."""
    purged = sign_ins.purge_expired()
    db.session.commit()
    click.echo(f"Removed {purged} expired session{'s' if purged != 1 else ''}.")


@users_cli.command("unlock")
@click.argument("email")
@click.option(
    "--address", help="Also clear this client address's count across every e-mail (spraying)."
)
def unlock(email: str, address: str | None) -> None:
    """Let EMAIL try to sign in again at once, from every address; logged."""
    cleared = services.unlock(email, address)
    known = "" if services.find_user(email) else " (no account has this e-mail)"
    click.echo(f"{email.strip().lower()} may sign in again{known}: {cleared} counter(s) cleared.")


def _account(email: str):
    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No account has the e-mail {email}.")
    return user


@users_cli.command("token-create")
@click.argument("email")
@click.option("--name", required=True, help="What will use the token, such as a script's name.")
@click.option(
    "--scope",
    type=click.Choice([s.value for s in TokenScope]),
    default=TokenScope.READ.value,
    show_default=True,
    help="read: what the account reads; write: also change what it may change.",
)
def token_create(email: str, name: str, scope: str) -> None:
    """Create a personal API token for EMAIL and print it, this once, alone on standard
    output (the rest goes to standard error): `TOKEN=$(flask users token-create ...)`."""
    user = _account(email)
    try:
        token, raw = tokens.create_token(user, name, scope)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(
        f"Created API token {token.id} “{token.name}” ({token.scope}) for {user.email}. "
        "Copy it now: it will not be shown again.",
        err=True,
    )
    click.echo(raw)


@users_cli.command("token-revoke")
@click.argument("email")
@click.argument("token_id", type=int)
def token_revoke(email: str, token_id: int) -> None:
    """Revoke EMAIL's API token TOKEN_ID (the id `token-create` printed); it stops working."""
    user = _account(email)
    try:
        token = tokens.revoke_token(user, token_id)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Revoked API token {token.id} “{token.name}” of {user.email}.")
