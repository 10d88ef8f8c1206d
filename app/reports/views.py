"""Pages of the reports area: the list of semesters and each semester's PDF."""

from flask import Blueprint, Response, abort, render_template

from app.auth.permissions import can_read_reports, require
from app.home.queries import the_project
from app.reports.services import ReportUnavailable, build_report, semester_overview

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.get("/")
def index():
    require(can_read_reports())
    project = the_project()
    if project is None:
        abort(404)
    return render_template(
        "reports/index.html", project=project, semesters=semester_overview(project)
    )


@bp.get("/semester/<int:number>.pdf")
def semester_pdf(number: int):
    require(can_read_reports())
    from app.reports.render import render_pdf

    project = the_project()
    if project is None:
        abort(404)
    try:
        report = build_report(project, number)
    except ReportUnavailable as exc:
        return (
            render_template(
                "reports/unavailable.html", project=project, number=number, message=exc.message
            ),
            404,
        )
    pdf = render_pdf(report)
    filename = f"{project.acronym}-semester-{number}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
