"""Every route, with every role: who is let in and who is refused.

The table below is the contract. To add an area, append its routes to ROUTES (and its
blueprint to COVERED_BLUEPRINTS): `test_every_route_is_in_the_table` fails until every
route of a covered blueprint has a row. A row's `url` may use the ids in `World` (extend
`build_world` when a route needs an object of its own).

Allowed means done: no refusal, no form error (400) and no error flashed by the service,
unless the row sends wrong data on purpose (`bad_input`).
Refused means: a signed-in user gets 403, an anonymous visitor is sent to sign in
(302 to /login), unless the row says otherwise (an internal event is 404 to the public,
so its existence is not told). Unknown ids answer 404 to everyone (an anonymous visitor
may be sent to sign in first).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import select

from app.activity.models import ActivityEntry
from app.api.tokens import create_token
from app.auth.models import User
from app.delegations.models import Registration
from app.delegations.services import register
from app.events.models import EventSession
from app.events.services import remove_session
from app.extensions import db
from app.mail.messages import unsubscribe_token
from app.mail.models import OutboxMessage
from app.outcomes.models import Action, ActionGroup, ActionPlan, Indicator, Outcome
from app.outcomes.services import attachment_path, store_attachment
from app.partners.models import Person
from app.people.services import create_person
from app.polls.services import SlotInput, open_poll
from app.practices.models import GoodPractice, PracticeEvent
from app.practices.services import create_transfer
from app.reports.submissions import record_submission
from app.versioning import version_of
from tests import factories

ANON, COORD, HOST, OTHER, FUNDER = (
    "anonymous",
    "coordinator",
    "host_editor",
    "other_editor",
    "funder",
)
ROLES = (ANON, COORD, HOST, OTHER, FUNDER)
EVERYONE = set(ROLES)
SIGNED_IN = {COORD, HOST, OTHER, FUNDER}
EDITORS = {COORD, HOST}  # may change what HOST's partner hosts or owns
PARTNER_EDITORS = {COORD, HOST, OTHER}

COVERED_BLUEPRINTS = {
    "home",
    "auth",
    "second_factor",
    "events",
    "feeds",
    "practices",
    "outcomes",
    "reports",
    "activity",
    "i18n",
    "people",
    "delegations",
    "mail",
    "polls",
    "holidays",
    "planner",
    "search",
    "calendar_import",
    "api",
}
READERS_OF_REPORTS = {COORD, FUNDER}  # partner editors 403, anonymous to sign-in


@dataclass
class Route:
    endpoint: str
    method: str
    url: str  # formatted with the World's attributes
    allowed: set[str]
    data: dict = field(default_factory=dict)  # formatted too; callables are called
    refused: dict[str, int] = field(default_factory=dict)  # role -> status, when not default
    unknown: str | None = None  # url with an unknown id (404 for every role)
    bad_input: bool = False  # the data is wrong on purpose: let in, then told so (400)


def _event_form(host: str) -> dict:
    return {
        "kind": "study_visit",
        "title": "Changed by a test",
        "host": host,
        "participants": ["{other_partner}"],
        "timezone": "",
        "start_date": "2026-03-05",
        "start_time": "10:00",
        "end_date": "2026-03-05",
        "end_time": "16:00",  # the world's session ends then: no question about the agenda
        "format": "in_person",
        "venue": "0",
        "is_public": "y",
        "save_anyway": "1",
        "version": "{versions[event]}",
    }


ROUTES = [
    Route("home.index", "GET", "/", EVERYONE),
    Route("home.dashboard", "GET", "/dashboard", SIGNED_IN, unknown="/dashboard?semester=99"),
    Route("auth.login", "GET", "/login", EVERYONE),
    Route(
        "auth.login",
        "POST",
        "/login",
        EVERYONE,
        {"email": "x@y.z", "password": "wrong"},
        bad_input=True,
    ),
    Route("auth.logout", "POST", "/logout", SIGNED_IN),
    Route("auth.sign_out_others", "POST", "/account/sign-out-others", SIGNED_IN),
    Route("auth.sign_out_everywhere", "POST", "/account/sign-out-everywhere", SIGNED_IN),
    Route("auth.account", "GET", "/account", SIGNED_IN),
    Route("auth.account", "POST", "/account", SIGNED_IN, {"current_password": "x"}, bad_input=True),
    # The code step of a sign-in: without a right password first, everyone is sent to
    # sign in (the anonymous visitor's "refused"); a signed-in user goes home.
    Route("second_factor.code", "GET", "/login/code", SIGNED_IN),
    Route("second_factor.code", "POST", "/login/code", SIGNED_IN, {"code": "123456"}),
    Route("second_factor.manage", "GET", "/account/second-factor", SIGNED_IN),
    Route("second_factor.start", "POST", "/account/second-factor/start", SIGNED_IN),
    Route("second_factor.cancel", "POST", "/account/second-factor/cancel", SIGNED_IN),
    Route(
        "second_factor.confirm",
        "POST",
        "/account/second-factor/confirm",
        SIGNED_IN,
        {"code": "000000"},
        bad_input=True,
    ),
    Route(
        "second_factor.turn_off",
        "POST",
        "/account/second-factor/off",
        SIGNED_IN,
        {"off-password": "x", "off-code": "000000"},
        bad_input=True,
    ),
    Route(
        "second_factor.new_recovery_codes",
        "POST",
        "/account/second-factor/recovery-codes",
        SIGNED_IN,
        {"codes-password": "x", "codes-code": "000000"},
        bad_input=True,
    ),
    Route("i18n.set_language", "POST", "/account/language", SIGNED_IN, {"language": "et"}),
    Route("events.list_events", "GET", "/events", EVERYONE),
    Route("events.calendar", "GET", "/events/calendar?month=2026-03", EVERYONE),
    Route("events.detail", "GET", "/events/{event}", EVERYONE, unknown="/events/999999"),
    Route("events.detail", "GET", "/events/{internal}", SIGNED_IN, refused={ANON: 404}),
    Route("events.create", "GET", "/events/new", {COORD, HOST, OTHER}),
    Route("events.create", "POST", "/events/new", EDITORS, _event_form("{host_partner}")),
    # The host is checked against the account, not only the role.
    Route("events.create", "POST", "/events/new", {COORD, OTHER}, _event_form("{other_partner}")),
    # Handing the event to another host: coordinators only.
    Route("events.edit", "POST", "/events/{event}/edit", {COORD}, _event_form("{other_partner}")),
    Route("events.edit", "GET", "/events/{event}/edit", EDITORS, unknown="/events/999999/edit"),
    Route(
        "events.edit",
        "POST",
        "/events/{event}/edit",
        EDITORS,
        _event_form("{host_partner}"),
        unknown="/events/999999/edit",
    ),
    Route("events.postpone", "GET", "/events/{event}/postpone", EDITORS),
    Route(
        "events.postpone",
        "POST",
        "/events/{event}/postpone",
        EDITORS,
        {"start_date": "2026-04-01", "end_date": "2026-04-01", "version": "{versions[event]}"},
        unknown="/events/999999/postpone",
    ),
    Route("events.move_online", "GET", "/events/{event}/move-online", EDITORS),
    Route(
        "events.move_online",
        "POST",
        "/events/{event}/move-online",
        EDITORS,
        {"online_platform": "Webex", "version": "{versions[event]}"},
        unknown="/events/999999/move-online",
    ),
    Route(
        "events.cancel",
        "POST",
        "/events/{event}/cancel",
        EDITORS,
        {"version": "{versions[event]}"},
        unknown="/events/9999/cancel",
    ),
    Route(
        "events.mark_held",
        "POST",
        "/events/{event}/held",
        EDITORS,
        {"version": "{versions[event]}"},
        unknown="/events/9999/held",
    ),
    Route(
        "events.add_session",
        "POST",
        "/events/{event}/sessions",
        EDITORS,
        {
            "title": "Talk",
            "kind": "seminar",
            "start_date": "2026-03-05",
            "start_time": "10:00",
            "end_time": "11:00",
            "version": "{versions[event]}",
        },
        unknown="/events/999999/sessions",
    ),
    Route(
        "events.edit_session",
        "GET",
        "/events/{event}/sessions/{session}/edit",
        EDITORS,
        unknown="/events/{event}/sessions/999999/edit",
    ),
    Route(
        "events.edit_session",
        "POST",
        "/events/{event}/sessions/{session}/edit",
        EDITORS,
        {
            "title": "Renamed",
            "kind": "workshop",
            "start_date": "2026-03-05",
            "start_time": "10:00",
            "end_time": "11:30",
            "version": "{versions[session]}",
        },
        unknown="/events/999999/sessions/{session}/edit",
    ),
    Route(
        "events.delete_session",
        "POST",
        "/events/{event}/sessions/{session}/delete",
        EDITORS,
        {"version": "{versions[session]}"},
        unknown="/events/{event}/sessions/999999/delete",
    ),
    Route(
        "events.attendance",
        "POST",
        "/events/{event}/attendance/{host_partner}",
        EDITORS,
        {
            "p{host_partner}-staff_count": "3",
            "p{host_partner}-stakeholder_count": "4",
            "p{host_partner}-version": "{versions[event]}",
        },
        unknown="/events/{event}/attendance/999999",
    ),
    # A partner editor records their own people's attendance at another partner's event.
    Route(
        "events.attendance",
        "POST",
        "/events/{event}/attendance/{other_partner}",
        EDITORS | {OTHER},
        {
            "p{other_partner}-staff_count": "2",
            "p{other_partner}-stakeholder_count": "0",
            "p{other_partner}-version": "{versions[event]}",
        },
    ),
    Route("reports.index", "GET", "/reports/", READERS_OF_REPORTS),
    Route(
        "reports.semester_pdf",
        "GET",
        "/reports/semester/2.pdf",
        READERS_OF_REPORTS,
        unknown="/reports/semester/99.pdf",
    ),
]


def _practice_form(owner: str) -> dict:
    return {"title": "Changed by a test", "owner_partner_id": owner, "is_public": "y"}


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _evidence_form() -> dict:
    return {"category": "photo", "file": lambda: (BytesIO(PNG), "photo.png")}


ROUTES += [
    # Feeds: the public calendar for everyone; a private one for whoever holds its address.
    Route("feeds.public_calendar", "GET", "/calendar.ics", EVERYONE),
    Route(
        "feeds.event_calendar", "GET", "/events/{event}.ics", EVERYONE, unknown="/events/999999.ics"
    ),
    Route("feeds.event_calendar", "GET", "/events/{internal}.ics", SIGNED_IN, refused={ANON: 404}),
    Route(
        "feeds.private_calendar",
        "GET",
        "/calendar/private/{host_feed_token}.ics",
        EVERYONE,  # the secret address is the key: calendar apps do not sign in
        unknown="/calendar/private/not-a-token.ics",
    ),
    Route("feeds.account_calendar", "GET", "/account/calendar", SIGNED_IN),
    Route("feeds.confirm_reset_private_calendar", "GET", "/account/calendar/reset", SIGNED_IN),
    Route(
        "feeds.reset_private_calendar",
        "POST",
        "/account/calendar/reset",
        SIGNED_IN,
        {"confirm": "yes"},
    ),
    # Practices: public ones for everyone, the rest for accounts; the owner's editors edit.
    Route("practices.list", "GET", "/practices", EVERYONE),
    Route("practices.list", "GET", "/practices?owner={host_partner}&stage=studied", EVERYONE),
    Route("practices.matrix", "GET", "/partnership", SIGNED_IN),
    Route(
        "practices.detail", "GET", "/practices/{practice}", EVERYONE, unknown="/practices/999999"
    ),
    Route(
        "practices.detail", "GET", "/practices/{hidden_practice}", SIGNED_IN, refused={ANON: 404}
    ),
    Route("practices.create", "GET", "/practices/new", PARTNER_EDITORS),
    # The owner is checked against the account: the choice is not offered (a form error).
    Route(
        "practices.create",
        "POST",
        "/practices/new",
        EDITORS,
        _practice_form("{host_partner}"),
        refused={OTHER: 400},
    ),
    Route(
        "practices.create",
        "POST",
        "/practices/new",
        {COORD, OTHER},
        _practice_form("{other_partner}"),
        refused={HOST: 400},
    ),
    Route(
        "practices.edit",
        "GET",
        "/practices/{practice}/edit",
        EDITORS,
        unknown="/practices/999999/edit",
    ),
    Route(
        "practices.edit",
        "POST",
        "/practices/{hidden_practice}/edit",
        EDITORS,
        {**_practice_form("{host_partner}"), "version": "{versions[hidden_practice]}"},
        unknown="/practices/999999/edit",
    ),
    # Taking up a practice: the importer's editors, the owner's editors, coordinators.
    Route(
        "practices.add_transfer",
        "POST",
        "/practices/{practice}/transfers",
        PARTNER_EDITORS,
        {"importer_partner_id": "{other_partner}"},
        unknown="/practices/999999/transfers",
    ),
    Route(
        "practices.add_transfer",
        "POST",
        "/practices/{hidden_practice}/transfers",
        EDITORS,
        {"importer_partner_id": "{third_partner}"},
    ),
    Route(
        "practices.set_stage",
        "POST",
        "/transfers/{transfer}/stage",
        {COORD},
        {"stage": "studied", "reason": "Seen at the visit", "version": "{versions[transfer]}"},
        unknown="/transfers/999999/stage",
    ),
    Route(
        "practices.link_event",
        "POST",
        "/events/{event}/practices",
        EDITORS,
        {"practice_id": "{hidden_practice}", "role": "studied", "version": "{versions[event]}"},
        unknown="/events/999999/practices",
    ),
    # Action plans: read by every account, changed by the partner's editors.
    Route("outcomes.action_plans", "GET", "/action-plans", SIGNED_IN),
    Route(
        "outcomes.action_plan",
        "GET",
        "/action-plans/{host_code}",
        SIGNED_IN,
        unknown="/action-plans/P99",
    ),
    Route(
        "outcomes.edit_plan",
        "GET",
        "/action-plans/{host_code}/edit",
        EDITORS,
        unknown="/action-plans/P99/edit",
    ),
    Route(
        "outcomes.edit_plan",
        "POST",
        "/action-plans/{host_code}/edit",
        EDITORS,
        {"title": "Tartu plan, revised", "version": "{versions[plan]}"},
        unknown="/action-plans/P99/edit",
    ),
    # A plan not written yet: started by its partner's editors.
    Route(
        "outcomes.edit_plan",
        "POST",
        "/action-plans/{other_code}/edit",
        {COORD, OTHER},
        {"title": "Genoa plan"},
    ),
    Route(
        "outcomes.add_group",
        "POST",
        "/action-plans/{host_code}/groups",
        EDITORS,
        {"title": "Open data"},
        unknown="/action-plans/P99/groups",
    ),
    Route(
        "outcomes.new_action",
        "GET",
        "/action-groups/{group}/actions/new",
        EDITORS,
        unknown="/action-groups/999999/actions/new",
    ),
    Route(
        "outcomes.new_action",
        "POST",
        "/action-groups/{group}/actions/new",
        EDITORS,
        {"title": "Train staff", "status": "planned", "inspired_by_practice_id": "{practice}"},
        unknown="/action-groups/999999/actions/new",
    ),
    Route(
        "outcomes.edit_action",
        "GET",
        "/actions/{action}/edit",
        EDITORS,
        unknown="/actions/999999/edit",
    ),
    Route(
        "outcomes.edit_action",
        "POST",
        "/actions/{action}/edit",
        EDITORS,
        {
            "title": "Train more staff",
            "status": "in_progress",
            "inspired_by_practice_id": "0",
            "version": "{versions[action]}",
        },
        unknown="/actions/999999/edit",
    ),
    # Outcomes: on an event (its host's editors) or an action (its plan's partner's).
    Route(
        "outcomes.event_page",
        "GET",
        "/events/{event}/outcomes",
        SIGNED_IN,  # outcomes are not part of the published programme
        unknown="/events/999999/outcomes",
    ),
    Route(
        "outcomes.event_page", "GET", "/events/{internal}/outcomes", SIGNED_IN, refused={ANON: 404}
    ),
    Route(
        "outcomes.event_page",
        "POST",
        "/events/{event}/outcomes",
        EDITORS,
        {"kind": "lesson", "text": "Start small"},
        unknown="/events/999999/outcomes",
    ),
    Route(
        "outcomes.add_action_outcome",
        "POST",
        "/actions/{action}/outcomes",
        EDITORS,
        {
            "kind": "figure",
            "indicator_id": "{indicator}",
            "value": "12",
            "period_number": "1",
        },
        unknown="/actions/999999/outcomes",
    ),
    # Indicators: read by every account, configured by coordinators.
    Route("outcomes.indicators", "GET", "/indicators", SIGNED_IN),
    Route("outcomes.manage_indicators", "GET", "/indicators/manage", {COORD}),
    Route(
        "outcomes.manage_indicators",
        "POST",
        "/indicators/manage",
        {COORD},
        {"code": "NEW", "name": "New indicator", "unit": "people", "target": "5"},
    ),
    Route(
        "outcomes.edit_indicator",
        "GET",
        "/indicators/{indicator}/edit",
        {COORD},
        unknown="/indicators/999999/edit",
    ),
    Route(
        "outcomes.edit_indicator",
        "POST",
        "/indicators/{indicator}/edit",
        {COORD},
        {
            "code": "PT",
            "name": "People trained",
            "unit": "people",
            "target": "40",
            "version": "{versions[indicator]}",
        },
        unknown="/indicators/999999/edit",
    ),
    # Evidence: read by every account, never by the public; added by the object's editors.
    Route(
        "outcomes.upload",
        "POST",
        "/evidence/event/{event}",
        EDITORS,
        _evidence_form(),
        unknown="/evidence/event/999999",
    ),
    Route(
        "outcomes.upload",
        "POST",
        "/evidence/practice/{practice}",
        EDITORS,
        _evidence_form(),
        unknown="/evidence/guess/{practice}",
    ),
    Route(
        "outcomes.upload",
        "POST",
        "/evidence/action/{action}",
        EDITORS,
        _evidence_form(),
        unknown="/evidence/action/999999",
    ),
    Route(
        "outcomes.download", "GET", "/evidence/{attachment}", SIGNED_IN, unknown="/evidence/999999"
    ),
    Route(
        "outcomes.delete_attachment",
        "POST",
        "/evidence/{attachment}/delete",
        EDITORS,
        unknown="/evidence/999999/delete",
    ),
    Route(
        "outcomes.attendance_sheet",
        "GET",
        "/events/{event}/attendance-sheet.pdf",
        SIGNED_IN,
        unknown="/events/999999/attendance-sheet.pdf",
    ),
    # The activity log: the whole of it for coordinators; removals asked first and undone
    # by whoever may change what they belonged to.
    Route("activity.log", "GET", "/activity", {COORD}),
    Route(
        "activity.log",
        "GET",
        "/activity?who=x&kind=nothing&from=2026-13-45&to=&page=-3&scope=event&scope_id=a",
        {COORD},
    ),
    Route(
        "activity.confirm_session_removal",
        "GET",
        "/events/{event}/sessions/{session}/delete",
        EDITORS,
        unknown="/events/{event}/sessions/999999/delete",
    ),
    Route(
        "activity.confirm_evidence_removal",
        "GET",
        "/evidence/{attachment}/delete?next=/events/{event}",
        EDITORS,
        unknown="/evidence/999999/delete",
    ),
    Route(
        "activity.restore",
        "POST",
        "/activity/{removed_session}/restore",
        EDITORS,
        unknown="/activity/999999/restore",
    ),
    # Mail: the outbox for coordinators; the unsubscribe link for whoever holds it (its
    # signed token is the authority, also for the one-click POST of mail clients).
    Route("mail.outbox", "GET", "/outbox", {COORD}),
    Route("mail.outbox", "GET", "/outbox?status=nonsense", {COORD}),
    Route("mail.message", "GET", "/outbox/{outbox_message}", {COORD}, unknown="/outbox/999999"),
    Route(
        "mail.attachment",
        "GET",
        "/outbox/{outbox_message}.ics",
        {COORD},
        unknown="/outbox/999999.ics",
    ),
    Route("mail.unsubscribe", "GET", "/mail/unsubscribe/{unsubscribe_token}", EVERYONE),
    Route("mail.unsubscribe", "POST", "/mail/unsubscribe/{unsubscribe_token}", EVERYONE),
]


CSV_FOR_THE_HOST = "partner,name,email\nP4,Liis Lepp,liis@example.org\n"


def _person_form() -> dict:
    return {
        "partner_id": "{host_partner}",
        "name": "Liis Lepp",
        "kind": "expert",
        "email": "liis@example.org",
        "language": "et",
        "wants_email": "y",
    }


ROUTES += [
    # People: every account reads the directory; a partner's editors and coordinators
    # manage its people (add, edit, erase, export, import).
    Route("people.list", "GET", "/people", SIGNED_IN),
    Route("people.list", "GET", "/people?partner={host_partner}&kind=staff&sort=-name", SIGNED_IN),
    Route("people.create", "GET", "/people/new", PARTNER_EDITORS),
    Route("people.create", "POST", "/people/new", EDITORS, _person_form()),
    Route(
        "people.edit",
        "GET",
        "/people/{person}/edit",
        EDITORS,
        unknown="/people/999999/edit",
    ),
    Route(
        "people.edit",
        "POST",
        "/people/{person}/edit",
        EDITORS,
        {**_person_form(), "name": "Mari Tamm-Kask", "version": "{versions[person]}"},
        unknown="/people/999999/edit",
    ),
    Route("people.erase", "GET", "/people/{person}/erase", EDITORS, unknown="/people/999999/erase"),
    Route(
        "people.erase",
        "POST",
        "/people/{person}/erase",
        EDITORS,
        {"version": "{versions[person]}"},
        unknown="/people/999999/erase",
    ),
    Route(
        "people.export",
        "GET",
        "/people/{person}/export.json",
        EDITORS,
        unknown="/people/999999/export.json",
    ),
    Route("people.import_form", "GET", "/people/import", PARTNER_EDITORS),
    Route("people.import_template", "GET", "/people/import/template.csv", SIGNED_IN),
    # Another partner's editor may upload, and is told the rows are not theirs to import.
    Route(
        "people.import_upload",
        "POST",
        "/people/import",
        EDITORS,
        {"file": lambda: (BytesIO(CSV_FOR_THE_HOST.encode()), "people.csv")},
        refused={OTHER: 400},
    ),
    Route(
        "people.import_confirm",
        "POST",
        "/people/import/confirm",
        EDITORS,
        {"text": CSV_FOR_THE_HOST},
        refused={OTHER: 400},
    ),
]


# Delegations: each partner's editors register their own delegation (coordinators anyone's),
# coordinators set the rules, whoever records a partner's attendance checks it in.
ROUTES += [
    Route(
        "delegations.partner_delegation",
        "GET",
        "/events/{event}/delegations/{host_partner}",
        EDITORS,
        unknown="/events/999999/delegations/{host_partner}",
    ),
    Route(
        "delegations.partner_delegation",
        "GET",
        "/events/{event}/delegations/{other_partner}",
        {COORD, OTHER},
        unknown="/events/{event}/delegations/{third_partner}",  # not taking part
    ),
    Route(
        "delegations.partner_delegation",
        "POST",
        "/events/{event}/delegations/{host_partner}",
        EDITORS,
        {"person": "{host_person}", "kind": "staff", "role": "speaker"},
        unknown="/events/{event}/delegations/999999",
    ),
    Route(
        "delegations.change",
        "POST",
        "/events/{event}/registrations/{registration}",
        EDITORS,
        {
            "r{registration}-role": "observer",
            "r{registration}-days": ["2026-03-05"],
            "r{registration}-version": "{versions[registration]}",
        },
        unknown="/events/{event}/registrations/999999",
    ),
    Route(
        "delegations.remove",
        "POST",
        "/events/{event}/registrations/{registration}/remove",
        EDITORS,
        {"version": "{versions[registration]}"},
        unknown="/events/{event}/registrations/999999/remove",
    ),
    Route("delegations.rules", "GET", "/events/{event}/registration-rules", {COORD}),
    Route(
        "delegations.rules",
        "POST",
        "/events/{event}/registration-rules",
        {COORD},
        {"capacity": "5", "limit_{host_partner}": "2"},
        unknown="/events/999999/registration-rules",
    ),
    Route(
        "delegations.check_in",
        "GET",
        "/events/{event}/check-in/{other_partner}",
        EDITORS | {OTHER},
        unknown="/events/{event}/check-in/999999",
    ),
    Route(
        "delegations.check_in",
        "POST",
        "/events/{event}/check-in/{host_partner}",
        EDITORS,
        {"present": "{registration}", "version": "{versions[event]}"},
        unknown="/events/999999/check-in/{host_partner}",
    ),
    # Date polls: `poll` is open on `event` (Tartu hosts, Genoa visits); the public never
    # sees polls, funders read them.
    Route("polls.open_poll", "GET", "/polls/new/{event}", EDITORS, unknown="/polls/new/999999"),
    Route(
        "polls.open_poll",
        "POST",
        "/polls/new/{internal}",
        EDITORS,
        {"slots-0-first": "{poll_days[0]}", "closes_on": "{poll_days[0]}"},
        refused={ANON: 404},
        unknown="/polls/new/999999",
    ),
    Route("polls.detail", "GET", "/polls/{poll}", SIGNED_IN, unknown="/polls/999999"),
    Route(
        "polls.answer",
        "POST",
        "/polls/{poll}/answers/{other_partner}",
        {COORD, OTHER},
        {"p{other_partner}-answer-{poll_slot}": "yes", "p{other_partner}-comment-{poll_slot}": ""},
        unknown="/polls/999999/answers/{other_partner}",
    ),
    Route(
        "polls.answer",
        "POST",
        "/polls/{poll}/answers/{host_partner}",
        {COORD, HOST},
        {"p{host_partner}-answer-{poll_slot}": "no"},
        unknown="/polls/{poll}/answers/999999",
    ),
    Route(
        "polls.pick",
        "POST",
        "/polls/{poll}/pick",
        EDITORS,
        {"slot": "{poll_slot}", "version": "{versions[poll]}", "save_anyway": "1"},
        unknown="/polls/999999/pick",
    ),
    Route(
        "polls.close",
        "POST",
        "/polls/{poll}/close",
        EDITORS,
        {"version": "{versions[poll]}"},
        unknown="/polls/999999/close",
    ),
]

# Public holidays and the semester planner: a partner's holidays and the planner are public
# (internal events only for signed-in readers); a partner's region is the coordinators'.
ROUTES += [
    Route(
        "holidays.partner_holidays",
        "GET",
        "/partners/{host_code}/holidays",
        EVERYONE,
        unknown="/partners/NOPE/holidays",
    ),
    Route(
        "holidays.partner_holidays",
        "POST",
        "/partners/{other_code}/holidays",
        {COORD},
        {"region": "GE"},
        unknown="/partners/NOPE/holidays",
    ),
    Route("planner.semester", "GET", "/planner", EVERYONE),
    Route(
        "planner.semester", "GET", "/planner?semester=2", EVERYONE, unknown="/planner?semester=99"
    ),
    # Search: everyone searches; what each role finds is tested in tests/search.
    Route("search.results", "GET", "/search", EVERYONE),
    Route("search.results", "GET", "/search?q=citizen", EVERYONE),
    Route("search.results", "GET", "/search?q=citizen&kind=person&page=2", EVERYONE),
]


# Lists and their downloads: the same readers as the lists (the public gets public rows);
# the people directory's file only for accounts that read the directory.
ROUTES += [
    Route("events.list_events", "GET", "/events?when=past&sort=-host&size=50&page=3", EVERYONE),
    Route("events.list_events", "GET", "/events?when=all&q=x&sort=nonsense&size=7", EVERYONE),
    Route("events.events_csv", "GET", "/events.csv", EVERYONE),
    Route(
        "events.events_csv", "GET", "/events.csv?when=all&kind=study_visit&sort=status", EVERYONE
    ),
    Route("events.events_xlsx", "GET", "/events.xlsx?when=all", EVERYONE),
    Route("practices.list", "GET", "/practices?sort=-owner&size=25&page=2", EVERYONE),
    Route("practices.practices_csv", "GET", "/practices.csv?stage=studied", EVERYONE),
    Route("practices.practices_xlsx", "GET", "/practices.xlsx", EVERYONE),
    Route("people.list", "GET", "/people?sort=-kind&size=100&page=9", SIGNED_IN),
    Route("people.people_csv", "GET", "/people.csv?partner={host_partner}", SIGNED_IN),
    Route("people.people_xlsx", "GET", "/people.xlsx", SIGNED_IN),
]

# The report's figures as data: the workbook goes to whoever reads the PDF.
ROUTES += [
    Route(
        "reports.semester_xlsx",
        "GET",
        "/reports/semester/2.xlsx",
        READERS_OF_REPORTS,
        unknown="/reports/semester/99.xlsx",
    ),
]

# Submitted reports: coordinators submit; coordinators and funders read the versions.
ROUTES += [
    Route(
        "reports.submit",
        "POST",
        "/reports/semester/2/submit",
        {COORD},
        unknown="/reports/semester/99/submit",
    ),
    Route(
        "reports.versions",
        "GET",
        "/reports/semester/2/versions",
        READERS_OF_REPORTS,
        unknown="/reports/semester/99/versions",
    ),
    Route(
        "reports.version_pdf",
        "GET",
        "/reports/semester/2/v1.pdf",
        READERS_OF_REPORTS,
        unknown="/reports/semester/2/v9.pdf",
    ),
]

# Personal API tokens on the account page.


class _CoordinatorsToken(str):
    """The address revoking a token of the coordinator's, made when the case runs (`_format`
    calls it); it reads as the address in the cases' names."""

    def __call__(self) -> str:
        # Imported here to keep this block's edits inside it.
        from app.api.tokens import create_token

        coordinator = db.session.scalar(select(User).where(User.email == f"{COORD}@example.org"))
        token, _raw = create_token(coordinator, "Coordinator's script", "read")
        db.session.commit()
        return self.replace("{token}", str(token.id))


ROUTES += [
    # Every account makes tokens for itself; a funder's only read (write is a form error).
    Route("auth.create_api_token", "GET", "/account/api-tokens", SIGNED_IN),
    Route(
        "auth.create_api_token",
        "POST",
        "/account/api-tokens",
        SIGNED_IN,
        {"token-name": "Script", "token-scope": "read"},
    ),
    Route(
        "auth.create_api_token",
        "POST",
        "/account/api-tokens",
        PARTNER_EDITORS,
        {"token-name": "Script", "token-scope": "write"},
        refused={FUNDER: 400},
    ),
    Route(
        "auth.create_api_token",
        "POST",
        "/account/api-tokens",
        SIGNED_IN,
        {"token-name": "", "token-scope": "read"},
        bad_input=True,
    ),
    # Only its owner revokes a token: to every other account it is unknown (404).
    Route(
        "auth.revoke_api_token",
        "POST",
        _CoordinatorsToken("/account/api-tokens/{token}/revoke"),
        {COORD},
        refused={HOST: 404, OTHER: 404, FUNDER: 404},
        unknown="/account/api-tokens/999999/revoke",
    ),
]

# Importing a calendar file (.ics).
ICS_FOR_THE_ROLES = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
    "UID:roles@example.org\r\nSUMMARY:Imported\r\n"
    "DTSTART;TZID=Europe/Tallinn:20260310T100000\r\n"
    "DTEND;TZID=Europe/Tallinn:20260310T120000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
ROUTES += [
    Route("calendar_import.upload_form", "GET", "/events/import", {COORD}),
    Route(
        "calendar_import.upload",
        "POST",
        "/events/import",
        {COORD},
        {
            "file": lambda: (BytesIO(ICS_FOR_THE_ROLES.encode()), "calendar.ics"),
            "host": "{host_partner}",
            "kind": "local_event",
        },
    ),
    # Without the digest of a preview (`plan`) the coordinator is shown the preview again
    # (409), never an import; tests/calendar_import confirms real previews.
    Route(
        "calendar_import.confirm",
        "POST",
        "/events/import/confirm",
        {COORD},
        {
            "calendar": ICS_FOR_THE_ROLES,
            "host": "{host_partner}",
            "kind": "local_event",
            "plan": "",
        },
        bad_input=True,
    ),
]

# The JSON API (/api/v1): requests carry a write token of the role's account (no cookie);
# an anonymous caller is told 401, not sent to sign in.
API = "/api/v1"
API_SESSION = {"title": "Study tour", "start": "2026-03-05T11:00", "end": "2026-03-05T12:00"}
ROUTES += [
    Route("api.openapi", "GET", f"{API}/openapi.json", EVERYONE),
    Route("api.docs", "GET", f"{API}/docs", EVERYONE),
    Route("api.partners", "GET", f"{API}/partners", EVERYONE),
    Route("api.semesters", "GET", f"{API}/semesters", EVERYONE),
    Route("api.events", "GET", f"{API}/events", EVERYONE),
    Route("api.event", "GET", API + "/events/{event}", EVERYONE, unknown=f"{API}/events/999999"),
    Route("api.event", "GET", API + "/events/{internal}", SIGNED_IN, refused={ANON: 404}),
    Route("api.practices", "GET", f"{API}/practices", EVERYONE),
    Route("api.transfers", "GET", f"{API}/transfers", EVERYONE),
    Route(
        "api.indicators",
        "GET",
        f"{API}/semesters/2/indicators",
        SIGNED_IN,
        unknown=f"{API}/semesters/99/indicators",
    ),
    Route(
        "api.create_event",
        "POST",
        f"{API}/events",
        EDITORS,  # the other partner's editor may not schedule what the host partner hosts
        {
            "kind": "study_visit",
            "title": "Scheduled through the API",
            "host": "{host_code}",
            "start": "2026-04-14T10:00",
            "end": "2026-04-14T16:00",
            "participants": ["{other_code}"],
        },
    ),
    Route(
        "api.edit_event",
        "PATCH",
        API + "/events/{event}",
        EDITORS,
        {"title": "Changed through the API"},
        unknown=f"{API}/events/999999",
    ),
    Route(
        "api.postpone_event",
        "POST",
        API + "/events/{event}/postpone",
        EDITORS,
        unknown=f"{API}/events/999999/postpone",
    ),
    Route(
        "api.cancel_event",
        "POST",
        API + "/events/{event}/cancel",
        EDITORS,
        unknown=f"{API}/events/999999/cancel",
    ),
    Route(
        "api.add_session",
        "POST",
        API + "/events/{event}/sessions",
        EDITORS,
        API_SESSION,
        unknown=f"{API}/events/999999/sessions",
    ),
    Route(
        "api.replace_session",
        "PUT",
        API + "/events/{event}/sessions/{session}",
        EDITORS,
        API_SESSION,
        unknown=API + "/events/{event}/sessions/999999",
    ),
    Route(
        "api.remove_session",
        "DELETE",
        API + "/events/{event}/sessions/{session}",
        EDITORS,
        unknown=API + "/events/{event}/sessions/999999",
    ),
]


@dataclass
class World:
    event: int
    internal: int
    session: int
    host_partner: int
    other_partner: int
    third_partner: int
    host_code: str
    other_code: str
    practice: int  # public, owned by the host partner
    hidden_practice: int  # not public, owned by the host partner
    transfer: int  # the third partner imports `practice`
    group: int  # in the host partner's action plan
    action: int
    indicator: int
    attachment: int  # a file on `event`, stored in UPLOAD_DIR
    host_feed_token: str
    users: dict
    versions: dict  # what edit forms carry (app.versioning), by the name of the object
    removed_session: int = 0  # the log entry of a session removed from `event`
    person: int = 0  # a staff member of the host partner, with an e-mail address
    host_person: int = 0  # of the host partner, not registered
    registration: int = 0  # another of the host partner's people, registered for `event`

    outbox_message: int = 0  # the invitation of a Tartu contact person to `event`
    unsubscribe_token: str = ""  # that person's unsubscribe link

    poll: int = 0  # a date poll open on `event`, asking Tartu and Genoa
    poll_slot: int = 0  # its first candidate date
    poll_days: tuple = ()  # its candidate days (ISO), weeks ahead of today


def build_world() -> World:
    """Tartu hosts an event Genoa visits; one editor of each, a coordinator, a funder.

    Tartu owns a public and a non-public good practice (Gävle imports the public one) and
    has an action plan with one group and one action; the event has an outcome and a file.
    One commit: the table has hundreds of cases, each with its own world.
    """
    # Starting in August 2025, the events of March 2026 fall in semester 2.
    project = factories.project(start_date=date(2025, 8, 1))
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    gavle = factories.partner(project, "P3", "Gävle", "Europe/Stockholm", country="SE")
    event = factories.event(
        project, tartu, datetime(2026, 3, 5, 10), datetime(2026, 3, 5, 16), participants=[genoa]
    )
    event.sessions.append(
        EventSession(title="Welcome", starts_at=event.starts_at, ends_at=event.ends_at)
    )
    internal = factories.event(
        project, tartu, datetime(2026, 3, 9, 10), datetime(2026, 3, 9, 12), is_public=False
    )
    users = {}
    for role, stored_role, partner in (
        (COORD, "coordinator", genoa),
        (HOST, "partner", tartu),
        (OTHER, "partner", genoa),
        (FUNDER, "funder", None),
    ):
        # A hash nobody can match: these users are signed in through the session below.
        users[role] = User(
            email=f"{role}@example.org", role=stored_role, partner=partner, password_hash="!"
        )
        db.session.add(users[role])
    practice = GoodPractice(project=project, owner=tartu, title="Citizen folder", theme="Data")
    hidden = GoodPractice(project=project, owner=tartu, title="Draft idea", is_public=False)
    plan = ActionPlan(partner=tartu, title="Tartu regional action plan")
    group = ActionGroup(plan=plan, position=1, title="Internal processes")
    action = Action(group=group, position=1, title="Innovation unit", inspired_by_practice=practice)
    indicator = Indicator(project=project, code="PT", name="People trained", unit="people")
    db.session.add_all([practice, hidden, plan, group, action, indicator])
    db.session.add(PracticeEvent(practice=practice, event=event, role="presented"))
    db.session.add(Outcome(event=event, kind="lesson", text="Ask the citizens first"))
    person = create_person(tartu, "Mari Tamm", function="Project manager", email="mari@example.org")
    transfer = create_transfer(practice, gavle)  # flushes: ids from here on
    attachment = store_attachment(
        BytesIO(b"%PDF-1.4 minutes"), "minutes.pdf", category="minutes", event=event
    )
    db.session.commit()
    assert attachment_path(attachment).is_file()
    removed = EventSession(title="Coffee", starts_at=event.starts_at, ends_at=event.ends_at)
    event.sessions.append(removed)
    db.session.flush()
    remove_session(event, removed)
    db.session.commit()
    host_person = create_person(tartu, "Anneli Säälik")
    registration = register(event, tartu, create_person(tartu, "Mart Kask"))
    db.session.commit()
    removal = db.session.scalar(
        select(ActivityEntry).where(
            ActivityEntry.object_kind == "session", ActivityEntry.action == "removed"
        )
    )
    contact = Person(partner=tartu, name="Kadri", email="kadri@example.org", is_contact=True)
    db.session.add(contact)
    db.session.add(Registration(event=event, person=contact, partner=tartu))
    db.session.commit()
    outbox_message = db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
    # Version 1 of semester 2's report, as submitted (the bytes stand for the PDF).
    record_submission(project, 2, b"%PDF-1.7 world\n", {"participants": 0}, users[COORD])
    poll_days = [date.today() + timedelta(days=n) for n in (40, 47)]
    poll = open_poll(
        event, slots=[SlotInput(day) for day in poll_days], closes_on=poll_days[0] - timedelta(1)
    )
    db.session.commit()
    return World(
        poll=poll.id,
        poll_slot=poll.slots[0].id,
        poll_days=tuple(day.isoformat() for day in poll_days),
        outbox_message=outbox_message,
        unsubscribe_token=unsubscribe_token(contact.id),
        event=event.id,
        internal=internal.id,
        session=event.sessions[0].id,
        host_partner=tartu.id,
        other_partner=genoa.id,
        third_partner=gavle.id,
        host_code=tartu.code,
        other_code=genoa.code,
        practice=practice.id,
        hidden_practice=hidden.id,
        transfer=transfer.id,
        group=group.id,
        action=action.id,
        indicator=indicator.id,
        attachment=attachment.id,
        host_feed_token=users[HOST].feed_token,
        users={role: user.id for role, user in users.items()},
        versions={
            "event": version_of(event),
            "session": version_of(event.sessions[0]),
            "hidden_practice": version_of(hidden),
            "transfer": version_of(transfer),
            "plan": version_of(plan),
            "action": version_of(action),
            "indicator": version_of(indicator),
            "person": version_of(person),
            "registration": version_of(registration),
            "poll": version_of(poll),
        },
        removed_session=removal.id,
        person=person.id,
        host_person=host_person.id,
        registration=registration.id,
    )


def _format(value, world: World):
    if callable(value):  # a fresh file for each request
        return value()
    if isinstance(value, list):
        return [_format(v, world) for v in value]
    return value.format(**vars(world)) if isinstance(value, str) else value


def _is_api(url: str) -> bool:
    return url.startswith("/api/")


def _request(client, world: World, role: str, method: str, url: str, data: dict):
    # The tests' app context outlives a request: forget the user Flask-Login cached in `g`.
    g.pop("_login_user", None)
    payload = {_format(k, world): _format(v, world) for k, v in data.items()}
    if _is_api(url):
        headers = {}
        if role != ANON:
            scope = "read" if role == FUNDER else "write"  # a funder's tokens only read
            _token, raw = create_token(db.session.get(User, world.users[role]), "table", scope)
            db.session.commit()
            headers["Authorization"] = f"Bearer {raw}"
        body = payload if method not in ("GET", "DELETE") else None
        return client.open(_format(url, world), method=method, json=body, headers=headers)
    if role != ANON:
        with client.session_transaction() as session:
            factories.signed_in(session, world.users[role])
    return client.open(_format(url, world), method=method, data=payload or None)


def _is_refused(response) -> bool:
    to_login = response.status_code == 302 and "/login" in response.headers.get("Location", "")
    return response.status_code in (401, 403, 404) or to_login


CASES = [
    pytest.param(route, role, id=f"{route.method} {route.url} as {role}")
    for route in ROUTES
    for role in ROLES
]


@pytest.mark.parametrize(("route", "role"), CASES)
def test_role_by_route(app, client, route: Route, role: str):
    world = build_world()
    response = _request(client, world, role, route.method, route.url, route.data)
    if role in route.allowed:
        assert not _is_refused(response), (response.status_code, response.headers)
        assert response.status_code < 500
        if not route.bad_input:
            # Allowed means done: no form error, no refusal flashed by the service.
            assert response.status_code < 400, (response.status_code, response.text[:300])
            with client.session_transaction() as session:
                flashed = session.get("_flashes", [])
            assert [m for category, m in flashed if category == "error"] == []
    elif role in route.refused:
        assert response.status_code == route.refused[role]
    elif role == ANON and _is_api(route.url):
        assert response.status_code == 401, (response.status_code, response.text[:300])
    elif role == ANON:
        said = (response.status_code, response.headers.get("Location"), response.text[:300])
        assert response.status_code == 302, said
        assert response.headers["Location"].startswith("/login"), said
    else:
        assert response.status_code == 403, (response.status_code, response.text[:300])


UNKNOWN = [
    pytest.param(route, role, id=f"{route.method} {route.unknown} as {role}")
    for route in ROUTES
    if route.unknown
    for role in (ANON, COORD)
]


@pytest.mark.parametrize(("route", "role"), UNKNOWN)
def test_unknown_ids_answer_404(app, client, route: Route, role: str):
    world = build_world()
    response = _request(client, world, role, route.method, route.unknown, route.data)
    if role == ANON and ANON not in route.allowed and ANON not in route.refused:
        # Sent to sign in (told 401 by the API) before the id is looked up, or told 404:
        # either way the visitor learns nothing about which ids exist.
        to_login = response.headers.get("Location", "").startswith("/login")
        refused = response.status_code == 401 and _is_api(route.url)
        assert response.status_code == 404 or (response.status_code == 302 and to_login) or refused
    else:
        assert response.status_code == 404


def test_every_route_is_in_the_table(app):
    covered = {(r.endpoint, r.method) for r in ROUTES}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in COVERED_BLUEPRINTS:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert missing == []


def test_allowed_writes_really_change_the_event(app, client):
    """The table's 'allowed' is not just 'not refused': an editor's change is stored."""
    world = build_world()
    _request(
        client, world, HOST, "POST", "/events/{event}/cancel", {"version": "{versions[event]}"}
    )
    from app.events.models import Event

    db.session.expire_all()
    assert db.session.get(Event, world.event).status == "cancelled"
    _request(
        client,
        world,
        OTHER,
        "POST",
        "/events/{event}/attendance/{host_partner}",
        {
            "p{host_partner}-staff_count": "9",
            "p{host_partner}-stakeholder_count": "9",
            "p{host_partner}-version": "{versions[event]}",
        },
    )
    db.session.expire_all()
    assert db.session.get(Event, world.event).attendance == []


def test_the_public_reads_no_outcomes_or_evidence_of_a_public_event(app, client):
    world = build_world()
    for role, shown in ((ANON, False), (FUNDER, True)):
        page = _request(client, world, role, "GET", "/events/{event}", {}).text
        assert ("Ask the citizens first" in page) is shown, role
        assert ("minutes.pdf" in page) is shown, role
        assert ("Citizen folder" in page) is True, role  # the public practice it presented


def test_allowed_evidence_is_stored_and_refused_evidence_is_not(app, client):
    world = build_world()
    stored = set(Path(app.config["UPLOAD_DIR"]).iterdir())
    for role in (OTHER, FUNDER, ANON):
        _request(client, world, role, "POST", "/evidence/event/{event}", _evidence_form())
    assert set(Path(app.config["UPLOAD_DIR"]).iterdir()) == stored
    _request(client, world, HOST, "POST", "/evidence/event/{event}", _evidence_form())
    new = set(Path(app.config["UPLOAD_DIR"]).iterdir()) - stored
    assert [path.read_bytes() for path in new] == [PNG]
