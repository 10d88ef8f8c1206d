"""Pages of the activity log: the coordinators' whole log, restoring a removal, and the
confirmation pages shown before a session or a piece of evidence is removed."""

from datetime import date, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import select

from app.activity import services
from app.activity.models import ActivityEntry
from app.activity.security import SECURITY_ACTIONS, UNKNOWN_ACCOUNT
from app.activity.tracking import KIND_LABELS
from app.auth import permissions as can
from app.auth.models import User
from app.enums import (
    ActionStatus,
    AttendanceSource,
    EventFormat,
    EventKind,
    EventStatus,
    OutcomeKind,
    PersonKind,
    PracticeRole,
    RegistrationStatus,
    Role,
    SessionKind,
    TransferStage,
)
from app.errors import DomainError
from app.events.models import Event, EventSession
from app.extensions import db
from app.outcomes.models import ActionPlan, Attachment
from app.outcomes.services import CATEGORIES
from app.practices.models import GoodPractice
from app.redirects import safe_next
from app.template_helpers import format_local, reader_timezone
from app.versioning import version_of

bp = Blueprint("activity", __name__)

MAX_ID = 2**31 - 1  # INTEGER primary keys
SCOPES = {"event": Event, "practice": GoodPractice, "action_plan": ActionPlan}


def _number(text: str | None) -> int | None:
    """A positive id from a query string, or None for anything else."""
    if text and text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    return None


def _row(model, row_id: int):
    """The row with this id, or None; ids past the column's range are simply unknown."""
    return db.session.get(model, row_id) if 0 < row_id <= MAX_ID else None


def _day(text: str | None) -> date | None:
    """A date from a query string; none for anything else or far outside any project."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return day if day is not None and 1900 <= day.year <= 2200 else None


@bp.get("/activity")
def log():
    can.require(can.can_read_activity_log())
    args = request.args
    kind = args.get("kind") if args.get("kind") in KIND_LABELS else None
    scope_kind = args.get("scope") if args.get("scope") in SCOPES else None
    filters = services.LogFilters(
        user_id=_number(args.get("who")),
        kind=kind,
        since=_day(args.get("from")),
        until=_day(args.get("to")),
        scope_kind=scope_kind,
        scope_id=_number(args.get("scope_id")) if scope_kind else None,
        zone_name=reader_timezone() or "UTC",
    )
    page = _number(args.get("page")) or 1
    entries, total = services.log_page(filters, page)
    pages = max(1, -(-total // services.PAGE_SIZE))
    users = db.session.scalars(select(User).order_by(User.name, User.email)).all()
    shown = {k: v for k, v in args.items() if k != "page" and v}
    return render_template(
        "activity/log.html",
        entries=entries,
        total=total,
        page=page,
        pages=pages,
        users=users,
        kinds=KIND_LABELS,
        filters=filters,
        args=args,
        page_url=lambda n: url_for("activity.log", **shown, page=n),
        restore_form=FlaskForm(),
        restorable=lambda entry: services.restorable(entry),
    )


def _scope_page(entry: ActivityEntry) -> str:
    if entry.scope_kind == "event":
        return url_for("events.detail", event_id=entry.scope_id, _anchor="history")
    if entry.scope_kind == "practice":
        return url_for("practices.detail", practice_id=entry.scope_id, _anchor="history")
    if entry.scope_kind == "action_plan":
        plan = db.session.get(ActionPlan, entry.scope_id)
        if plan is not None:
            return url_for("outcomes.action_plan", partner_code=plan.partner.code) + "#history"
    return url_for("activity.log")


@bp.post("/activity/<int:entry_id>/restore")
def restore(entry_id: int):
    entry = _row(ActivityEntry, entry_id) or abort(404)
    if entry.object_kind not in services.RESTORABLE_KINDS or entry.action != "removed":
        abort(404)
    can.require(can.can_restore(services.restore_target(entry)))
    if not FlaskForm().validate_on_submit():
        abort(400)
    back = _scope_page(entry)
    try:
        services.restore(entry)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(_("Not restored: %(reason)s", reason=error.message), "error")
        return redirect(back), 303
    flash(_("“%(label)s” restored.", label=entry.label))
    return redirect(back), 303


@bp.get("/events/<int:event_id>/sessions/<int:session_id>/delete")
def confirm_session_removal(event_id: int, session_id: int):
    """Ask before removing: the session, and that it can be restored from the history."""
    event = _row(Event, event_id)
    if event is None or not can.can_view_event(event):
        abort(404)
    session = _row(EventSession, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    can.require(can.can_edit_event(event))
    return render_template(
        "activity/confirm_session.html",
        project=event.project,
        event=event,
        session=session,
        version=version_of(session),
        keep_days=services.KEEP_REMOVED_DAYS,
    )


@bp.get("/evidence/<int:attachment_id>/delete")
def confirm_evidence_removal(attachment_id: int):
    """Ask before removing a file of evidence."""
    attachment = _row(Attachment, attachment_id) or abort(404)
    target = services.evidence_owner(attachment)
    can.require(can.can_add_evidence(target))
    back = safe_next(request.args.get("next"), default="")
    return render_template(
        "activity/confirm_evidence.html",
        attachment=attachment,
        target=target,
        category=CATEGORIES.get(attachment.category, attachment.category),
        back=back,
        keep_days=services.KEEP_REMOVED_DAYS,
    )


@bp.app_context_processor
def _history_helpers():
    def history_for(obj) -> dict | None:
        """What templates/activity/_panel.html needs for this page's object, or None for
        readers who may not see it (the public)."""
        if obj is None or not can.can_read_history():
            return None
        scope_kind = next((k for k, model in SCOPES.items() if isinstance(obj, model)), None)
        if scope_kind is None:
            return None
        entries = services.history_of(scope_kind, obj.id)
        may_restore = can.can_restore(obj)
        return {
            "entries": entries,
            "restorable": {e.id for e in entries if may_restore and services.restorable(e)},
            "complete": len(entries) < services.PANEL_SIZE,
            "log_url": (
                url_for("activity.log", scope=scope_kind, scope_id=obj.id)
                if can.can_read_activity_log()
                else None
            ),
            "form": FlaskForm(),
        }

    return {
        "history_for": history_for,
        "activity_kinds": KIND_LABELS,
        "activity_sentence": activity_sentence,
    }


#: Who acted, when it was no signed-in person: stored in English in `actor`, read in the
#: reader's language.
ACTORS = {
    "Anonymous visitor": _l("Anonymous visitor"),
    "Command line": _l("Command line"),
    "Sign-in form": _l("Sign-in form"),
    "System": _l("System"),
}

#: What happened to a tracked object. Translators: %(actor)s is who did it, %(kind)s the
#: kind of thing in lower case ("event", "session", "good practice"), %(label)s its title.
CHANGE_SENTENCES = {
    "created": _l("%(actor)s created %(kind)s “%(label)s”"),
    "changed": _l("%(actor)s changed %(kind)s “%(label)s”"),
    "removed": _l("%(actor)s removed %(kind)s “%(label)s”"),
    "restored": _l("%(actor)s restored %(kind)s “%(label)s”"),
}


def actor_shown(actor: str) -> str:
    """The stored actor for reading: a person's name as is, the app's own actors translated."""
    known = ACTORS.get(actor)
    return str(known) if known is not None else actor


def label_shown(entry: ActivityEntry) -> str:
    if entry.object_kind == "account" and entry.label == UNKNOWN_ACCOUNT:
        return _("(no account has this e-mail)")
    return entry.label


def activity_sentence(entry: ActivityEntry) -> Markup:
    """'<strong>Anna</strong> created event “Study visit”' in the reader's language; the
    actor and label escaped, the translation taken as text."""
    sentence = SECURITY_ACTIONS.get(entry.action) or CHANGE_SENTENCES.get(entry.action)
    kind = str(KIND_LABELS.get(entry.object_kind, entry.object_kind)).lower()
    values = {
        "actor": Markup("<strong>%s</strong>") % actor_shown(entry.actor),
        "kind": kind,
        "label": label_shown(entry),
    }
    if sentence is None:
        return Markup("%(actor)s %(action)s %(kind)s “%(label)s”") % {
            **values,
            "action": entry.action,
        }
    return Markup(escape(str(sentence))) % values


#: Fields the log keeps as stored codes ("study_visit"), shown with the labels people read.
VOCABULARIES = {
    ("event", "kind"): EventKind,
    ("event", "status"): EventStatus,
    ("event", "format"): EventFormat,
    ("session", "kind"): SessionKind,
    ("transfer", "stage"): TransferStage,
    ("transfer_stage", "stage"): TransferStage,
    ("practice_event", "role"): PracticeRole,
    ("action", "status"): ActionStatus,
    ("outcome", "kind"): OutcomeKind,
    ("account", "role"): Role,
    ("person", "kind"): PersonKind,
    ("registration", "status"): RegistrationStatus,
    ("attendance", "source"): AttendanceSource,
}


@bp.app_template_filter("activity_value")
def activity_value(value, zone_name: str = "UTC", kind: str = "", field: str = "") -> str:
    """A logged value for reading: instants in the reader's zone, codes as their labels,
    lists joined."""
    if value is None or value == "" or value == []:
        return "–"
    vocabulary = VOCABULARIES.get((kind, field))
    if vocabulary is not None and value in {member.value for member in vocabulary}:
        return str(getattr(vocabulary(value), "label", value))
    if field in SECRET_FIELDS and value in SECRET_VALUES:
        return str(SECRET_VALUES[value])
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) >= 19 and value.endswith("+00:00"):
        try:
            return format_local(datetime.fromisoformat(value), zone_name)
        except ValueError:
            return value
    return str(value)


#: Secret fields are logged as "set" or "changed" (app.activity.tracking), never a value.
SECRET_FIELDS = frozenset(
    {"password", "private calendar address", "second factor", "second factor being set up"}
    | {"e-mail address", "phone number"}  # a person's contact data
)
SECRET_VALUES = {"set": _l("set"), "changed": _l("changed")}

#: The names of logged fields as the log reads them (stored as column names).
FIELD_LABELS = {
    "action_id": _l("Action"),
    "active": _l("Active"),
    "all_day": _l("All day"),
    "answer": _l("Answer"),
    "category": _l("Category"),
    "checked_in_at": _l("Checked in"),
    "client address": _l("Client address"),
    "closes_on": _l("Closes on"),
    "code": _l("Code"),
    "comment": _l("Comment"),
    "content_type": _l("Content type"),
    "days": _l("Days attending"),
    "description": _l("Description"),
    "detail": _l("Detail"),
    "e-mail address": _l("E-mail address"),
    "email": _l("Email"),
    "ended_on": _l("Ended on"),
    "ends_at": _l("Ends at"),
    "ends_on": _l("Ends on"),
    "erased_at": _l("Erased at"),
    "event_id": _l("Event"),
    "evidence_of_success": _l("Evidence of success"),
    "expected_attendance": _l("Expected attendance"),
    "experts": _l("Experts"),
    "format": _l("Format"),
    "function": _l("Function"),
    "group_id": _l("Group"),
    "happened_on": _l("Happened on"),
    "host_partner_id": _l("Host partner"),
    "import_uid": _l("Imported from (UID)"),
    "importer_partner_id": _l("Importer partner"),
    "indicator_id": _l("Indicator"),
    "inspired_by": _l("Inspired by"),
    "inspired_by_practice_id": _l("Inspired by practice"),
    "is_contact": _l("Contact person"),
    "is_public": _l("Is public"),
    "kind": _l("Kind"),
    "language": _l("Language"),
    "links": _l("Links"),
    "location": _l("Location"),
    "name": _l("Name"),
    "number": _l("Number"),
    "objective": _l("Objective"),
    "online_platform": _l("Online platform"),
    "online_url": _l("Online url"),
    "organisation": _l("Organisation"),
    "original_all_day": _l("Original all day"),
    "original_ends_at": _l("Original ends at"),
    "original_location": _l("Original location"),
    "original_name": _l("Original name"),
    "original_starts_at": _l("Original starts at"),
    "owner": _l("Owner"),
    "owner_partner_id": _l("Owner partner"),
    "participants": _l("Participants"),
    "partner_id": _l("Partner"),
    "password": _l("Password"),
    "person_id": _l("Person"),
    "period_number": _l("Period number"),
    "phone number": _l("Phone number"),
    "policy_instrument": _l("Policy instrument"),
    "position": _l("Position"),
    "practice_id": _l("Practice"),
    "preferred_timezone": _l("Preferred timezone"),
    "private calendar address": _l("Private calendar address"),
    "problem": _l("Problem"),
    "reason": _l("Reason"),
    "resources": _l("Resources"),
    "results": _l("Results"),
    "revision": _l("Revision"),
    "role": _l("Role"),
    "second factor": _l("Second factor"),
    "second factor being set up": _l("Second factor being set up"),
    "source": _l("Figures from"),
    "size_bytes": _l("Size bytes"),
    "staff_count": _l("Staff count"),
    "stage": _l("Stage"),
    "stakeholder_count": _l("Stakeholder count"),
    "started_on": _l("Started on"),
    "starts_at": _l("Starts at"),
    "starts_on": _l("Starts on"),
    "status": _l("Status"),
    "summary": _l("Summary"),
    "target": _l("Target"),
    "text": _l("Text"),
    "theme": _l("Theme"),
    "timezone": _l("Timezone"),
    "title": _l("Title"),
    "transfer_potential": _l("Transfer potential"),
    "unit": _l("Unit"),
    "uploaded_by_id": _l("Uploaded by"),
    "value": _l("Value"),
    "venue_id": _l("Venue"),
    "wants_email": _l("Wants e-mails"),
}


@bp.app_template_filter("activity_field")
def activity_field(name: str) -> str:
    """'host_partner_id' -> 'Host partner', 'starts_at' -> 'Starts at'; in the reader's
    language for the fields the log knows (FIELD_LABELS), else made from the name."""
    known = FIELD_LABELS.get(name)
    if known is not None:
        return str(known)
    words = name.removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:]
