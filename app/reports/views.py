"""Pages of the reports area: the list of semesters, each semester's PDF and its figures
as a workbook."""

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import force_locale

from app.auth.permissions import can_read_reports, require
from app.exports import download
from app.home.queries import the_project
from app.i18n import LANGUAGES, current_language
from app.reports.services import ReportUnavailable, build_report, semester_overview
from app.reports.workbook import report_tables

bp = Blueprint("reports", __name__, url_prefix="/reports")

#: `?language=xx` picks the PDF's language without changing the reader's own (which
#: `?lang=xx` would switch and remember, as on every page).
REPORT_LANGUAGE_ARG = "language"


def chosen_report_language() -> str | None:
    """The report language the URL asks for with `?language=xx`, when it is one we speak."""
    asked = request.args.get(REPORT_LANGUAGE_ARG, "")
    return asked if asked in LANGUAGES else None


def report_language() -> str:
    """The PDF's language: `?language=xx`, else the language the reader's pages are in."""
    return chosen_report_language() or current_language()


@bp.get("/")
def index():
    require(can_read_reports())
    project = the_project()
    if project is None:
        abort(404)
    return render_template(
        "reports/index.html",
        project=project,
        semesters=semester_overview(project),
        languages=LANGUAGES,
        language_arg=REPORT_LANGUAGE_ARG,
        chosen_language=chosen_report_language(),
        report_language=report_language(),
    )


@bp.get("/semester/<int:number>.pdf")
def semester_pdf(number: int):
    require(can_read_reports())
    from app.reports.render import render_pdf, report_filename

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
    lang = report_language()
    pdf = render_pdf(report, lang=lang)
    filename = report_filename(project.acronym, number, lang)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "Content-Language": lang,
        },
    )


@bp.get("/semester/<int:number>.xlsx")
def semester_xlsx(number: int):
    """The report's figures as a workbook, one sheet per table, in the PDF's language."""
    require(can_read_reports())
    from app.reports.render import report_filename

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
    lang = report_language()
    with force_locale(lang):
        tables = report_tables(report)
    name = report_filename(project.acronym, number, lang, "xlsx").removesuffix(".xlsx")
    response = download(tables, name, "xlsx")
    response.headers["Content-Language"] = lang
    return response
