"""`flask --app wsgi events add|register ...`: schedule an event, register a person."""

from datetime import date, datetime

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.delegations import services as delegations
from app.enums import EventKind, RegistrationStatus
from app.errors import DomainError
from app.events import services
from app.events.models import Event
from app.extensions import db
from app.formatting import format_local
from app.input_rules import MAX_ID
from app.partners.models import Person
from app.partners.services import require_project
from app.timezones import FOLDS, RepeatedTime, choose_fold

events_cli = AppGroup("events", help="Events of the partnership.")


def _parse_when(text: str) -> datetime | date:
    """'2026-03-05' (all day) or '2026-03-05 09:30' (local wall-clock time)."""
    for fmt, is_date in (("%Y-%m-%d", True), ("%Y-%m-%d %H:%M", False), ("%Y-%m-%dT%H:%M", False)):
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.date() if is_date else parsed
    raise click.BadParameter(f"{text!r}: use YYYY-MM-DD or 'YYYY-MM-DD HH:MM'.")


@events_cli.command("add")
@click.option("--kind", required=True, type=click.Choice([k.value for k in EventKind]))
@click.option("--title", required=True)
@click.option("--host", "host_code", required=True, help="Host partner code, e.g. P4.")
@click.option("--start", required=True, help="Local start: YYYY-MM-DD or 'YYYY-MM-DD HH:MM'.")
@click.option("--end", required=True, help="Local end (or last day, for an all-day event).")
@click.option("--timezone", help="IANA zone the event happens in; default: the host's.")
@click.option("--with", "visitors", multiple=True, help="Participating partner code (repeat).")
@click.option("--internal", is_flag=True, help="Not in the published programme.")
@click.option(
    "--fold",
    type=click.Choice(list(FOLDS)),
    help="For a time that happens twice (the night clocks go back): which one.",
)
def add(kind, title, host_code, start, end, timezone, visitors, internal, fold) -> None:
    """Schedule an event; times are the event's local wall-clock times."""
    try:
        project = require_project()
        host = services.partner_by_code(project, host_code)
        zone_name = timezone or host.timezone
        start, end = (_chosen(_parse_when(text), zone_name, fold) for text in (start, end))
        event = services.create_event(
            project,
            kind=kind,
            title=title,
            host=host,
            start=start,
            end=end,
            timezone=zone_name,
            participants=[services.partner_by_code(project, code) for code in visitors],
            is_public=not internal,
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(
        f"Scheduled event {event.id}: {event.display_title}, "
        f"{format_local(event.starts_at, event.timezone)}."
    )
    notes = services.holiday_warnings(
        event.participants, event.starts_at, event.ends_at, event.timezone
    ) + services.period_warnings(project, event.starts_at, event.timezone)
    for warning in notes:
        click.echo(f"Note: {warning}", err=True)


def _chosen(when: datetime | date, zone_name: str, fold: str | None) -> datetime | date:
    """A time that happens twice needs --fold; other times pass unchanged."""
    if not isinstance(when, datetime):
        return when
    try:
        return choose_fold(when, zone_name, fold)
    except RepeatedTime as exc:
        raise DomainError(f"{exc.message} Pass --fold earlier or --fold later.") from None


@events_cli.command("register")
@click.argument("event_id", type=int)
@click.option("--email", required=True, help="The person's address in the directory.")
@click.option("--role", default="", help="Role at the event, e.g. speaker.")
@click.option("--day", "days", multiple=True, help="A day attending, YYYY-MM-DD (repeat).")
def register(event_id, email, role, days) -> None:
    """Register a person of the directory, found by e-mail, in their partner's delegation."""
    try:
        event = db.session.get(Event, event_id) if abs(event_id) <= MAX_ID else None
        if event is None:
            raise DomainError(f"No event {event_id}.")
        person = _person_by_email(email)
        registration = delegations.register(
            event, person.partner, person, role=role, days=list(days)
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    state = (
        "registered"
        if registration.status == RegistrationStatus.REGISTERED
        else "on the waiting list (the delegation or the event is full)"
    )
    click.echo(f"{person.name} ({person.partner.city}) is {state} for {event.display_title}.")


def _person_by_email(email: str) -> Person:
    address = (email or "").strip()
    person = db.session.scalar(select(Person).where(func.lower(Person.email) == address.lower()))
    if person is None:
        raise DomainError(f"No one in the directory has the address {address}.")
    if person.is_erased:
        raise DomainError("That person was erased from the directory.")
    return person
