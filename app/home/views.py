"""Home page: partners, and events grouped by semester (read-only)."""

from flask import Blueprint, render_template
from flask_login import current_user

from app.errors import UnknownPeriod
from app.home import queries

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    project = queries.the_project()
    if project is None:
        return render_template("home/empty.html")
    signed_in = current_user.is_authenticated
    events = queries.events_visible_to(project, include_internal=signed_in)
    by_period: dict = {}
    for event in events:
        try:
            period = project.period_for(event.local_start.date())
        except UnknownPeriod:
            period = None
        by_period.setdefault(period, []).append(event)
    return render_template(
        "home/index.html",
        project=project,
        partners=queries.partners_of(project),
        by_period=by_period,
    )
