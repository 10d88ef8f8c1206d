"""`flask activity purge`: delete the files of evidence removed long enough ago."""

import click
from flask.cli import AppGroup

from app.activity import services
from app.extensions import db

activity_cli = AppGroup("activity", help="The activity log.")


@activity_cli.command("purge")
def purge() -> None:
    """Delete files of evidence removed more than the keeping time ago (run daily)."""
    deleted = services.purge_removed_files()
    db.session.commit()
    click.echo(
        f"Deleted {len(deleted)} file(s) of evidence removed over "
        f"{services.KEEP_REMOVED_DAYS} days ago."
    )
