"""Pages of the polls area: opening a poll, the poll page (answers, ranking, pick).

Views are thin: parse, authorize (app/auth/permissions), call app/polls/services, render.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.auth import permissions as can
from app.errors import DomainError
from app.events import services as events
from app.events.queries import get_event
from app.extensions import db
from app.formatting import language
from app.partners.models import Partner
from app.polls import queries, services
from app.polls.forms import CloseForm, OpenPollForm, PickForm, answer_form, given_answers
from app.polls.models import PollSlot, PollStatus
from app.template_helpers import reader_timezone
from app.versioning import StaleEdit, refusal, version_of
from app.view_helpers import field_error

bp = Blueprint("polls", __name__, url_prefix="/polls")
bp.add_app_template_global(can.can_run_poll, "can_run_poll")


@bp.app_template_global()
def poll_of_event(event_id: int):
    """The event's latest poll for the event page's link, or None (and None for readers
    who may not see polls)."""
    if not can.can_read_polls():
        return None
    return services.latest_poll(event_id)


def _poll_or_404(poll_id: int):
    can.require(can.can_read_polls())
    poll = queries.get_poll(poll_id)
    if poll is None:
        abort(404)
    return poll


# --- Opening


@bp.route("/new/<int:event_id>", methods=["GET", "POST"])
def open_poll(event_id: int):
    event = get_event(event_id)
    if event is None or not can.can_view_event(event):
        abort(404)
    can.require(can.can_run_poll(event))
    form = OpenPollForm()
    form.partners.choices = [(p.id, p.city) for p in event.participants]
    if request.method == "GET":
        form.partners.data = [p.id for p in event.participants]
    elif form.validate_on_submit():
        slots = form.slot_inputs()
        if not form.row_errors():
            chosen = set(form.partners.data or [])
            try:
                poll = services.open_poll(
                    event,
                    slots=slots,
                    closes_on=form.closes_on.data,
                    partners=[p for p in event.participants if p.id in chosen],
                    opened_by=current_user,
                )
                db.session.commit()
                flash(_("The date poll is open. The partners asked can answer it now."))
                return redirect(url_for("polls.detail", poll_id=poll.id))
            except DomainError as exc:
                db.session.rollback()
                if exc.field == "closes_on":
                    field_error(form, exc)
                else:
                    form.form_errors.append(exc.message)
    status = 400 if request.method == "POST" else 200
    return render_template("polls/open.html", event=event, form=form), status


# --- The poll page


def _render(poll, *, pick_form=None, forms=None, warnings=(), outside=(), status=200):
    zone = reader_timezone() or poll.event.host.timezone
    forms = dict(forms or {})
    grid = services.answer_grid(poll)
    open_for_answers = services.answers_refusal(poll) is None
    if open_for_answers:
        for partner in poll.partners:
            if partner.id not in forms and can.can_answer_poll(poll, partner.id):
                mine = {slot.id: grid.get((slot.id, partner.id)) for slot in poll.slots}
                forms[partner.id] = answer_form(
                    poll.slots, f"p{partner.id}", formdata=None, answers=mine
                )
    runs = can.can_run_poll(poll.event) and poll.status == PollStatus.OPEN
    if pick_form is not None and not runs:
        for message in pick_form.form_errors:
            flash(message, "error")  # the pick form is gone: say why above the page
    if runs and pick_form is None:
        pick_form = PickForm(formdata=None)
    if pick_form is not None:
        pick_form.slot.choices = [(s.id, services.slot_words(s)) for s in poll.slots]
        pick_form.version.data = pick_form.version.data or version_of(poll)
    return (
        render_template(
            "polls/detail.html",
            poll=poll,
            event=poll.event,
            zone=zone,
            ranking=services.ranking(poll),
            grid=grid,
            overlaps=services.overlaps(poll),
            holidays=services.holidays(poll, language()),
            forms=forms,
            refusal=services.answers_refusal(poll),
            pick_form=pick_form if runs else None,
            close_form=CloseForm(formdata=None, version=version_of(poll)) if runs else None,
            warnings=warnings,
            outside=outside,
            slot_words=services.slot_words,
        ),
        status,
    )


@bp.get("/<int:poll_id>")
def detail(poll_id: int):
    return _render(_poll_or_404(poll_id))


@bp.post("/<int:poll_id>/answers/<int:partner_id>")
def answer(poll_id: int, partner_id: int):
    poll = _poll_or_404(poll_id)
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    can.require(can.can_answer_poll(poll, partner.id))
    form = answer_form(poll.slots, f"p{partner.id}", formdata=request.form)
    if form.validate_on_submit():
        try:
            services.answer(
                poll, partner, given_answers(form, poll.slots), answered_by=current_user
            )
            db.session.commit()
            flash(_("Saved the answers of %(partner)s.", partner=partner.city))
            return redirect(url_for("polls.detail", poll_id=poll.id))
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
    else:
        form.form_errors.append(_("Check the answers below."))
    return _render(poll, forms={partner.id: form}, status=400)


def _pick_refused(poll, form, exc) -> tuple[int, list[str]]:
    """After a rollback: the refusal on the pick form; the status and the sessions a move
    would leave out (when that is what the service asks about)."""
    exc = refusal(exc, poll, form.version.data)
    form.form_errors.append(exc.message)
    if isinstance(exc, StaleEdit):
        form.version.data = version_of(poll)
        return 409, []
    outside: list[str] = []
    slot = db.session.get(PollSlot, form.slot.data) if form.slot.data else None
    if exc.field == "agenda" and slot is not None:
        start, end = services.event_input(slot, poll.event.timezone)
        outside = events.outside_after_move(poll.event, start, end)
    return 400, outside


@bp.post("/<int:poll_id>/pick")
def pick(poll_id: int):
    poll = _poll_or_404(poll_id)
    can.require(can.can_run_poll(poll.event))
    form = PickForm()
    warnings: list[str] = []
    status, outside = 400, []
    if not form.validate_on_submit() or not form.slot.data:
        form.form_errors.append(_("Choose the candidate date to pick."))
    else:
        slot = db.session.get(PollSlot, form.slot.data)
        try:
            if slot is None or slot.poll_id != poll.id:
                raise DomainError(_("That candidate date is not one of this poll's."), "slot")
            services.check_pickable(poll, slot, form.version.data or "")
            warnings = services.pick_warnings(poll, slot)
            if not warnings or form.save_anyway.data:
                services.pick(
                    poll,
                    slot,
                    seen_version=form.version.data or "",
                    outside_sessions=form.agenda.data or None,
                )
                db.session.commit()
                flash(
                    _(
                        "Picked %(when)s: the event has its date and the partners are told.",
                        when=services.slot_words(slot),
                    )
                )
                return redirect(url_for("polls.detail", poll_id=poll.id))
            status = 409
        except (DomainError, StaleDataError) as exc:
            db.session.rollback()
            status, outside = _pick_refused(poll, form, exc)
    return _render(poll, pick_form=form, warnings=warnings, outside=outside, status=status)


@bp.post("/<int:poll_id>/close")
def close(poll_id: int):
    poll = _poll_or_404(poll_id)
    can.require(can.can_run_poll(poll.event))
    form = CloseForm()
    try:
        form.validate_on_submit()
        services.close(poll, seen_version=form.version.data or "")
        db.session.commit()
        flash(_("The poll is closed without a date; the event is unchanged."))
    except (DomainError, StaleDataError) as exc:
        db.session.rollback()
        flash(refusal(exc, poll, form.version.data).message, "error")
    return redirect(url_for("polls.detail", poll_id=poll.id))
