"""`flask --app wsgi partners add ...` and `flask --app wsgi periods list|show N`."""

import click
from flask.cli import AppGroup

from app.errors import DomainError
from app.partners import services

partners_cli = AppGroup("partners", help="Partners of the partnership.")
periods_cli = AppGroup("periods", help="Reporting periods (semesters).")


@partners_cli.command("add")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--city", required=True)
@click.option("--country", required=True, help="ISO 3166 two-letter code, e.g. EE.")
@click.option("--timezone", required=True, help="IANA zone, e.g. Europe/Tallinn.")
@click.option("--language", required=True, help="e.g. et")
@click.option("--lead", is_flag=True)
def add(code, name, city, country, timezone, language, lead) -> None:
    """Add a partner."""
    try:
        partner = services.add_partner(
            services.require_project(),
            code=code,
            name=name,
            city=city,
            country=country,
            timezone=timezone,
            language=language,
            is_lead=lead,
        )
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Added {partner.code} {partner.name} ({partner.timezone}).")


@partners_cli.command("list")
def list_partners() -> None:
    for partner in services.require_project().partners:
        lead = " (lead)" if partner.is_lead else ""
        click.echo(f"{partner.code}\t{partner.name}{lead}\t{partner.city}\t{partner.timezone}")


@periods_cli.command("list")
def list_periods() -> None:
    """List the semesters."""
    try:
        project = services.require_project()
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    for period in project.periods():
        click.echo(f"{period.number}\t{period.start}\t{period.last_day}\t{period.phase}")


@periods_cli.command("show")
@click.argument("number", type=int)
def show_period(number: int) -> None:
    """Show semester NUMBER."""
    try:
        period = services.require_project().period(number)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Semester {period.number}: {period.start} to {period.last_day} ({period.phase})")
