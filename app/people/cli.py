"""`flask --app wsgi people add|import|list ...`: the directory from the command line.

The same services as the screens; a refusal is printed and the command exits non-zero
having written nothing.
"""

from pathlib import Path

import click
from flask.cli import AppGroup

from app.enums import PersonKind
from app.errors import DomainError
from app.events.services import partner_by_code
from app.extensions import db
from app.partners.services import require_project
from app.people import imports, services
from app.people.queries import PeopleFilter, people_page

people_cli = AppGroup("people", help="Each partner's people: staff, experts, local stakeholders.")


@people_cli.command("add")
@click.option("--partner", "partner_code", required=True, help="Partner code, e.g. P4.")
@click.option("--name", required=True)
@click.option("--email", help="Address for invitations (never shown publicly).")
@click.option("--kind", type=click.Choice([k.value for k in PersonKind]), default="staff")
@click.option("--language", help="Language of their e-mails (en, et, hu, it, sv).")
@click.option("--function", default="")
@click.option("--organisation", default="")
@click.option("--contact", is_flag=True, help="The partner's contact person.")
@click.option("--no-email", is_flag=True, help="Sends them no e-mails.")
def add(partner_code, name, email, kind, language, function, organisation, contact, no_email):
    """Add a person to a partner's directory."""
    try:
        partner = partner_by_code(require_project(), partner_code)
        person = services.create_person(
            partner,
            name,
            function=function,
            organisation=organisation,
            kind=kind,
            email=email,
            language=language,
            wants_email=not no_email,
            is_contact=contact,
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(
        f"Added {person.name} ({person.kind}) to {partner.code} {partner.city}: #{person.id}."
    )


@people_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_file(path: Path) -> None:
    """Import people from a CSV file (see README: the columns); all rows or none."""
    try:
        project = require_project()
        text = imports.read_text(path.read_bytes())
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    # The command line manages every partner's people, as a coordinator does.
    plan = imports.plan_import(project, text, lambda _partner_id: True)
    if not plan.ok:
        for problem in plan.problems:
            where = f"row {problem.row}" if problem.row else "file"
            column = f", {problem.column}" if problem.column else ""
            click.echo(f"{path.name}: {where}{column}: {problem.message}", err=True)
        raise click.ClickException(f"{len(plan.problems)} problem(s) found; nothing was imported.")
    created, updated = imports.apply_import(plan)
    db.session.commit()
    for row in plan.rows:
        if row.status != "unchanged":
            changed = f" ({', '.join(row.changed)})" if row.changed else ""
            click.echo(
                f"row {row.number}: {row.status} {row.partner.code} {row.fields['name']}{changed}"
            )
    click.echo(f"{created} created, {updated} updated, {plan.count('unchanged')} unchanged.")


@people_cli.command("list")
@click.option("--partner", "partner_code", help="Only this partner's people, e.g. P4.")
def list_people(partner_code) -> None:
    """List the directory: id, partner, kind, name, function (no e-mail addresses)."""
    try:
        project = require_project()
        partner = partner_by_code(project, partner_code) if partner_code else None
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    filters = PeopleFilter(partner_id=partner.id if partner else None)
    people, _total = people_page(project, filters, size=100_000)
    for person in people:
        click.echo(
            f"{person.id}\t{person.partner.code}\t{person.kind}\t{person.name}\t{person.function}"
        )
