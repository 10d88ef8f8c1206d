"""Importing a calendar (.ics): upload, preview, confirm.

The upload writes nothing: it shows what each entry of the file would do. The preview's
form carries the file's text back (`ConfirmForm`); the confirmation plans it again and
writes only when the plan is the one previewed, in one transaction.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from app.auth import permissions as can
from app.calendar_import import services
from app.calendar_import.forms import DEFAULT_KIND, ConfirmForm, UploadForm
from app.enums import EventKind
from app.errors import DomainError
from app.extensions import db
from app.home.queries import partners_of
from app.input_rules import db_id
from app.partners.models import Partner, Project
from app.view_helpers import field_error, project_or_404

bp = Blueprint("calendar_import", __name__)


@bp.app_template_global("can_import_calendar")
def can_import_calendar() -> bool:
    """For the events list's link to this page."""
    return can.can_import_calendar()


def _upload_form(project: Project) -> UploadForm:
    form = UploadForm()
    form.host.choices = [SelectChoice(0, _("Choose the host partner"))] + [
        SelectChoice(p.id, f"{p.city} ({p.code})") for p in partners_of(project)
    ]
    if form.host.data is None:
        form.host.data = 0
    return form


def _host(project: Project, partner_id) -> Partner | None:
    partner = db.session.get(Partner, partner_id) if partner_id else None
    return partner if partner is not None and partner.project_id == project.id else None


def _form_page(form: UploadForm, status: int = 200):
    return render_template(
        "calendar_import/upload.html", form=form, max_mb=services.MAX_BYTES // 2**20
    ), status


def _preview(plan: services.ImportPlan, status: int = 200):
    confirm = ConfirmForm(
        formdata=None,
        calendar=plan.text,
        host=str(plan.host.id),
        kind=plan.kind,
        plan=plan.digest,
    )
    return render_template(
        "calendar_import/preview.html",
        plan=plan,
        confirm=confirm,
        kind_label=EventKind(plan.kind).label,
    ), status


@bp.get("/events/import")
def upload_form():
    project = project_or_404()
    can.require(can.can_import_calendar())
    return _form_page(_upload_form(project))


@bp.post("/events/import")
def upload():
    """Check the uploaded file and show what importing it would do; writes nothing."""
    project = project_or_404()
    can.require(can.can_import_calendar())
    form = _upload_form(project)
    upload = request.files.get(form.file.name)
    if not form.validate_on_submit():
        return _form_page(form, 400)
    host = _host(project, form.host.data)
    if host is None:
        form.host.errors = [_("Choose the partner that hosts the new events.")]
    if upload is None or not upload.filename:
        form.file.errors = [_("Choose a calendar file (.ics) to import.")]
    if form.host.errors or form.file.errors:
        return _form_page(form, 400)
    try:
        plan = services.plan_import(
            project, upload.read(services.MAX_BYTES + 1), host, form.kind.data
        )
    except DomainError as error:
        field_error(form, error)
        return _form_page(form, 400)
    return _preview(plan)


@bp.post("/events/import/confirm")
def confirm():
    """Import the previewed file: planned again, written only when the plan is the one
    the coordinator saw, all in one transaction."""
    project = project_or_404()
    can.require(can.can_import_calendar())
    form = ConfirmForm()
    kind = form.kind.data if form.kind.data in {k.value for k in EventKind} else DEFAULT_KIND
    try:
        host_id = db_id(form.host.data)
    except (TypeError, ValueError):
        host_id = None
    host = _host(project, host_id)
    if not form.validate_on_submit() or host is None or not form.calendar.data:
        flash(_("The import form came back incomplete: upload the file again."), "error")
        return _form_page(_upload_form(project), 400)
    try:
        plan = services.plan_import(project, form.calendar.data.encode(), host, kind)
    except DomainError as error:
        flash(error.message, "error")
        return _form_page(_upload_form(project), 400)
    if plan.digest != form.plan.data:
        flash(
            _(
                "The calendar's events changed since your preview, so nothing was imported. "
                "This is what the import would do now."
            ),
            "warning",
        )
        return _preview(plan, 409)
    try:
        result = services.apply_import(plan)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(
            _("Nothing was imported: %(reason)s", reason=error.message),
            "error",
        )
        return _preview(services.plan_import(project, plan.text.encode(), host, kind), 400)
    except (IntegrityError, StaleDataError):  # someone else imported or edited meanwhile
        db.session.rollback()
        flash(
            _(
                "Someone changed these events while you were importing, so nothing was "
                "imported. This is what the import would do now."
            ),
            "warning",
        )
        return _preview(services.plan_import(project, plan.text.encode(), host, kind), 409)
    flash(
        _(
            "Calendar imported: %(created)d new, %(updated)d updated, %(unchanged)d "
            "unchanged, %(skipped)d not imported.",
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            skipped=result.skipped,
        )
    )
    return redirect(url_for("events.list_events")), 303
