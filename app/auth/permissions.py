"""Who may do what, on which object. Every write calls one of these; views answer 403."""

from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user

from app.enums import Role
from app.redirects import safe_next


def _user(user=None):
    return user if user is not None else current_user


def is_signed_in(user=None) -> bool:
    return bool(_user(user) and _user(user).is_authenticated)


def can_see_internal(user=None) -> bool:
    """Internal events and non-public practices: any signed-in account."""
    return is_signed_in(user)


def can_create_events(user=None) -> bool:
    user = _user(user)
    return is_signed_in(user) and user.role in (Role.COORDINATOR, Role.PARTNER)


def can_edit_event(event, user=None) -> bool:
    """Coordinators edit every event; a partner editor only those their partner hosts."""
    user = _user(user)
    if not is_signed_in(user):
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role == Role.PARTNER and user.partner_id == event.host_partner_id


def can_edit_attendance(event, partner_id: int, user=None) -> bool:
    """A partner editor records their own people's attendance at any event."""
    user = _user(user)
    if can_edit_event(event, user):
        return True
    return is_signed_in(user) and user.role == Role.PARTNER and user.partner_id == partner_id


def can_edit_owned_by(partner_id: int, user=None) -> bool:
    """Things a partner owns (practices, its action plan): its editors and coordinators."""
    user = _user(user)
    if not is_signed_in(user):
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role == Role.PARTNER and user.partner_id == partner_id


def is_coordinator(user=None) -> bool:
    user = _user(user)
    return is_signed_in(user) and user.role == Role.COORDINATOR


def can_import_calendar(user=None) -> bool:
    """Bringing events in from a calendar file (.ics): coordinators."""
    return is_coordinator(user)


def can_read_reports(user=None) -> bool:
    """Semester reports: coordinators and funders."""
    user = _user(user)
    return is_signed_in(user) and user.role in (Role.COORDINATOR, Role.FUNDER)


def require(allowed: bool) -> None:
    """Abort with 403 (or send to sign-in when anonymous) unless `allowed`."""
    if allowed:
        return
    if not is_signed_in():
        from flask import redirect, request, url_for

        from app.extensions import login_manager

        if request.method == "GET":
            abort(login_manager.unauthorized())
        # A form posted without an account: after signing in, back to the page it came
        # from (a POST-only address would answer 405 to the browser's GET).
        back = urlsplit(request.referrer or "")
        same_site = back.netloc == request.host
        target = back.path + (f"?{back.query}" if back.query else "") if same_site else None
        abort(redirect(url_for("auth.login", next=safe_next(target, default="") or None)))
    abort(403)


# Practices, action plans, outcomes and evidence (issue 4).


def can_edit_practice(practice, user=None) -> bool:
    """A good practice: its owner partner's editors and coordinators."""
    return can_edit_owned_by(practice.owner_partner_id, user)


def can_add_transfer(practice, importer_partner_id: int, user=None) -> bool:
    """Recording that a partner takes up a practice: the importer's or the owner's editors,
    and coordinators."""
    return can_edit_owned_by(importer_partner_id, user) or can_edit_practice(practice, user)


def can_edit_action_plan(partner_id: int, user=None) -> bool:
    """A regional action plan and its actions: that partner's editors and coordinators."""
    return can_edit_owned_by(partner_id, user)


def can_add_evidence(target, user=None) -> bool:
    """Outcomes and attachments on an event (its host's editors and coordinators), a
    practice (its owner's) or an action (its plan's partner's)."""
    from app.events.models import Event
    from app.outcomes.models import Action

    if isinstance(target, Event):
        return can_edit_event(target, user)
    if isinstance(target, Action):
        return can_edit_owned_by(target.group.plan.partner_id, user)
    return can_edit_practice(target, user)


def can_see_meeting_link(user=None) -> bool:
    """An online event's meeting link: participants, that is any signed-in account (and a
    private feed's owner); never the public page or the public feed."""
    return is_signed_in(user)


def can_view_event(event, user=None) -> bool:
    """Public events: everyone; internal ones: signed-in accounts only (others get 404)."""
    return bool(event.is_public) or can_see_internal(user)


def can_host_events_for(partner_id: int, user=None) -> bool:
    """Who may create an event hosted by (or move an event to) this partner."""
    return can_create_events(user) and can_edit_owned_by(partner_id, user)


def can_view_dashboard(user=None) -> bool:
    """Planned against held, internal events included: any signed-in account."""
    return is_signed_in(user)


# The activity log.


def can_read_history(user=None) -> bool:
    """Who changed what on a page: any signed-in account, never the public."""
    return is_signed_in(user)


def can_read_activity_log(user=None) -> bool:
    """The whole log, with its filters: coordinators."""
    return is_coordinator(user)


def can_restore(target, user=None) -> bool:
    """Putting back a removed session or piece of evidence: whoever may change the event,
    practice or action (or action plan) it belonged to."""
    from app.outcomes.models import ActionPlan

    if target is None:
        return False
    if isinstance(target, ActionPlan):
        return can_edit_action_plan(target.partner_id, user)
    return can_add_evidence(target, user)


# People, delegations and the outbox.


def can_read_people(user=None) -> bool:
    """The people directory (names, organisations, functions): any signed-in account.
    E-mail addresses and phones are for those who may manage the person (see below)."""
    return is_signed_in(user)


def can_manage_people(partner_id: int, user=None) -> bool:
    """Add, edit, import, erase or export a partner's people: its editors and coordinators."""
    user = _user(user)
    if not is_signed_in(user):
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role == Role.PARTNER and user.partner_id == partner_id


def can_see_contact_data(person, user=None) -> bool:
    """A person's e-mail and phone: who manages that partner's people; never funders or the
    public, never on a page, feed or report anyone else reads."""
    return can_manage_people(person.partner_id, user)


def can_see_delegations(user=None) -> bool:
    """Who comes from each partner, by name: signed-in accounts; the public sees counts."""
    return is_signed_in(user)


def can_set_registration_rules(event, user=None) -> bool:
    """Capacities and the registration deadline of an event: coordinators."""
    return is_coordinator(user)


def can_register_delegation(event, partner_id: int, deadline_passed: bool, user=None) -> bool:
    """A partner's delegation to an event: its editors while registration is open (before the
    deadline, for a partner taking part); coordinators at any time."""
    user = _user(user)
    if is_coordinator(user):
        return True
    if deadline_passed:
        return False
    return (
        is_signed_in(user)
        and user.role == Role.PARTNER
        and user.partner_id == partner_id
        and partner_id in {p.id for p in event.participants}
    )


def can_check_in(event, partner_id: int, user=None) -> bool:
    """Marking who came: whoever records that partner's attendance at the event."""
    return can_edit_attendance(event, partner_id, user)


def can_read_outbox(user=None) -> bool:
    """The messages written to the outbox (development, and checking what was sent):
    coordinators."""
    return is_coordinator(user)


def can_receive_meeting_link(registered: bool) -> bool:
    """An online event's meeting link in an e-mail: the people registered for the event (its
    participants, at their own address); a contact person who is not coming is told it is
    for participants."""
    return registered


def can_read_delegation_page(event, partner_id: int, user=None) -> bool:
    """A partner's delegation screen: whoever may register it, and, once the deadline has
    passed, its own editors too (to read it; only coordinators change it then)."""
    return can_register_delegation(event, partner_id, deadline_passed=False, user=user)


# Date polls.


def can_read_polls(user=None) -> bool:
    """A date poll and its answers: any signed-in account (funders read, as they read
    delegations); the public never sees polls."""
    return is_signed_in(user)


def can_run_poll(event, user=None) -> bool:
    """Opening, closing and picking the date of an event's poll: whoever edits the event
    (coordinators, and the host partner's editors)."""
    return can_edit_event(event, user)


def can_answer_poll(poll, partner_id: int, user=None) -> bool:
    """Answering a poll for a partner's delegation: that partner's editors, when the partner
    is asked; coordinators for any partner asked (an answer given by telephone)."""
    user = _user(user)
    if not is_signed_in(user) or partner_id not in {row.partner_id for row in poll.asked}:
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role == Role.PARTNER and user.partner_id == partner_id


# --- Public holidays and the semester planner


def can_edit_partner_region(partner, user=None) -> bool:
    """A partner's region, which decides its regional public holidays: coordinators."""
    return is_coordinator(user)


def can_view_planner(user=None) -> bool:
    """The semester planner: whoever reads the events calendar, which is everyone (internal
    events in it only for signed-in accounts, as `can_see_internal` says)."""
    return True


def can_view_partner_holidays(partner, user=None) -> bool:
    """A partner's public holidays and region: everyone (they are public facts)."""
    return True


# Search.


def can_read_outcomes(user=None) -> bool:
    """Outcomes (lessons, decisions, figures) and their evidence: any signed-in account;
    they are the partnership's, not the published programme."""
    return is_signed_in(user)


def can_search(kind: str, user=None) -> bool:
    """Which kinds of hit a reader gets from search: events and good practices for everyone
    (internal ones only for those who `can_see_internal`), outcomes for those who
    `can_read_outcomes`, people (names and functions only) for those who `can_read_people`."""
    return {
        "event": True,
        "practice": True,
        "outcome": can_read_outcomes(user),
        "person": can_read_people(user),
    }.get(kind, False)


# Lists and their downloads (CSV, XLSX).


def can_download_people(user=None) -> bool:
    """The people directory as a file: whoever reads the directory; it holds names,
    partner, organisation, function and kind, never e-mail addresses or phones."""
    return can_read_people(user)


# Submitted reports.


def can_submit_reports(user=None) -> bool:
    """Submitting a semester's report to the programme (a new frozen version): coordinators."""
    user = _user(user)
    return is_signed_in(user) and user.role == Role.COORDINATOR


def can_read_submitted_reports(user=None) -> bool:
    """Submitted versions of the reports and their files: coordinators and funders."""
    return can_read_reports(user)


# Personal API tokens.


def can_write_with_api(user=None) -> bool:
    """A token that may change things through the API (write scope): coordinators and
    partner editors; a funder changes nothing anywhere, so their tokens only read."""
    user = _user(user)
    return is_signed_in(user) and user.role in (Role.COORDINATOR, Role.PARTNER)
