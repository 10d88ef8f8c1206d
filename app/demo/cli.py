"""`flask --app wsgi demo load`."""

import click
from flask.cli import AppGroup

from app.demo.loader import load_demo
from app.errors import SchemaOutdated
from app.schema import check_schema

demo_cli = AppGroup("demo", help="The demo partnership (BETTER).")


@demo_cli.command("load")
def load() -> None:
    """Fill the database with the BETTER partnership; running it twice changes nothing."""
    try:
        check_schema()
    except SchemaOutdated as exc:
        raise click.ClickException(str(exc)) from None
    if load_demo():
        click.echo("Loaded the BETTER partnership.")
    else:
        click.echo("The BETTER partnership is already loaded; nothing changed.")
