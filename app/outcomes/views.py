"""Pages of the outcomes area: action plans, outcomes, indicators, evidence, attendance sheets."""

import re
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import BuildError

from app.auth.permissions import (
    can_add_evidence,
    can_edit_action_plan,
    can_see_internal,
    is_coordinator,
    is_signed_in,
    require,
)
from app.delegations.queries import sheet_rows
from app.errors import DomainError, UnknownPeriod
from app.events.models import Event
from app.extensions import db
from app.formatting import format_number
from app.input_rules import db_id
from app.outcomes import queries, services
from app.outcomes.forms import (
    ActionForm,
    ActionGroupForm,
    ActionPlanForm,
    AttachmentForm,
    IndicatorForm,
    OutcomeForm,
)
from app.outcomes.models import Action, ActionGroup, Attachment, Indicator
from app.partners.models import Partner
from app.practices.forms import options
from app.practices.models import GoodPractice
from app.practices.queries import practice_choices
from app.redirects import safe_next
from app.versioning import version_of
from app.view_helpers import field_error, project_or_404, refuse

bp = Blueprint("outcomes", __name__)

EVENT_PAGE_ENDPOINTS = ("events.detail", "events.show", "events.view", "events.event")


def _safe_back(default: str) -> str:
    return safe_next(request.form.get("next"), default=default)


def _visible_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or (not event.is_public and not can_see_internal()):
        abort(404)
    return event


def _partner(project, code: str) -> Partner:
    partner = db.session.scalar(
        select(Partner).where(Partner.project_id == project.id, Partner.code == code)
    )
    if partner is None:
        abort(404)
    return partner


# --- Action plans -----------------------------------------------------------------------


@bp.get("/action-plans")
def action_plans():
    require(is_signed_in())
    project = project_or_404()
    partners = [p for p in project.partners]
    return render_template(
        "outcomes/action_plans.html",
        project=project,
        partners=partners,
        plans=queries.plans(project),
    )


@bp.get("/action-plans/<partner_code>")
def action_plan(partner_code: str):
    require(is_signed_in())
    project = project_or_404()
    partner = _partner(project, partner_code)
    plan = queries.plan_page(partner)
    may_edit = can_edit_action_plan(partner.id)
    actions = [a for g in (plan.groups if plan else []) for a in g.actions]
    return render_template(
        "outcomes/action_plan.html",
        project=project,
        partner=partner,
        plan=plan,
        may_edit=may_edit,
        group_form=ActionGroupForm() if may_edit and plan else None,
        outcome_form=_outcome_form(project) if may_edit else None,
        attachment_form=AttachmentForm() if may_edit else None,
        attachments=queries.attachments_by(Attachment.action_id, [a.id for a in actions]),
    )


@bp.route("/action-plans/<partner_code>/edit", methods=["GET", "POST"])
def edit_plan(partner_code: str):
    project = project_or_404()
    partner = _partner(project, partner_code)
    require(can_edit_action_plan(partner.id))
    plan = queries.plan_page(partner)
    form = ActionPlanForm(obj=plan)
    stale = False
    if request.method == "GET":
        form.version.data = version_of(plan) if plan else "0"
    if request.method == "GET" and plan is None:
        form.title.data = _("%(city)s regional action plan", city=partner.city)
    if form.validate_on_submit():
        try:
            services.save_action_plan(partner, form.data, seen_version=form.version.data or "")
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            plan = queries.plan_page(partner)
            stale = refuse(form, error, plan)
        else:
            flash(_("Action plan saved."))
            return redirect(url_for("outcomes.action_plan", partner_code=partner.code))
    status = 409 if stale else 400 if request.method == "POST" else 200
    return render_template("outcomes/plan_form.html", form=form, partner=partner, plan=plan), status


@bp.post("/action-plans/<partner_code>/groups")
def add_group(partner_code: str):
    project = project_or_404()
    partner = _partner(project, partner_code)
    require(can_edit_action_plan(partner.id))
    plan = queries.plan_page(partner) or abort(404)
    form = ActionGroupForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("The form expired; try again."), None)
        group = services.add_action_group(plan, form.data)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("outcomes.action_plan", partner_code=partner.code))
    flash(_("Action group “%(title)s” added.", title=group.title))
    return redirect(
        url_for("outcomes.action_plan", partner_code=partner.code) + f"#group-{group.id}"
    )


def _action_form(project, action=None) -> ActionForm:
    form = ActionForm(obj=action)
    form.inspired_by_practice_id.choices = options(
        [(0, _("— none —"))]
        + [(p.id, f"{p.title} ({p.owner.city})") for p in practice_choices(project.id)]
    )
    if request.method == "GET" and action is not None:
        form.inspired_by_practice_id.data = action.inspired_by_practice_id or 0
    return form


def _save_action(project, group: ActionGroup, action: Action | None):
    form = _action_form(project, action)
    stale = False
    if request.method == "GET" and action is not None:
        form.version.data = version_of(action)
    if form.validate_on_submit():
        seen = None if action is None else (form.version.data or "")
        try:
            saved = services.save_action(
                group, form.data, action, user=current_user, seen_version=seen
            )
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            stale = refuse(form, error, action)
        else:
            flash(_("Action “%(title)s” saved.", title=saved.title))
            return redirect(
                url_for("outcomes.action_plan", partner_code=group.plan.partner.code)
                + f"#action-{saved.id}"
            )
    status = 409 if stale else 400 if request.method == "POST" else 200
    return render_template(
        "outcomes/action_form.html", form=form, group=group, action=action
    ), status


@bp.route("/action-groups/<int:group_id>/actions/new", methods=["GET", "POST"])
def new_action(group_id: int):
    project = project_or_404()
    group = db.session.get(ActionGroup, group_id) or abort(404)
    require(can_edit_action_plan(group.plan.partner_id))
    return _save_action(project, group, None)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
def edit_action(action_id: int):
    project = project_or_404()
    action = db.session.get(Action, action_id) or abort(404)
    require(can_edit_action_plan(action.group.plan.partner_id))
    return _save_action(project, action.group, action)


# --- Outcomes ---------------------------------------------------------------------------


def _outcome_form(project, default_period: int | None = None) -> OutcomeForm:
    form = OutcomeForm()
    form.indicator_id.choices = options(
        [(0, _("— choose —"))]
        + [(i.id, f"{i.code}: {i.name}") for i in queries.indicators(project)]
    )
    form.period_number.choices = options((p.number, p.label) for p in project.periods())
    if default_period and not form.period_number.data:
        form.period_number.data = default_period
    return form


def _record(project, target, back: str):
    data = request.form
    try:
        services.record_outcome(
            project,
            kind=data.get("kind", ""),
            text=data.get("text", ""),
            event=target if isinstance(target, Event) else None,
            action=target if isinstance(target, Action) else None,
            indicator_id=data.get("indicator_id", type=db_id) or None,
            value=data.get("value"),
            period_number=data.get("period_number"),
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(_("Outcome not recorded: %(reason)s", reason=error.message), "error")
    else:
        flash(_("Outcome recorded."))
    return redirect(_safe_back(back))


@bp.route("/events/<int:event_id>/outcomes", methods=["GET", "POST"])
def event_page(event_id: int):
    """The event's practices, outcomes and evidence on one page (the event page embeds the
    same two panels)."""
    event = _visible_event(event_id)
    if request.method == "POST":
        require(can_add_evidence(event))  # CSRF is checked app-wide (CSRFProtect)
        return _record(project_or_404(), event, url_for("outcomes.event_page", event_id=event_id))
    require(is_signed_in())  # outcomes are the partnership's, not the published programme
    return render_template("outcomes/event_page.html", event=event)


@bp.post("/actions/<int:action_id>/outcomes")
def add_action_outcome(action_id: int):
    project = project_or_404()
    action = db.session.get(Action, action_id) or abort(404)
    require(can_add_evidence(action))
    back = url_for("outcomes.action_plan", partner_code=action.group.plan.partner.code)
    return _record(project, action, back + f"#action-{action.id}")


# --- Indicators -------------------------------------------------------------------------


@bp.get("/indicators")
def indicators():
    require(is_signed_in())
    project = project_or_404()
    periods = project.periods()
    number = request.args.get("period", type=int)
    if number is None:
        from datetime import date

        try:
            number = project.period_for(date.today()).number
        except UnknownPeriod:
            number = periods[-1].number
    try:
        period = project.period(number)
    except UnknownPeriod as error:
        flash(error.message, "error")
        return redirect(url_for("outcomes.indicators"))
    return render_template(
        "outcomes/indicators.html",
        project=project,
        periods=periods,
        period=period,
        rows=services.indicator_table(project, number),
        figures=queries.figures_for(project, number),
        may_manage=is_coordinator(),
    )


@bp.route("/indicators/manage", methods=["GET", "POST"])
def manage_indicators():
    project = project_or_404()
    require(is_coordinator())
    form = IndicatorForm()
    if form.validate_on_submit():
        try:
            indicator = services.save_indicator(project, form.data)
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            flash(_("Indicator %(code)s added.", code=indicator.code))
            return redirect(url_for("outcomes.manage_indicators"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "outcomes/manage_indicators.html",
        project=project,
        indicators=queries.indicators(project),
        form=form,
    ), status


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
def edit_indicator(indicator_id: int):
    project = project_or_404()
    require(is_coordinator())
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.project_id != project.id:
        abort(404)
    form = IndicatorForm(obj=indicator)
    stale = False
    if request.method == "GET":
        form.version.data = version_of(indicator)
    if request.method == "GET" and indicator.target is not None:
        form.target.data = f"{indicator.target.normalize():f}"
    if form.validate_on_submit():
        try:
            services.save_indicator(
                project, form.data, indicator, seen_version=form.version.data or ""
            )
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            stale = refuse(form, error, indicator)
        else:
            flash(_("Indicator %(code)s saved.", code=indicator.code))
            return redirect(url_for("outcomes.manage_indicators"))
    status = 409 if stale else 400 if request.method == "POST" else 200
    return render_template("outcomes/indicator_form.html", form=form, indicator=indicator), status


# --- Evidence ---------------------------------------------------------------------------

TARGETS = {"event": Event, "practice": GoodPractice, "action": Action}


def _target(kind: str, object_id: int):
    model = TARGETS.get(kind) or abort(404)
    return db.session.get(model, object_id) or abort(404)


def _target_page(target) -> str:
    if isinstance(target, Event):
        return event_url(target) + "#evidence"
    if isinstance(target, GoodPractice):
        return url_for("practices.detail", practice_id=target.id) + "#evidence"
    return (
        url_for("outcomes.action_plan", partner_code=target.group.plan.partner.code)
        + f"#action-{target.id}"
    )


@bp.post("/evidence/<kind>/<int:object_id>")
def upload(kind: str, object_id: int):
    target = _target(kind, object_id)
    require(can_add_evidence(target))
    form = AttachmentForm()
    back = _safe_back(_target_page(target))
    if not form.validate_on_submit():
        flash(_("The form expired or the kind of evidence is missing; try again."), "error")
        return redirect(back)
    file = request.files.get("file")
    try:
        if file is None or not file.filename:
            raise DomainError(_("Choose a file to upload."), "file")
        attachment = services.store_attachment(
            file.stream,
            file.filename,
            category=form.category.data,
            user=current_user,
            **{kind: target},
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(_("File not uploaded: %(reason)s", reason=error.message), "error")
        return redirect(back), 303
    flash(_("“%(name)s” uploaded.", name=attachment.original_name))
    return redirect(back), 303


def _attachment_target(attachment: Attachment):
    if attachment.event_id:
        return db.session.get(Event, attachment.event_id)
    if attachment.practice_id:
        return db.session.get(GoodPractice, attachment.practice_id)
    return db.session.get(Action, attachment.action_id)


@bp.get("/evidence/<int:attachment_id>")
def download(attachment_id: int):
    require(is_signed_in())
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    path = services.attachment_path(attachment)
    if not path.is_file():
        abort(404)
    extension = attachment.original_name.rsplit(".", 1)[-1].lower()
    known = services.ALLOWED_TYPES.get(extension)
    mimetype = known[0] if known else "application/octet-stream"
    response = send_file(
        path,
        mimetype=mimetype,
        as_attachment=True,
        download_name=attachment.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/evidence/<int:attachment_id>/delete")
def delete_attachment(attachment_id: int):
    attachment = db.session.get(Attachment, attachment_id) or abort(404)
    target = _attachment_target(attachment)
    require(can_add_evidence(target))
    back = _safe_back(_target_page(target))
    name = attachment.original_name
    services.delete_attachment(attachment)
    db.session.commit()
    flash(_("“%(name)s” deleted.", name=name))
    return redirect(back), 303


@bp.app_errorhandler(413)
def _too_large(_error):
    limit = services.max_upload_bytes() // (1024 * 1024)
    flash(
        _("File not uploaded: it is larger than the limit of %(limit)d MB.", limit=limit), "error"
    )
    back = urlsplit(request.referrer or "")
    same_site = back.path.startswith("/") and back.netloc in ("", request.host)
    target = back.path + (f"?{back.query}" if back.query else "") if same_site else None
    return redirect(safe_next(target)), 303


# --- Attendance sheet -------------------------------------------------------------------


def page_counter_css() -> Markup:
    """The PDF footer's "Page 2 of 5" in the current language, as a CSS `content` value:
    the translation's words quoted, its placeholders as the page counters."""
    # Translators: the PDF footer; each placeholder becomes a page number.
    text = _("Page %(page)s of %(pages)s")
    values = []
    for part in re.split(r"(%\(pages?\)s)", text):
        if part in ("%(page)s", "%(pages)s"):
            values.append(f"counter({part[2:-2]})")
        elif part:
            quoted = part.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
            values.append(f'"{quoted}"')
    return Markup(" ".join(values))


@bp.get("/events/<int:event_id>/attendance-sheet.pdf")
def attendance_sheet(event_id: int):
    require(is_signed_in())
    event = _visible_event(event_id)
    partners = {p.id: p for p in event.participants}
    partners.setdefault(event.host_partner_id, event.host)
    ordered = sorted(partners.values(), key=lambda p: (p.id != event.host_partner_id, p.code))
    named = sheet_rows(event, [p.id for p in ordered])
    html = render_template(
        "outcomes/attendance_sheet.html",
        event=event,
        partners=ordered,
        people=named.rows,
        registered=named.registered,
        blank_rows=3,
        page_counter=page_counter_css(),
    )
    from app.pdf import html_to_pdf  # WeasyPrint loads in half a second: only for PDFs

    pdf = html_to_pdf(html)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="attendance-sheet-event-{event.id}.pdf"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- What other areas' templates use ----------------------------------------------------


@bp.app_template_global()
def event_url(event) -> str:
    """The event's own page when the events area has one, else its outcomes page."""
    for endpoint in EVENT_PAGE_ENDPOINTS:
        try:
            return url_for(endpoint, event_id=event.id)
        except BuildError:
            continue
    return url_for("outcomes.event_page", event_id=event.id)


@bp.app_template_filter("figure")
def figure(value) -> str:
    """A recorded figure without needless decimals: 440, 12.5."""
    return format_number(value)


@bp.app_template_global()
def upload_limit_mb() -> int:
    return services.max_upload_bytes() // (1024 * 1024)


@bp.app_context_processor
def _panel_helpers():
    def outcomes_event_panel(event):
        """What templates/outcomes/_event_panel.html needs for `event`."""
        signed_in = is_signed_in()
        may_edit = can_add_evidence(event)
        project = event.project
        default_period = None
        try:
            default_period = project.period_for(event.local_start.date()).number
        except UnknownPeriod:
            pass
        return {
            "outcomes": queries.event_outcomes(event.id),
            "attachments": (
                queries.attachments_by(Attachment.event_id, [event.id])[event.id]
                if signed_in
                else []
            ),
            "signed_in": signed_in,
            "may_edit": may_edit,
            "outcome_form": _outcome_form(project, default_period) if may_edit else None,
            "attachment_form": AttachmentForm() if may_edit else None,
        }

    def attachments_for(kind: str, target) -> dict:
        """Evidence list and upload form for a practice or an action page."""
        column = {"practice": Attachment.practice_id, "action": Attachment.action_id}[kind]
        may_edit = can_add_evidence(target)
        return {
            "kind": kind,
            "target": target,
            "attachments": queries.attachments_by(column, [target.id])[target.id],
            "form": AttachmentForm() if may_edit else None,
        }

    return {
        "outcomes_event_panel": outcomes_event_panel,
        "attachments_for": attachments_for,
        "evidence_categories": services.CATEGORIES,
    }
