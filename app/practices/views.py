"""Pages of the practices area: good practices, their transfers, the partnership matrix."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError

from app.auth.permissions import (
    can_add_transfer,
    can_edit_event,
    can_edit_owned_by,
    can_edit_practice,
    can_see_internal,
    is_coordinator,
    is_signed_in,
    require,
)
from app.enums import TransferStage
from app.errors import DomainError
from app.events.models import Event
from app.events.services import event_held
from app.exports import download
from app.exports.columns import practice_tables
from app.extensions import db
from app.input_rules import db_id
from app.lists import PAGE_SIZES, one_page, read_list_args
from app.partners.models import Partner
from app.practices import queries, services
from app.practices.forms import (
    ROLE_LABELS,
    EventPracticeForm,
    PracticeForm,
    StageForm,
    TransferForm,
    options,
)
from app.practices.matrix import transfer_matrix, transfer_matrix_svg
from app.practices.models import GoodPractice, Transfer
from app.redirects import safe_next
from app.versioning import refusal, version_of
from app.view_helpers import field_error, project_or_404, refuse

bp = Blueprint("practices", __name__)


def _visible_practice(practice_id: int) -> GoodPractice:
    practice = queries.practice_page(practice_id)
    if practice is None or (not practice.is_public and not can_see_internal()):
        abort(404)
    return practice


#: The practices list's own filters, kept in its sort, page and download links.
PRACTICE_FILTERS = ("theme", "owner", "stage")


def _list_filters():
    owner_id = request.args.get("owner", type=db_id)
    theme = request.args.get("theme", "")
    stage = request.args.get("stage", "")
    if stage and stage not in {s.value for s in TransferStage}:
        stage = ""
    list_args = read_list_args(
        "practices.list",
        request.args,
        sorts=queries.PRACTICE_SORTS,
        default_sort="title",
        default_size=PAGE_SIZES[1],
        filters=PRACTICE_FILTERS,
    )
    return {"theme": theme, "owner_id": owner_id, "stage": stage}, list_args


@bp.get("/practices", endpoint="list")
def practice_list():
    project = project_or_404()
    internal = can_see_internal()
    chosen, list_args = _list_filters()
    page = one_page(
        list_args,
        lambda limit, offset: queries.practices(
            project,
            include_internal=internal,
            sort=list_args.sort,
            limit=limit,
            offset=offset,
            **chosen,
        ),
    )
    return render_template(
        "practices/list.html",
        project=project,
        page=page,
        practices=page.items,
        list_args=list_args,
        themes=queries.themes(project, internal),
        partners=queries.partners(project),
        stages=queries.STAGES,
        chosen={"theme": chosen["theme"], "owner": chosen["owner_id"], "stage": chosen["stage"]},
        may_create=is_signed_in()
        and (is_coordinator() or current_user.partner_id is not None)
        and not current_user.is_funder,
    )


def _download(file_format: str):
    project = project_or_404()
    internal = can_see_internal()
    chosen, list_args = _list_filters()
    rows, _total = queries.practices(
        project, include_internal=internal, sort=list_args.sort, for_download=True, **chosen
    )
    return download(practice_tables(rows, with_internal=internal), "practices", file_format)


@bp.get("/practices.csv")
def practices_csv():
    return _download("csv")


@bp.get("/practices.xlsx")
def practices_xlsx():
    return _download("xlsx")


def _owner_choices(form: PracticeForm, project) -> None:
    partners = queries.partners(project)
    if not is_coordinator():
        partners = [p for p in partners if can_edit_owned_by(p.id)]
    form.owner_partner_id.choices = options((p.id, f"{p.city} ({p.name})") for p in partners)


def _save(form: PracticeForm, project, practice: GoodPractice | None):
    data = dict(form.data)
    if not can_edit_owned_by(data.get("owner_partner_id") or 0):
        raise DomainError(
            _("You may only record practices your own partner owns."), "owner_partner_id"
        )
    seen = None if practice is None else (form.version.data or "")
    saved = services.save_practice(project, data, practice, seen_version=seen)
    db.session.commit()
    return saved


@bp.route("/practices/new", methods=["GET", "POST"])
def create():
    project = project_or_404()
    require(is_signed_in() and not current_user.is_funder)
    form = PracticeForm()
    _owner_choices(form, project)
    require(bool(form.owner_partner_id.choices))
    if request.method == "GET" and current_user.partner_id:
        form.owner_partner_id.data = current_user.partner_id
    if form.validate_on_submit():
        try:
            practice = _save(form, project, None)
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            flash(_("Good practice “%(title)s” recorded.", title=practice.title))
            return redirect(url_for("practices.detail", practice_id=practice.id))
    status = 400 if request.method == "POST" else 200
    return render_template("practices/form.html", form=form, practice=None), status


@bp.route("/practices/<int:practice_id>/edit", methods=["GET", "POST"])
def edit(practice_id: int):
    project = project_or_404()
    practice = db.session.get(GoodPractice, practice_id) or abort(404)
    require(can_edit_practice(practice))
    form = PracticeForm(obj=practice)
    _owner_choices(form, project)
    stale = False
    if request.method == "GET":
        form.version.data = version_of(practice)
    if form.validate_on_submit():
        try:
            _save(form, project, practice)
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            stale = refuse(form, error, practice)
        else:
            flash(_("Good practice saved."))
            return redirect(url_for("practices.detail", practice_id=practice_id))
    status = 409 if stale else 400 if request.method == "POST" else 200
    return render_template("practices/form.html", form=form, practice=practice), status


@bp.get("/practices/<int:practice_id>")
def detail(practice_id: int):
    project = project_or_404()
    practice = _visible_practice(practice_id)
    signed_in = can_see_internal()
    transfer_form = stage_form = None
    partners = queries.partners(project)
    importers = [
        p
        for p in partners
        if p.id != practice.owner_partner_id
        and p.id not in {t.importer_partner_id for t in practice.transfers}
        and can_add_transfer(practice, p.id)
    ]
    step_date = services.default_step_date(project)
    if importers:
        transfer_form = TransferForm(formdata=None, happened_on=step_date)
        transfer_form.importer_partner_id.choices = options((p.id, p.city) for p in importers)
    if is_coordinator():
        stage_form = StageForm(formdata=None, happened_on=step_date)
    events = sorted(practice.event_links, key=lambda link: link.event.starts_at)
    if not signed_in:
        events = [link for link in events if link.event.is_public]
    return render_template(
        "practices/detail.html",
        project=project,
        practice=practice,
        events=events,
        transfers=sorted(practice.transfers, key=lambda t: t.importer.code),
        actions=queries.actions_inspired_by(practice) if signed_in else [],
        may_edit=can_edit_practice(practice),
        transfer_form=transfer_form,
        stage_form=stage_form,
        signed_in=signed_in,
    )


@bp.post("/practices/<int:practice_id>/transfers")
def add_transfer(practice_id: int):
    practice = db.session.get(GoodPractice, practice_id) or abort(404)
    form = TransferForm()
    importer = db.session.get(Partner, request.form.get("importer_partner_id", type=db_id) or 0)
    if importer is None:
        flash(_("Choose the importing partner."), "error")
        return redirect(url_for("practices.detail", practice_id=practice_id))
    require(can_add_transfer(practice, importer.id))
    form.importer_partner_id.choices = options([(importer.id, importer.city)])
    if not form.validate_on_submit():
        if form.happened_on.errors:
            flash(_("Give the date it was taken up as YYYY-MM-DD."), "error")
            return redirect(url_for("practices.detail", practice_id=practice_id) + "#transfers")
        abort(400)
    try:
        services.create_transfer(
            practice, importer, user=current_user, happened_on=form.happened_on.data
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("%(city)s now imports this practice (stage: identified).", city=importer.city))
    return redirect(url_for("practices.detail", practice_id=practice_id) + "#transfers")


@bp.post("/transfers/<int:transfer_id>/stage")
def set_stage(transfer_id: int):
    transfer = db.session.get(Transfer, transfer_id) or abort(404)
    require(is_coordinator())
    form = StageForm()
    if not form.validate_on_submit():
        flash(
            _("Give the date as YYYY-MM-DD.") if form.happened_on.errors else _("Choose a stage."),
            "error",
        )
    else:
        try:
            changed = services.set_stage_by_coordinator(
                transfer,
                form.stage.data,
                form.reason.data,
                user=current_user,
                seen_version=form.version.data or "",
                happened_on=form.happened_on.data,
            )
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            flash(refusal(error, transfer, form.version.data, form=False).message, "error")
        else:
            if changed:
                flash(_("Stage set to “%(stage)s”.", stage=transfer.stage_enum.label))
            else:
                flash(_("The transfer is already at that stage."))
    return redirect(
        url_for("practices.detail", practice_id=transfer.practice_id) + f"#transfer-{transfer_id}"
    )


@bp.post("/events/<int:event_id>/practices")
def link_event(event_id: int):
    event = db.session.get(Event, event_id) or abort(404)
    require(can_edit_event(event))
    form = EventPracticeForm()
    form.practice_id.choices = options(
        (p.id, p.title) for p in queries.practice_choices(event.project_id)
    )
    back = safe_next(
        request.form.get("next"), default=url_for("outcomes.event_page", event_id=event_id)
    )
    if not form.validate_on_submit():
        flash(_("Choose a good practice and its role at the event."), "error")
        return redirect(back)
    practice = db.session.get(GoodPractice, form.practice_id.data)
    try:
        services.link_practice_to_event(
            practice, event, form.role.data, seen_version=form.version.data or ""
        )
        if event.status == "held":
            services.on_event_held(event, user=current_user)
        db.session.commit()
    except (DomainError, StaleDataError) as error:
        db.session.rollback()
        flash(refusal(error, event, form.version.data, form=False).message, "error")
    else:
        flash(_("“%(title)s” linked to the event.", title=practice.title))
    return redirect(back)


@bp.get("/partnership")
def matrix():
    require(is_signed_in())
    project = project_or_404()
    result = transfer_matrix(project)
    title = _("%(project)s: who learns from whom", project=project.acronym)
    svg = Markup(transfer_matrix_svg(result, title=title))
    return render_template(
        "practices/matrix.html", project=project, matrix=result, svg=svg, stages=queries.STAGES
    )


@bp.app_context_processor
def _panel_helpers():
    def practices_event_panel(event):
        """What templates/practices/_event_panel.html needs for `event`."""
        links = queries.event_practices(event.id)
        if not can_see_internal():
            links = [link for link in links if link.practice.is_public]
        form = None
        if can_edit_event(event):
            form = EventPracticeForm()
            form.practice_id.choices = options(
                (p.id, f"{p.title} ({p.owner.city})")
                for p in queries.practice_choices(event.project_id)
            )
        return {"links": links, "form": form}

    return {"practices_event_panel": practices_event_panel, "practice_role_labels": ROLE_LABELS}


@event_held.connect
def _advance_transfers_when_held(event, **_):
    """Marking an event held (events area) moves on the transfers of its practices."""
    user = current_user if current_user and current_user.is_authenticated else None
    services.on_event_held(event, user=user)
