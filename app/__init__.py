"""Application factory."""

import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import security_headers
from app.extensions import csrf, db, login_manager, migrate
from app.search.models import in_the_models

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def create_app(config: object | str | None = None) -> Flask:
    """Build the app. `config` is a class, an import path, or None for config.Config."""
    app = Flask(__name__, instance_relative_config=False, template_folder=str(TEMPLATES_DIR))
    app.instance_path = str(Path(__file__).resolve().parent.parent / "instance")
    app.config.from_object(config or "config.Config")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    _https_settings(app)
    _behind_proxies(app)

    _import_models()
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(MIGRATIONS_DIR),
        render_as_batch=True,
        include_name=in_the_models,  # the search index's FTS5 table and tsvector
    )
    login_manager.init_app(app)
    csrf.init_app(app)

    from app import error_pages, i18n, input_rules, schema, template_helpers, versioning
    from app.activity import tracking
    from app.auth import sign_ins
    from app.demo import provenance
    from app.mail import outbox
    from app.search import documents as search_documents

    input_rules.init_app(app)  # before the blueprints: their routes use its bounded `int`
    error_pages.init_app(app)
    i18n.init_app(app)  # the page's language, before anything renders
    schema.init_app(app)
    template_helpers.init_app(app)
    versioning.init_app(app)
    tracking.init_app(app)
    outbox.init_app(app)  # messages written in the transaction of the change
    provenance.init_app(app)
    search_documents.init_app(app)  # the search index, written in the transaction of the change
    security_headers.init_app(app)
    sign_ins.init_app(app)  # after schema: its check reads the sign_in table
    _register_blueprints(app)
    _register_cli(app)
    return app


def _import_models() -> None:
    """Every model module, so metadata (and Alembic autogenerate) sees all tables."""
    from app.activity import models as _activity  # noqa: F401
    from app.api import models as _api  # noqa: F401
    from app.auth import models as _auth  # noqa: F401
    from app.auth import sign_ins as _sign_ins  # noqa: F401
    from app.auth import throttle as _throttle  # noqa: F401
    from app.delegations import models as _delegations  # noqa: F401
    from app.demo import models as _demo  # noqa: F401
    from app.events import models as _events  # noqa: F401
    from app.mail import models as _mail  # noqa: F401
    from app.outcomes import models as _outcomes  # noqa: F401
    from app.partners import models as _partners  # noqa: F401
    from app.polls import models as _polls  # noqa: F401
    from app.practices import models as _practices  # noqa: F401
    from app.reports import models as _reports  # noqa: F401
    from app.search import models as _search  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from app.activity.views import bp as activity_bp
    from app.api.views import bp as api_bp
    from app.auth.second_factor_views import bp as second_factor_bp
    from app.auth.views import bp as auth_bp
    from app.calendar_import.views import bp as calendar_import_bp
    from app.delegations.views import bp as delegations_bp
    from app.events import list_views, views  # noqa: F401  (their routes, on one blueprint)
    from app.events.blueprint import bp as events_bp
    from app.feeds.views import bp as feeds_bp
    from app.holidays.views import bp as holidays_bp
    from app.home.views import bp as home_bp
    from app.mail.views import bp as mail_bp
    from app.outcomes.views import bp as outcomes_bp
    from app.people.views import bp as people_bp
    from app.planner.views import bp as planner_bp
    from app.polls.views import bp as polls_bp
    from app.practices.views import bp as practices_bp
    from app.reports.views import bp as reports_bp
    from app.search.views import bp as search_bp

    for blueprint in (home_bp, auth_bp, events_bp, feeds_bp, practices_bp, outcomes_bp, reports_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(activity_bp)
    app.register_blueprint(second_factor_bp)
    for blueprint in (people_bp, delegations_bp, mail_bp, polls_bp):
        app.register_blueprint(blueprint)
    for blueprint in (holidays_bp, planner_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(search_bp)
    app.register_blueprint(calendar_import_bp)
    app.register_blueprint(api_bp)


def _register_cli(app: Flask) -> None:
    from app.activity.cli import activity_cli
    from app.auth.cli import users_cli
    from app.demo.cli import demo_cli
    from app.events.cli import events_cli
    from app.mail.cli import mail_cli
    from app.partners.cli import partners_cli, periods_cli
    from app.people.cli import people_cli
    from app.reports.cli import report_cli
    from app.search.cli import search_cli

    for group in (demo_cli, partners_cli, periods_cli, events_cli, users_cli, report_cli):
        app.cli.add_command(group)
    app.cli.add_command(activity_cli)
    for group in (people_cli, mail_cli):
        app.cli.add_command(group)
    app.cli.add_command(search_cli)


def _https_settings(app: Flask) -> None:
    """`HTTPS` is true when the site is served over https; its cookies are then Secure."""
    https = app.config["SITE_URL"].startswith("https://") or bool(app.config.get("FORCE_HTTPS"))
    app.config["HTTPS"] = https
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _behind_proxies(app: Flask) -> None:
    """Behind PROXY_FIX_HOPS reverse proxies, take the client address and scheme from their
    X-Forwarded-For/-Proto headers (sign-in throttling and the log key on the address)."""
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _instance_secret(instance: Path) -> str:
    """A secret key kept in instance/ so sessions survive restarts without configuration."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
