"""`flask --app wsgi events add ...`: schedule an event from the command line."""

from datetime import date, datetime

import click
from flask.cli import AppGroup

from app.enums import EventKind
from app.errors import DomainError
from app.events import services
from app.extensions import db
from app.formatting import format_local
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
    for warning in services.period_warnings(project, event.starts_at, event.timezone):
        click.echo(f"Note: {warning}", err=True)


def _chosen(when: datetime | date, zone_name: str, fold: str | None) -> datetime | date:
    """A time that happens twice needs --fold; other times pass unchanged."""
    if not isinstance(when, datetime):
        return when
    try:
        return choose_fold(when, zone_name, fold)
    except RepeatedTime as exc:
        raise DomainError(f"{exc.message} Pass --fold earlier or --fold later.") from None
