"""Screens of the people area: the directory, adding and editing a person, erasing one,
exporting one's data, and the CSV import with its preview."""

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from app.auth import permissions as can
from app.enums import PersonKind
from app.errors import DomainError
from app.exports import download
from app.exports.columns import people_tables
from app.extensions import db
from app.home.queries import partners_of
from app.input_rules import db_id
from app.lists import one_page, read_list_args
from app.partners.models import Partner, Person
from app.people import imports, queries, services
from app.people.forms import FIELD_LABELS, ConfirmImportForm, EraseForm, ImportForm, PersonForm
from app.versioning import refusal, version_of
from app.view_helpers import field_error, project_or_404, refuse

bp = Blueprint("people", __name__)


@bp.app_template_filter("person_field")
def person_field(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


def _person_or_404(person_id: int) -> Person:
    return db.session.get(Person, person_id) or abort(404)


def _managed(partners: list[Partner]) -> list[Partner]:
    return [p for p in partners if can.can_manage_people(p.id)]


#: The directory's own filters, kept in its sort, page and download links.
PEOPLE_FILTERS = ("partner", "kind", "erased")


def _list_filters(partners: list[Partner]):
    by_id = {p.id: p for p in partners}
    partner = by_id.get(request.args.get("partner", type=db_id) or 0)
    kind = request.args.get("kind", "")
    kind = kind if kind in {k.value for k in PersonKind} else ""
    list_args = read_list_args(
        "people.list",
        request.args,
        sorts=queries.SORTS,
        default_sort="partner",
        default_size=queries.PAGE_SIZE,
        filters=PEOPLE_FILTERS,
    )
    filters = queries.PeopleFilter(
        partner_id=partner.id if partner else None,
        kind=kind or None,
        include_erased=request.args.get("erased") == "1",
        sort=list_args.sort,
    )
    return partner, filters, list_args


@bp.get("/people", endpoint="list")
def people_list():
    can.require(can.can_read_people())
    project = project_or_404()
    partners = partners_of(project)
    partner, filters, list_args = _list_filters(partners)
    page = one_page(
        list_args,
        lambda limit, offset: queries.people_page(project, filters, size=limit, offset=offset),
    )
    managed = {p.id for p in _managed(partners)}
    return render_template(
        "people/list.html",
        project=project,
        people=page.items,
        total=page.total,
        page=page,
        list_args=list_args,
        partners=partners,
        partner=partner,
        kinds=list(PersonKind),
        chosen={
            "kind": filters.kind or "",
            "sort": list_args.sort,
            "erased": filters.include_erased,
        },
        managed=managed,
    )


def _download(file_format: str):
    """The directory as a file: names, partner, organisation, function and kind only."""
    can.require(can.can_download_people())
    project = project_or_404()
    _partner, filters, _list_args = _list_filters(partners_of(project))
    people, _total = queries.people_page(project, filters, size=None)
    return download(people_tables(people), "people", file_format)


@bp.get("/people.csv")
def people_csv():
    return _download("csv")


@bp.get("/people.xlsx")
def people_xlsx():
    return _download("xlsx")


def _form_choices(form: PersonForm, partners: list[Partner]) -> None:
    form.partner_id.choices = [SelectChoice(p.id, f"{p.city} ({p.code})") for p in partners]


def _form_data(form: PersonForm) -> dict:
    return {key: form.data[key] for key in services.FIELDS}


@bp.route("/people/new", methods=["GET", "POST"])
def create():
    project = project_or_404()
    every = partners_of(project)
    partners = _managed(every)
    can.require(bool(partners))
    form = PersonForm()
    # Offered: the partners this user manages. Accepted on POST: any, so that another
    # partner answers 403 (checked below) rather than "not a valid choice".
    _form_choices(form, partners if request.method == "GET" else every)
    if request.method == "GET":
        chosen = request.args.get("partner", type=db_id)
        form.partner_id.data = chosen or (current_user.partner_id or partners[0].id)
    if form.validate_on_submit():
        partner = db.session.get(Partner, form.partner_id.data)
        can.require(partner is not None and can.can_manage_people(partner.id))
        try:
            person = services.create_person(partner, **_form_data(form))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            field_error(form, error)
        else:
            flash(_("%(name)s added to %(city)s's people.", name=person.name, city=partner.city))
            return redirect(url_for("people.list", partner=partner.id))
    status = 400 if request.method == "POST" else 200
    return render_template("people/form.html", form=form, person=None), status


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: int):
    person = _person_or_404(person_id)
    can.require(can.can_manage_people(person.partner_id))
    if person.is_erased:
        abort(404)
    form = PersonForm(obj=person)
    _form_choices(form, [person.partner])
    form.partner_id.data = person.partner_id  # the partner is not changed here
    stale = False
    if request.method == "GET":
        form.version.data = version_of(person)
        form.language.data = person.language or ""
    if form.validate_on_submit():
        try:
            services.update_person(person, _form_data(form), form.version.data)
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            stale = refuse(form, error, person)
        else:
            flash(_("%(name)s saved.", name=person.name))
            return redirect(url_for("people.list", partner=person.partner_id))
    status = 409 if stale else 400 if request.method == "POST" else 200
    return render_template("people/form.html", form=form, person=person), status


@bp.route("/people/<int:person_id>/erase", methods=["GET", "POST"])
def erase(person_id: int):
    """Ask first; then replace the person's data by "former participant"."""
    person = _person_or_404(person_id)
    can.require(can.can_manage_people(person.partner_id))
    if person.is_erased:
        abort(404)
    form = EraseForm()
    if request.method == "GET":
        form.version.data = version_of(person)
    elif form.validate_on_submit():
        seen = form.version.data
        try:
            services.erase_person(person, seen)
            db.session.commit()
        except (DomainError, StaleDataError) as error:
            db.session.rollback()
            flash(refusal(error, person, seen, form=False).message, "error")
            return redirect(url_for("people.erase", person_id=person_id)), 303
        flash(_("The person was erased: their records now say “former participant”."))
        return redirect(url_for("people.list", partner=person.partner_id)), 303
    else:
        abort(400)
    return render_template("people/erase.html", form=form, person=person)


@bp.get("/people/<int:person_id>/export.json")
def export(person_id: int):
    person = _person_or_404(person_id)
    can.require(can.can_manage_people(person.partner_id))
    body = json.dumps(services.export_person(person), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="person-{person.id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- CSV import


def _may_import(project) -> None:
    can.require(bool(_managed(partners_of(project))))


@bp.get("/people/import")
def import_form():
    project = project_or_404()
    _may_import(project)
    return render_template("people/import.html", form=ImportForm(), columns=imports.COLUMNS)


@bp.get("/people/import/template.csv")
def import_template():
    can.require(can.can_read_people())
    response = Response("\ufeff" + imports.TEMPLATE, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="people-template.csv"'
    return response


def _preview(text: str, plan: imports.Plan, status: int = 200):
    confirm = ConfirmImportForm(formdata=None, text=text)
    return (
        render_template("people/import_preview.html", plan=plan, confirm=confirm),
        status,
    )


@bp.post("/people/import")
def import_upload():
    """Check the uploaded file and show what importing it would do; writes nothing."""
    project = project_or_404()
    _may_import(project)
    form = ImportForm()
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash(_("Choose a CSV file to import."), "error")
        return render_template("people/import.html", form=form, columns=imports.COLUMNS), 400
    try:
        text = imports.read_text(upload.read())
    except DomainError as error:
        flash(error.message, "error")
        return render_template("people/import.html", form=form, columns=imports.COLUMNS), 400
    plan = imports.plan_import(project, text, can.can_manage_people)
    return _preview(text, plan, 200 if plan.ok else 400)


@bp.post("/people/import/confirm")
def import_confirm():
    """Import the previewed file: checked again, written only when every row is right."""
    project = project_or_404()
    _may_import(project)
    form = ConfirmImportForm()
    if not form.validate_on_submit() or not form.text.data:
        abort(400)
    text = form.text.data
    if len(text.encode()) > imports.MAX_BYTES:
        abort(400)
    plan = imports.plan_import(project, text, can.can_manage_people)
    if not plan.ok:
        return _preview(text, plan, 400)
    created, updated = imports.apply_import(plan)
    db.session.commit()
    flash(
        _(
            "Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.",
            created=created,
            updated=updated,
            unchanged=plan.count("unchanged"),
        )
    )
    return redirect(url_for("people.list")), 303
