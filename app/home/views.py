"""Home page (the published programme, by semester) and the semester dashboard."""

from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from app.auth import permissions as can
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


def default_period(project, today):
    """The current semester; the last one once the project has ended; else the first."""
    periods = project.periods()
    try:
        return project.period_for(today)
    except UnknownPeriod:
        return periods[-1] if today >= periods[-1].end else periods[0]


@bp.get("/dashboard")
def dashboard():
    can.require(can.can_view_dashboard())
    project = queries.the_project()
    if project is None:
        return render_template("home/empty.html")
    now = datetime.now(UTC)
    number = request.args.get("semester", "")
    if number:
        if not (number.isascii() and number.isdigit()):
            abort(404)
        try:
            period = project.period(int(number))
        except UnknownPeriod:
            abort(404)
    else:
        period = default_period(project, now.date())
    return render_template(
        "home/dashboard.html",
        project=project,
        period=period,
        periods=project.periods(),
        data=queries.dashboard(project, period, now),
    )
