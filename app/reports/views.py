"""Pages of the reports area: the list of semesters, each semester's PDF and its figures
as a workbook."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.auth.permissions import (
    can_read_reports,
    can_read_submitted_reports,
    can_submit_reports,
    require,
)
from app.errors import DomainError
from app.exports import download
from app.extensions import db
from app.home.queries import the_project
from app.i18n import LANGUAGES, current_language
from app.reports import submissions
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
    versions = submissions.all_versions(project)
    latest = {number: found[0] for number, found in versions.items()}
    unseen = []
    if current_user.is_funder:
        unseen = submissions.unseen_versions(project, current_user)
        submissions.mark_seen(current_user, unseen)
        db.session.commit()
    return render_template(
        "reports/index.html",
        project=project,
        semesters=semester_overview(project),
        languages=LANGUAGES,
        language_arg=REPORT_LANGUAGE_ARG,
        chosen_language=chosen_report_language(),
        report_language=report_language(),
        versions=versions,
        changes=submissions.changes_since(project, latest),
        may_submit=can_submit_reports(),
        # Funders are offered what was submitted; today's render is marked as a draft.
        draft_label=current_user.is_funder,
        submit_form=FlaskForm(),
        unseen=unseen,
    )


def _semester_report(number: int):
    """The project and its semester's report, or the "nothing to report" page as a 404."""
    project = the_project()
    if project is None:
        abort(404)
    try:
        return project, build_report(project, number)
    except ReportUnavailable as exc:
        page = render_template(
            "reports/unavailable.html", project=project, number=number, message=exc.message
        )
        abort(make_response(page, 404))


@bp.get("/semester/<int:number>.pdf")
def semester_pdf(number: int):
    require(can_read_reports())
    from app.reports.render import render_pdf, report_filename

    project, report = _semester_report(number)
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

    project, report = _semester_report(number)
    lang = report_language()
    with force_locale(lang):
        tables = report_tables(report)
    name = report_filename(project.acronym, number, lang, "xlsx").removesuffix(".xlsx")
    response = download(tables, name, "xlsx")
    response.headers["Content-Language"] = lang
    return response


# --- Submitted versions -------------------------------------------------------------


@bp.post("/semester/<int:number>/submit")
def submit(number: int):
    require(can_submit_reports())
    project = the_project()
    if project is None:
        abort(404)
    try:
        project.period(number)
    except DomainError:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    lang = request.form.get("language")
    try:
        submission = submissions.submit_report(
            project,
            number,
            current_user,
            lang if lang in LANGUAGES else "en",
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("reports.index"))
    flash(
        _(
            "Semester %(number)s submitted as version %(version)s; the funders are told by e-mail.",
            number=number,
            version=submission.version,
        )
    )
    return redirect(url_for("reports.versions", number=number))


@bp.get("/semester/<int:number>/versions")
def versions(number: int):
    require(can_read_submitted_reports())
    project = the_project()
    if project is None:
        abort(404)
    try:
        period = project.period(number)
    except DomainError:
        abort(404)
    found = submissions.versions_of(project, number)
    figure_changes, current_figures = [], None
    if found:
        try:
            current_figures = submissions.figures_of(build_report(project, number))
        except ReportUnavailable:
            current_figures = {}
        figure_changes = submissions.figure_changes(found[0].figures, current_figures)
    changes = submissions.changes_since(project, {number: found[0]}) if found else {}
    return render_template(
        "reports/versions.html",
        project=project,
        period=period,
        versions=found,
        figure_changes=figure_changes,
        changes=changes.get(number, []),
        may_submit=can_submit_reports(),
        submit_form=FlaskForm(),
        figure_labels=submissions.FIGURE_LABELS,
    )


@bp.get("/semester/<int:number>/v<int:version>.pdf")
def version_pdf(number: int, version: int):
    require(can_read_submitted_reports())
    project = the_project()
    if project is None:
        abort(404)
    submission = submissions.find_version(project, number, version)
    if submission is None:
        abort(404)
    try:
        pdf = submissions.stored_pdf(submission)
    except submissions.StoredReportDamaged as exc:
        return (
            render_template(
                "reports/unavailable.html", project=project, number=number, message=exc.message
            ),
            409,
        )
    from app.reports.render import report_filename

    stem = report_filename(project.acronym, number, submission.language).removesuffix(".pdf")
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{stem}-v{version}.pdf"',
            "Cache-Control": "private, no-store",
            "Content-Language": submission.language,
            "X-Content-SHA256": submission.sha256,
        },
    )
