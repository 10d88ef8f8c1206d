"""`flask --app wsgi search reindex`."""

import click
from flask.cli import AppGroup

from app.errors import SchemaOutdated
from app.extensions import db
from app.schema import check_schema
from app.search.documents import rebuild

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
def reindex() -> None:
    """Write the search index again from the database (after bulk loads or a restore)."""
    try:
        check_schema()
    except SchemaOutdated as exc:
        raise click.ClickException(str(exc)) from None
    count = rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"Indexed {count} documents.")
