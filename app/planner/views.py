"""`/planner?semester=N`: the semester at a glance.

Views are thin: parse, authorize (app/auth/permissions), build (app/planner/services), render.
"""

from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, request

from app.auth import permissions as can
from app.errors import UnknownPeriod
from app.home.queries import partners_of
from app.planner import services
from app.view_helpers import project_or_404

bp = Blueprint("planner", __name__)


@bp.get("/planner")
def semester():
    can.require(can.can_view_planner())
    project = project_or_404()
    number = request.args.get("semester", "")
    if number:
        if not (number.isascii() and number.isdigit()) or len(number) > 4:
            abort(404)
        try:
            period = project.period(int(number))
        except UnknownPeriod:
            abort(404)
    else:
        period = services.default_period(project, datetime.now(UTC).date())
    planner = services.build_planner(
        project, period, partners_of(project), include_internal=can.can_see_internal()
    )
    return render_template(
        "planner/semester.html",
        project=project,
        planner=planner,
        periods=project.periods(),
    )
