"""Pages of one event: its detail, and the forms that change it (the list and the calendar
are in list_views.py).

Views are thin: parse, authorize (app/auth/permissions), call app/events/services, render.
"""

from datetime import UTC, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.auth import permissions as can
from app.errors import DomainError
from app.events import queries, services
from app.events.blueprint import bp
from app.events.forms import (
    AttendanceForm,
    EventForm,
    MoveOnlineForm,
    PostponeForm,
    SessionForm,
    StatusForm,
)
from app.events.models import Event, EventSession
from app.extensions import db
from app.formatting import format_date_span, format_local
from app.home.queries import partners_of
from app.partners.models import Partner, Person, Venue
from app.timezones import in_zone
from app.versioning import StaleEdit, refusal, version_of
from app.view_helpers import project_or_404

# DomainError.field names that differ from the form's field names.
FIELD_ALIASES = {"ends_at": "end_date", "starts_at": "start_date", "partner": "host"}


def _event_or_404(event_id: int) -> Event:
    event = queries.get_event(event_id)
    if event is None or not can.can_view_event(event):
        abort(404)
    return event


def _show_error(form, exc: DomainError) -> None:
    """Put a service's message next to its field, or above the form when it has none."""
    name = FIELD_ALIASES.get(exc.field, exc.field)
    field = getattr(form, name, None) if name else None
    if field is not None and hasattr(field, "errors") and name != "version":
        field.errors = [*field.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def _refuse(form, exc: Exception, obj) -> bool:
    """After a rollback: show why nothing was saved. A stale form keeps the user's input and
    takes the current version, so it can be saved once checked. True when stale."""
    exc = refusal(exc, obj, form.version.data)
    if isinstance(exc, StaleEdit):
        form.version.data = version_of(obj)
    _show_error(form, exc)
    return isinstance(exc, StaleEdit)


# --- Reading


@bp.get("/events/<int:event_id>")
def detail(event_id: int):
    return _render_detail(_event_or_404(event_id))


def _people_choices(event: Event):
    people = db.session.scalars(
        select(Person)
        .join(Partner)
        .where(Partner.project_id == event.project_id)
        # Erased people are not offered, except where they already speak (kept so counts stay).
        .where(
            Person.erased_at.is_(None)
            | Person.id.in_([p.id for s in event.sessions for p in s.experts])
        )
        .order_by(Partner.code, Person.name)
    )
    return [(p.id, f"{p.name} ({p.partner.city})") for p in people]


def _render_detail(event: Event, session_form=None, attendance_forms=None, status=200):
    editable = can.can_edit_event(event)
    if session_form is None and editable:
        session_form = SessionForm(formdata=None)
        session_form.start_date.data = event.local_start.date()
        session_form.version.data = version_of(event)
    if session_form is not None:
        session_form.experts.choices = _people_choices(event)
    attendance_forms = dict(attendance_forms or {})
    rows = {a.partner_id: a for a in event.attendance}
    for partner in event.participants:
        if partner.id not in attendance_forms and can.can_edit_attendance(event, partner.id):
            row = rows.get(partner.id)
            attendance_forms[partner.id] = AttendanceForm(
                formdata=None,
                prefix=f"p{partner.id}",
                staff_count=row.staff_count if row else 0,
                stakeholder_count=row.stakeholder_count if row else 0,
                version=version_of(event),
            )
    return (
        render_template(
            "events/detail.html",
            project=event.project,
            event=event,
            editable=editable,
            version=services.version_of(event),
            status_form=StatusForm(formdata=None),
            session_form=session_form,
            attendance=rows,
            attendance_forms=attendance_forms,
            show_attendance=can.can_see_internal(),
            original_when=_original_when(event),
            now=datetime.now(UTC),
        ),
        status,
    )


def _original_when(event: Event) -> str:
    """When the event was first planned, in its own zone: '1–31 Mar 2020' or a time span."""
    if event.original_starts_at is None:
        return ""
    if event.original_all_day:
        first = in_zone(event.original_starts_at, event.timezone).date()
        last = in_zone(event.original_ends_at, event.timezone).date() - timedelta(days=1)
        return format_date_span(first, last)
    return (
        f"{format_local(event.original_starts_at, event.timezone)} – "
        f"{format_local(event.original_ends_at, event.timezone)}"
    )


# --- Creating and editing


def _venue_choice(venue: Venue) -> str:
    # Translators: a venue in the list, with how many people it seats.
    label = (
        _("%(venue)s (seats %(capacity)d)", venue=str(venue), capacity=venue.capacity)
        if venue.capacity
        else str(venue)
    )
    price = venue.price_words
    return f"{label}, {price}" if price else label


def _event_form_choices(form: EventForm, project, event: Event | None = None) -> list[Partner]:
    partners = partners_of(project)
    # Offered: the hosts this user may choose. Accepted on POST: any partner, so that a host
    # outside the offer answers 403 (checked in the view) rather than "not a valid choice".
    hosts = partners
    if request.method == "GET":
        hosts = [p for p in partners if can.can_host_events_for(p.id)]
        if event is not None and event.host not in hosts:
            hosts.append(event.host)
    form.host.choices = [(p.id, f"{p.city} ({p.code})") for p in hosts]
    form.participants.choices = [(p.id, p.city) for p in partners]
    form.timezone.choices = [("", _("The host partner's zone"))] + form.timezone.choices
    venues = db.session.scalars(select(Venue).order_by(Venue.city, Venue.name))
    form.venue.choices = [(0, _("No venue"))] + [(v.id, _venue_choice(v)) for v in venues]
    return partners


def _form_values(form: EventForm, partners: list[Partner]) -> dict:
    by_id = {p.id: p for p in partners}
    return dict(
        kind=form.kind.data,
        number=form.number.data,
        title=form.title.data or "",
        description=form.description.data or "",
        format=form.format.data,
        venue_id=form.venue.data or None,
        location=(form.location.data or "").strip(),
        online_platform=(form.online_platform.data or "").strip(),
        online_url=(form.online_url.data or "").strip(),
        expected_attendance=form.expected_attendance.data,
        is_public=bool(form.is_public.data),
    ), [by_id[i] for i in form.participants.data or [] if i in by_id]


def _warnings(form, project, host, visitors, values, exclude_id=None) -> list[str]:
    """Creating: every scheduling warning. Editing (`exclude_id` is the event edited): only
    those the edit's own change brings up."""
    start, end = form.when()
    zone_name = form.timezone.data or host.timezone
    starts_at, ends_at, _all_day = services.event_span(start, end, zone_name)
    venue = db.session.get(Venue, values["venue_id"]) if values["venue_id"] else None
    if exclude_id is not None:
        return services.change_warnings(
            db.session.get(Event, exclude_id),
            starts_at=starts_at,
            ends_at=ends_at,
            zone_name=zone_name,
            host=host,
            partners=[host, *visitors],
            venue=venue,
            expected_attendance=values["expected_attendance"],
        )
    return services.scheduling_warnings(
        project,
        starts_at=starts_at,
        ends_at=ends_at,
        partners=[host, *visitors],
        venue=venue,
        expected_attendance=values["expected_attendance"],
        exclude_event_id=exclude_id,
        zone_name=zone_name,
    ) + services.period_warnings(project, starts_at, zone_name)


@bp.route("/events/new", methods=["GET", "POST"])
def create():
    can.require(can.can_create_events())
    project = project_or_404()
    form = EventForm()
    partners = _event_form_choices(form, project)
    if request.method == "GET":
        own = current_user.partner_id
        form.host.data = own if any(own == c for c, _ in form.host.choices) else None
        form.is_public.data = True
    warnings: list[str] = []
    if request.method == "POST":
        valid = form.validate_on_submit()
        valid = form.check_when() and valid
        host = db.session.get(Partner, form.host.data) if form.host.data else None
        if host is not None:
            can.require(can.can_host_events_for(host.id))
        if valid and host is not None:
            valid = form.check_repeated(form.timezone.data or host.timezone)
        if valid and host is not None:
            values, visitors = _form_values(form, partners)
            try:
                warnings = _warnings(form, project, host, visitors, values)
                if not warnings or form.save_anyway.data:
                    start, end = form.when()
                    event = services.create_event(
                        project,
                        host=host,
                        start=start,
                        end=end,
                        timezone=form.timezone.data or host.timezone,
                        participants=visitors,
                        **values,
                    )
                    db.session.commit()
                    flash(_("Scheduled %(title)s.", title=event.display_title))
                    return redirect(url_for("events.detail", event_id=event.id))
            except DomainError as exc:
                db.session.rollback()
                _show_error(form, exc)
    status = 400 if form.errors or form.form_errors else (409 if warnings else 200)
    return render_template(
        "events/form.html", project=project, form=form, event=None, warnings=warnings
    ), status


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    event = _event_or_404(event_id)
    can.require(can.can_edit_event(event))
    project = event.project
    form = EventForm()
    partners = _event_form_choices(form, project, event)
    if request.method == "GET":
        _fill(form, event)
    warnings: list[str] = []
    stale = False
    outside: list[str] = []
    if request.method == "POST":
        valid = form.validate_on_submit()
        valid = form.check_when() and valid
        host = db.session.get(Partner, form.host.data) if form.host.data else None
        if host is not None and host.id != event.host_partner_id:
            can.require(can.can_host_events_for(host.id))
        if valid and host is not None:
            valid = form.check_repeated(form.timezone.data or host.timezone)
        if valid and host is not None:
            values, visitors = _form_values(form, partners)
            try:
                services.check_fresh(event, form.version.data or "")
                warnings = _warnings(form, project, host, visitors, values, exclude_id=event.id)
                if not warnings or form.save_anyway.data:
                    start, end = form.when()
                    services.update_event(
                        event,
                        seen_version=form.version.data or "",
                        start=start,
                        end=end,
                        participants=visitors,
                        host_partner_id=host.id,
                        timezone=form.timezone.data or host.timezone,
                        outside_sessions=form.agenda.data or None,
                        **values,
                    )
                    db.session.commit()
                    flash(_("Saved."))
                    return redirect(url_for("events.detail", event_id=event.id))
            except (DomainError, StaleDataError) as exc:
                db.session.rollback()
                stale = _refuse(form, exc, event)
                outside = _outside(exc, event, form, form.timezone.data or host.timezone)
    status = 400 if form.errors or form.form_errors else (409 if warnings else 200)
    return render_template(
        "events/form.html",
        project=project,
        form=form,
        event=event,
        warnings=warnings,
        outside=outside,
    ), (409 if stale else status)


def _outside(exc: Exception, event: Event, form, zone_name: str) -> list[str]:
    """The sessions new dates would leave outside, when that is what the service asks about."""
    if getattr(exc, "field", None) != "agenda":
        return []
    start, end = form.when()
    return services.outside_after_move(event, start, end, zone_name)


def _fill(form: EventForm, event: Event) -> None:
    local_start, local_end = event.local_start, event.local_end
    form.kind.data = event.kind
    form.number.data = event.number
    form.title.data = event.title
    form.description.data = event.description
    form.host.data = event.host_partner_id
    form.participants.data = [p.id for p in event.visiting_partners]
    form.timezone.data = event.timezone
    form.start_date.data = local_start.date()
    if event.all_day:
        form.end_date.data = (local_end - timedelta(days=1)).date()
    else:
        form.end_date.data = local_end.date()
        form.start_time.data, form.end_time.data = local_start.time(), local_end.time()
        form.fill_fold(event.timezone, local_start, local_end)
    form.format.data = event.format
    form.venue.data = event.venue_id or 0
    form.location.data = event.location
    form.online_platform.data = event.online_platform
    form.online_url.data = event.online_url
    form.expected_attendance.data = event.expected_attendance
    form.is_public.data = event.is_public
    form.version.data = services.version_of(event)


# --- State changes


@bp.route("/events/<int:event_id>/postpone", methods=["GET", "POST"])
def postpone(event_id: int):
    event = _event_or_404(event_id)
    can.require(can.can_edit_event(event))
    form = PostponeForm()
    stale = False
    warnings: list[str] = []
    outside: list[str] = []
    if request.method == "GET":
        form.version.data = services.version_of(event)
    elif (
        form.validate_on_submit()
        & form.check_when(required=False)
        & form.check_repeated(event.timezone)
    ):
        start, end = form.when()
        try:
            services.check_fresh(event, form.version.data or "")
            warnings = services.postpone_warnings(event, start, end)
            if not warnings or form.save_anyway.data:
                services.postpone(
                    event,
                    start,
                    end,
                    seen_version=form.version.data or "",
                    outside_sessions=form.agenda.data or None,
                )
                db.session.commit()
                flash(_("Postponed. Where and when it was first planned is kept."))
                return redirect(url_for("events.detail", event_id=event.id))
        except (DomainError, StaleDataError) as exc:
            db.session.rollback()
            stale = _refuse(form, exc, event)
            outside = _outside(exc, event, form, event.timezone)
    status = 400 if form.errors or form.form_errors else (409 if warnings else 200)
    status = 409 if stale else status
    return render_template(
        "events/postpone.html",
        project=event.project,
        event=event,
        form=form,
        warnings=warnings,
        outside=outside,
    ), status


@bp.route("/events/<int:event_id>/move-online", methods=["GET", "POST"])
def move_online(event_id: int):
    event = _event_or_404(event_id)
    can.require(can.can_edit_event(event))
    form = MoveOnlineForm()
    stale = False
    if request.method == "GET":
        form.version.data = services.version_of(event)
        form.online_platform.data = event.online_platform
        form.online_url.data = event.online_url
    elif form.validate_on_submit():
        try:
            services.move_online(
                event,
                form.online_platform.data,
                form.online_url.data,
                seen_version=form.version.data or "",
            )
            db.session.commit()
            flash(_("Moved online."))
            return redirect(url_for("events.detail", event_id=event.id))
        except (DomainError, StaleDataError) as exc:
            db.session.rollback()
            stale = _refuse(form, exc, event)
    status = 409 if stale else 400 if form.errors or form.form_errors else 200
    return render_template(
        "events/move_online.html", project=event.project, event=event, form=form
    ), status


def _status_change(event_id: int, change, done: str):
    event = _event_or_404(event_id)
    can.require(can.can_edit_event(event))
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        change(event, seen_version=form.version.data or "")
        db.session.commit()
        flash(done)
    except (DomainError, StaleDataError) as exc:
        db.session.rollback()
        exc = refusal(exc, event, form.version.data, form=False)
        flash(exc.message, "error")
        if isinstance(exc, StaleEdit):  # the page again, as it is now, with the refusal
            return _render_detail(event, status=409)
    return redirect(url_for("events.detail", event_id=event.id))


@bp.post("/events/<int:event_id>/cancel")
def cancel(event_id: int):
    return _status_change(event_id, services.cancel, _("Cancelled. The event is kept, marked so."))


@bp.post("/events/<int:event_id>/held")
def mark_held(event_id: int):
    return _status_change(event_id, services.mark_held, _("Marked as held."))


# --- Agenda and attendance


@bp.post("/events/<int:event_id>/sessions")
def add_session(event_id: int):
    event = _event_or_404(event_id)
    can.require(can.can_edit_event(event))
    form = SessionForm()
    form.experts.choices = _people_choices(event)
    if form.validate_on_submit() & form.check_times() & form.check_repeated(event.timezone):
        start, end = form.when()
        experts = [db.session.get(Person, i) for i in form.experts.data or []]
        try:
            services.add_session(
                event,
                seen_version=form.version.data or "",
                title=form.title.data,
                kind=form.kind.data,
                description=form.description.data or "",
                start=start,
                end=end,
                experts=experts,
            )
            db.session.commit()
            flash(_("Session added."))
            return redirect(url_for("events.detail", event_id=event.id, _anchor="agenda"))
        except (DomainError, StaleDataError) as exc:
            db.session.rollback()
            event = _event_or_404(event_id)
            if _refuse(form, exc, event):
                return _render_detail(event, session_form=form, status=409)
    return _render_detail(event, session_form=form, status=400)


@bp.route("/events/<int:event_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(event_id: int, session_id: int):
    event = _event_or_404(event_id)
    session = next((s for s in event.sessions if s.id == session_id), None)
    if session is None:
        abort(404)
    can.require(can.can_edit_event(event))
    form = SessionForm(obj=None)
    form.experts.choices = _people_choices(event)
    form.submit.label.text = _("Save session")
    stale = False
    if request.method == "GET":
        form.version.data = version_of(session)
        start, end = (
            in_zone(session.starts_at, event.timezone),
            in_zone(session.ends_at, event.timezone),
        )
        form.title.data, form.kind.data = session.title, session.kind
        form.description.data = session.description
        form.start_date.data, form.start_time.data = start.date(), start.time()
        form.end_date.data, form.end_time.data = end.date(), end.time()
        form.experts.data = [p.id for p in session.experts]
        form.fill_fold(event.timezone, start, end)
    elif form.validate_on_submit() & form.check_times() & form.check_repeated(event.timezone):
        start, end = form.when()
        try:
            services.update_session(
                event,
                session,
                title=form.title.data,
                kind=form.kind.data,
                description=form.description.data or "",
                start=start,
                end=end,
                experts=[db.session.get(Person, i) for i in form.experts.data or []],
                seen_version=form.version.data or "",
            )
            db.session.commit()
            flash(_("Session saved."))
            return redirect(url_for("events.detail", event_id=event.id, _anchor="agenda"))
        except (DomainError, StaleDataError) as exc:
            db.session.rollback()
            stale = _refuse(form, exc, session)
    status = 409 if stale else 400 if form.errors or form.form_errors else 200
    return render_template(
        "events/session_form.html", project=event.project, event=event, form=form
    ), status


@bp.post("/events/<int:event_id>/sessions/<int:session_id>/delete")
def delete_session(event_id: int, session_id: int):
    event = _event_or_404(event_id)
    session = db.session.get(EventSession, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    can.require(can.can_edit_event(event))
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.remove_session(event, session, seen_version=form.version.data or "")
        db.session.commit()
    except (DomainError, StaleDataError) as exc:
        db.session.rollback()
        flash(refusal(exc, session, form.version.data, form=False).message, "error")
        return _render_detail(_event_or_404(event_id), status=409)
    flash(_("Session removed."))
    return redirect(url_for("events.detail", event_id=event.id, _anchor="agenda"))


@bp.post("/events/<int:event_id>/attendance/<int:partner_id>")
def attendance(event_id: int, partner_id: int):
    event = _event_or_404(event_id)
    partner = next((p for p in event.participants if p.id == partner_id), None)
    if partner is None:
        abort(404)
    can.require(can.can_edit_attendance(event, partner.id))
    form = AttendanceForm(prefix=f"p{partner.id}")
    if form.validate_on_submit():
        try:
            services.set_attendance(
                event,
                partner,
                form.staff_count.data,
                form.stakeholder_count.data,
                seen_version=form.version.data or "",
            )
            db.session.commit()
            flash(_("Attendance of %(partner)s saved.", partner=partner.city))
            return redirect(url_for("events.detail", event_id=event.id, _anchor="attendance"))
        except (DomainError, StaleDataError) as exc:
            db.session.rollback()
            event = _event_or_404(event_id)
            if _refuse(form, exc, event):
                return _render_detail(event, attendance_forms={partner.id: form}, status=409)
    return _render_detail(event, attendance_forms={partner.id: form}, status=400)
