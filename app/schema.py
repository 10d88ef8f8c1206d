"""Refuse to run on a database whose schema is older than the code."""

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import Migrate

from app.errors import SchemaOutdated
from app.extensions import db

UPGRADE_HINT = "run `flask --app wsgi db upgrade` (or `make run`, which does it)"


def head_revision(app: Flask) -> str | None:
    migrate: Migrate = app.extensions["migrate"].migrate
    config = migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema() -> None:
    """Raise SchemaOutdated with a plain message when the database is not at head."""
    head = head_revision(current_app)
    current = current_revision()
    if current == head:
        return
    if current is None:
        raise SchemaOutdated(f"The database has no schema yet: {UPGRADE_HINT}.")
    raise SchemaOutdated(
        f"The database schema is at revision {current} but the code expects {head}: {UPGRADE_HINT}."
    )


def init_app(app: Flask) -> None:
    if not app.config.get("CHECK_SCHEMA", True):
        return
    state = {"checked": False}

    @app.before_request
    def _schema_is_current():
        if state["checked"]:
            return None
        try:
            check_schema()
        except SchemaOutdated as exc:
            return (str(exc), 503, {"Content-Type": "text/plain; charset=utf-8"})
        state["checked"] = True
        return None
