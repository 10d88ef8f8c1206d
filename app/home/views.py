"""Home page (the published programme, by semester) and the semester dashboard."""

from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, request

from app.auth import permissions as can
from app.errors import UnknownPeriod
from app.events.queries import period_events
from app.home import queries

bp = Blueprint("home", __name__)


#: At most this many events of a semester on the home page; the rest are a link away.
HOME_EVENTS_PER_SEMESTER = 12


@bp.get("/")
def index():
    project = queries.the_project()
    if project is None:
        return render_template("home/empty.html")
    now = datetime.now(UTC)
    include_internal = can.can_see_internal()
    semesters = []
    periods = project.periods()
    ended = bool(periods) and now.date() >= periods[-1].end
    last_day = queries.last_event_day(project, include_internal) if ended else None
    for period in queries.home_semesters(project, now.date(), last_day):
        events, total = period_events(
            project, period, include_internal, limit=HOME_EVENTS_PER_SEMESTER, now=now
        )
        semesters.append({"period": period, "events": events, "total": total})
    shown = {s["period"].number for s in semesters}
    return render_template(
        "home/index.html",
        project=project,
        partners=queries.partners_of(project),
        semesters=semesters,
        other_periods=[p for p in project.periods() if p.number not in shown],
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
