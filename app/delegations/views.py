"""Screens of the delegations area: a partner's delegation to an event, the coordinator's
registration rules, check-in, and the delegations panel of the event page.

Views are thin: parse, authorize (app/auth/permissions), call app/delegations/services.
"""

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.auth import permissions as can
from app.db_types import utcnow
from app.delegations import queries, services
from app.delegations.forms import (
    SOMEONE_NEW,
    ChangeForm,
    CheckInForm,
    RegisterForm,
    RemoveForm,
    rules_form,
)
from app.delegations.models import Registration
from app.enums import PersonKind, RegistrationStatus
from app.errors import DomainError
from app.events import queries as event_queries
from app.events.models import Event
from app.extensions import db
from app.formatting import format_date
from app.partners.models import Partner, Person
from app.people.services import create_person
from app.timezones import in_zone
from app.versioning import refusal, version_of
from app.view_helpers import field_error

bp = Blueprint("delegations", __name__)


def _event_or_404(event_id: int) -> Event:
    event = event_queries.get_event(event_id)
    if event is None or not can.can_view_event(event):
        abort(404)
    return event


def _partner_or_404(event: Event, partner_id: int) -> Partner:
    partner = next((p for p in event.participants if p.id == partner_id), None)
    if partner is None:
        abort(404)
    return partner


def _may_register(event: Event, partner_id: int) -> bool:
    return can.can_register_delegation(event, partner_id, services.deadline_passed(event))


# --- A partner's delegation


def _register_form(event: Event, partner: Partner, formdata=None) -> RegisterForm:
    form = RegisterForm(formdata=formdata) if formdata is not None else RegisterForm()
    people = queries.people_to_register(event, partner.id)
    form.person.choices = [
        (p.id, p.name + (f", {p.function}" if p.function else "")) for p in people
    ]
    form.person.choices.append((SOMEONE_NEW, _("Someone new (type the name below)")))
    form.kind.choices = [(k.value, k.label) for k in PersonKind]
    form.days.choices = [(d.isoformat(), format_date(d)) for d in services.event_days(event)]
    return form


@bp.route("/events/<int:event_id>/delegations/<int:partner_id>", methods=["GET", "POST"])
def partner_delegation(event_id: int, partner_id: int):
    event = _event_or_404(event_id)
    partner = _partner_or_404(event, partner_id)
    can.require(can.can_read_delegation_page(event, partner.id))
    if request.method == "POST":
        can.require(_may_register(event, partner.id))
    form = _register_form(event, partner)
    if request.method == "POST" and form.validate_on_submit():
        try:
            registration = _register(event, partner, form)
            db.session.commit()
            name = registration.person.display_name
            if registration.status == RegistrationStatus.WAITING:
                flash(_("%(name)s is on the waiting list: the delegation is full.", name=name))
            else:
                flash(_("%(name)s is registered.", name=name))
            return redirect(request.path)
        except DomainError as exc:
            db.session.rollback()
            event = _event_or_404(event_id)
            partner = _partner_or_404(event, partner_id)
            field_error(form, exc)
    status = 400 if request.method == "POST" else 200
    return _delegation_page(event, partner, form, status)


def _register(event: Event, partner: Partner, form: RegisterForm) -> Registration:
    if form.person.data == SOMEONE_NEW:
        person = create_person(
            partner,
            form.name.data or "",
            function=form.function.data or "",
            organisation=form.organisation.data or "",
            kind=form.kind.data,
        )
        db.session.flush()
    else:
        person = db.session.get(Person, form.person.data)
        if person is None:
            raise DomainError(_("Choose a person."), "person")
    return services.register(
        event,
        partner,
        person,
        role=form.role.data or "",
        days=form.days.data or [],
        by=current_user,
    )


def _delegation_page(event: Event, partner: Partner, form: RegisterForm, status: int = 200):
    rows = services.delegation(event, partner)
    policy = services.policy_of(event)
    return render_template(
        "delegations/partner.html",
        project=event.project,
        event=event,
        partner=partner,
        form=form,
        registrations=rows,
        change_forms={r.id: _change_form(event, r) for r in rows},
        limit=services.limits_of(event).get(partner.id),
        policy=policy,
        deadline_passed=services.deadline_passed(event),
        may_change=_may_register(event, partner.id),
    ), status


def _registration_or_404(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>")
def change(event_id: int, registration_id: int):
    event = _event_or_404(event_id)
    registration = _registration_or_404(event, registration_id)
    can.require(_may_register(event, registration.partner_id))
    form = ChangeForm(prefix=f"r{registration.id}")
    back = url_for(".partner_delegation", event_id=event.id, partner_id=registration.partner_id)
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(back)
    name = registration.person.display_name
    try:
        services.update(
            registration,
            role=form.role.data or "",
            days=form.days.data or [],
            seen_version=form.version.data or "",
        )
        db.session.commit()
        flash(_("%(name)s: saved.", name=name))
    except (DomainError, StaleDataError) as exc:
        db.session.rollback()
        flash(refusal(exc, registration, form.version.data, form=False).message, "error")
    return redirect(back)


def _change_form(event: Event, registration: Registration) -> ChangeForm:
    form = ChangeForm(formdata=None, prefix=f"r{registration.id}")
    form.role.data = registration.role
    form.days.choices = [(d.isoformat(), format_date(d)) for d in services.event_days(event)]
    form.days.data = list(registration.days or [])
    form.version.data = version_of(registration)
    return form


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/remove")
def remove(event_id: int, registration_id: int):
    event = _event_or_404(event_id)
    registration = _registration_or_404(event, registration_id)
    can.require(_may_register(event, registration.partner_id))
    form = RemoveForm()
    if not form.validate_on_submit():
        abort(400)
    partner_id, name = registration.partner_id, registration.person.display_name
    try:
        promoted = services.remove(registration, seen_version=form.version.data or "")
        names = [r.person.display_name for r in promoted]
        db.session.commit()
    except (DomainError, StaleDataError) as exc:
        db.session.rollback()
        flash(refusal(exc, registration, form.version.data, form=False).message, "error")
        return redirect(url_for(".partner_delegation", event_id=event.id, partner_id=partner_id))
    flash(_("%(name)s is no longer registered.", name=name))
    if names:
        flash(_("From the waiting list, now registered: %(names)s.", names=", ".join(names)))
    return redirect(url_for(".partner_delegation", event_id=event.id, partner_id=partner_id))


# --- The coordinator's rules


@bp.route("/events/<int:event_id>/registration-rules", methods=["GET", "POST"])
def rules(event_id: int):
    event = _event_or_404(event_id)
    can.require(can.can_set_registration_rules(event))
    policy = services.policy_of(event)
    limits = services.limits_of(event)
    partners = list(event.participants)
    if request.method == "GET":
        form = rules_form(partners, formdata=None)
        form.version.data = version_of(policy) if policy else ""
        _fill_rules(form, event, policy, limits)
    else:
        form = rules_form(partners)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                promoted = services.set_rules(
                    event,
                    capacity=form.capacity.data,
                    deadline=_deadline(form),
                    limits={p.id: getattr(form, f"limit_{p.id}").data for p in partners},
                    seen_version=(form.version.data or "") if policy else None,
                )
                names = [r.person.display_name for r in promoted]
                db.session.commit()
                flash(_("Registration rules saved."))
                if names:
                    flash(
                        _(
                            "From the waiting list, now registered: %(names)s.",
                            names=", ".join(names),
                        )
                    )
                return redirect(url_for("events.detail", event_id=event.id, _anchor="delegations"))
            except (DomainError, StaleDataError) as exc:
                db.session.rollback()
                event = _event_or_404(event_id)
                policy = services.policy_of(event)
                exc = refusal(exc, policy, form.version.data) if policy else exc
                if policy is not None and exc.field == "version":
                    form.version.data = version_of(policy)
                field_error(form, exc)
                status = 409 if exc.field == "version" else 400
        else:
            status = 400
    return render_template(
        "delegations/rules.html",
        project=event.project,
        event=event,
        form=form,
        partners=partners,
        policy=policy,
    ), status


def _deadline(form) -> datetime | None:
    if form.deadline_date.data is None:
        if form.deadline_time.data is not None:
            raise DomainError(_("Give the deadline's date too."), "deadline_date")
        return None
    moment = form.deadline_time.data or datetime.max.time().replace(second=0, microsecond=0)
    return datetime.combine(form.deadline_date.data, moment)


def _fill_rules(form, event: Event, policy, limits: dict[int, int]) -> None:
    if policy is not None:
        form.capacity.data = policy.capacity
        if policy.deadline is not None:
            local = in_zone(policy.deadline, event.timezone)
            form.deadline_date.data, form.deadline_time.data = local.date(), local.time()
    for partner_id, value in limits.items():
        field = getattr(form, f"limit_{partner_id}", None)
        if field is not None:
            field.data = value


# --- Check-in


@bp.route("/events/<int:event_id>/check-in/<int:partner_id>", methods=["GET", "POST"])
def check_in(event_id: int, partner_id: int):
    event = _event_or_404(event_id)
    partner = _partner_or_404(event, partner_id)
    can.require(can.can_check_in(event, partner.id))
    rows = services.delegation(event, partner)
    form = CheckInForm() if request.method == "POST" else CheckInForm(formdata=None)
    form.present.choices = [(r.id, r.person.display_name) for r in rows]
    status = 200
    if request.method == "GET":
        form.present.data = [r.id for r in rows if r.checked_in]
        form.version.data = version_of(event)
    elif form.validate_on_submit():
        try:
            services.check_in(
                event, partner, form.present.data or [], seen_version=form.version.data or ""
            )
            db.session.commit()
            flash(
                _(
                    "Check-in of %(partner)s saved; its attendance is counted from it.",
                    partner=partner.city,
                )
            )
            return redirect(url_for("events.detail", event_id=event.id, _anchor="attendance"))
        except (DomainError, StaleDataError) as exc:
            db.session.rollback()
            event = _event_or_404(event_id)
            partner = _partner_or_404(event, partner_id)
            rows = services.delegation(event, partner)
            exc = refusal(exc, event, form.version.data)
            if exc.field == "version":
                form.version.data = version_of(event)
            field_error(form, exc)
            status = 409 if exc.field == "version" else 400
    else:
        status = 400
    return render_template(
        "delegations/check_in.html",
        project=event.project,
        event=event,
        partner=partner,
        form=form,
        registrations={r.id: r for r in rows},
        started=services.has_started(event),
    ), status


# --- The event page's panel


@bp.app_template_global()
def delegations_panel(event: Event) -> dict:
    """What the event page shows of the delegations: names to signed-in readers, counts to
    the public; two queries whatever the number of registrations."""
    partners = list(event.participants)
    if not can.can_see_delegations():
        return {"names": False, "counts": queries.registered_counts(event), "partners": partners}
    rows = queries.registrations(event)
    policy = services.policy_of(event)
    passed = bool(policy and policy.deadline and policy.deadline <= utcnow())
    return {
        "names": True,
        "partners": partners,
        "rows": queries.by_partner(rows),
        "policy": policy,
        "deadline_passed": passed,
        "may_register": {
            p.id for p in partners if can.can_register_delegation(event, p.id, passed)
        },
        "may_check_in": {p.id for p in partners if can.can_check_in(event, p.id)}
        if services.has_started(event)
        else set(),
        "may_set_rules": can.can_set_registration_rules(event),
    }
