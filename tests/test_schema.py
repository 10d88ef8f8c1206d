"""Migrations build the schema on both backends, match the models, and an old database says so."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db


def test_migrations_match_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.search.models import in_the_models

    with db.engine.connect() as connection:
        # The search index's FTS5 table and tsvector column are the migration's, not models'.
        context = MigrationContext.configure(connection, opts={"include_name": in_the_models})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_db_check_command_finds_no_drift(app, runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_an_outdated_database_says_to_upgrade(app, tmp_path):
    from tests.conftest import make_app

    old = make_app(f"sqlite:///{tmp_path / 'old.sqlite'}")
    with old.app_context():
        upgrade()
        downgrade(revision="base")
        assert "event" not in inspect(db.engine).get_table_names()
        response = old.test_client().get("/")
        assert response.status_code == 503
        assert "db upgrade" in response.get_data(as_text=True)
        result = old.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code != 0 and "db upgrade" in result.output
        assert "Traceback" not in result.output
