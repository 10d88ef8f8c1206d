"""Records every change to a tracked object in the activity log, whoever makes it.

One pair of session listeners does it, so no service has to remember to log: before a
flush, the changes are read from each object's attribute history (column values and the
many-to-many collections, such as participants and session experts); after it, when new
rows have their ids, the entries are inserted on the flush's own connection. A change
rolled back therefore leaves no entry. Secrets are never written: a password or a private
calendar address is recorded as changed, never its value.
"""

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import click
from flask import Flask, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, attributes
from sqlalchemy.orm.base import PASSIVE_NO_INITIALIZE

from app.activity.models import ActivityEntry
from app.auth.models import SECOND_FACTOR_COLUMNS, User
from app.db_types import UTCDateTime, utcnow
from app.delegations.models import Registration
from app.events.models import Attendance, Event, EventSession
from app.extensions import db
from app.outcomes.models import Action, ActionGroup, ActionPlan, Attachment, Indicator, Outcome
from app.partners.models import Partner, Person, Venue
from app.polls.models import DatePoll, PollAnswer, PollSlot
from app.practices.models import GoodPractice, PracticeEvent, Transfer, TransferStageChange

PENDING_KEY = "activity_pending"
ACTOR_KEY = "activity_actor"
#: Bookkeeping columns: they change with every save and say nothing a reader needs.
NOT_RECORDED = frozenset(
    {"id", "project_id", "created_at", "updated_at", "revision", "version", "version_id"}
)


@dataclass(frozen=True)
class Tracked:
    """How one model appears in the log."""

    kind: str
    object_id: Callable[[Any], int]
    scope: Callable[[Any], tuple[str, int | None]]
    label: Callable[[Any], str]
    collections: tuple[str, ...] = ()
    hidden: frozenset[str] = frozenset()
    #: Secret columns: recorded by this name as "changed", never their value.
    secret: dict[str, str] = field(default_factory=dict)


def _outcome_scope(outcome: Outcome) -> tuple[str, int | None]:
    if outcome.event_id or outcome.event is not None:
        return "event", outcome.event_id or outcome.event.id
    action = outcome.action or db.session.get(Action, outcome.action_id)
    return "action_plan", action.group.plan_id or action.group.plan.id


def _attachment_scope(attachment: Attachment) -> tuple[str, int | None]:
    if attachment.event_id:
        return "event", attachment.event_id
    if attachment.practice_id:
        return "practice", attachment.practice_id
    action = db.session.get(Action, attachment.action_id)
    return "action_plan", action.group.plan_id if action else None


def _group_plan(group: ActionGroup) -> int | None:
    return group.plan_id or (group.plan.id if group.plan else None)


TRACKED: dict[type, Tracked] = {
    Event: Tracked(
        "event",
        lambda o: o.id,
        lambda o: ("event", o.id),
        lambda o: o.display_title,
        collections=("participants",),
    ),
    EventSession: Tracked(
        "session",
        lambda o: o.id,
        lambda o: ("event", o.event_id or o.event.id),
        lambda o: o.title,
        collections=("experts",),
    ),
    Attendance: Tracked(
        "attendance",
        lambda o: o.partner_id,
        lambda o: ("event", o.event_id or o.event.id),
        lambda o: f"Attendance of {(o.partner or db.session.get(Partner, o.partner_id)).city}",
        hidden=frozenset({"event_id"}),
    ),
    GoodPractice: Tracked(
        "practice", lambda o: o.id, lambda o: ("practice", o.id), lambda o: o.title
    ),
    PracticeEvent: Tracked(
        "practice_event",
        lambda o: o.event_id,
        lambda o: ("practice", o.practice_id),
        lambda o: f"At {(o.event or db.session.get(Event, o.event_id)).display_title}",
        hidden=frozenset({"practice_id"}),
    ),
    Transfer: Tracked(
        "transfer",
        lambda o: o.id,
        lambda o: ("practice", o.practice_id or o.practice.id),
        lambda o: f"Transfer to {o.importer.city}",
        hidden=frozenset({"practice_id"}),
    ),
    TransferStageChange: Tracked(
        "transfer_stage",
        lambda o: o.id,
        lambda o: ("practice", o.transfer.practice_id),
        lambda o: f"Transfer to {o.transfer.importer.city}",
        hidden=frozenset({"transfer_id", "changed_at", "changed_by_id"}),
    ),
    ActionPlan: Tracked(
        "action_plan", lambda o: o.id, lambda o: ("action_plan", o.id), lambda o: o.title
    ),
    ActionGroup: Tracked(
        "action_group",
        lambda o: o.id,
        lambda o: ("action_plan", _group_plan(o)),
        lambda o: o.title,
        hidden=frozenset({"plan_id"}),
    ),
    Action: Tracked(
        "action",
        lambda o: o.id,
        lambda o: ("action_plan", _group_plan(o.group)),
        lambda o: o.title,
    ),
    Outcome: Tracked("outcome", lambda o: o.id, _outcome_scope, lambda o: (o.text or o.kind)[:120]),
    Attachment: Tracked(
        "evidence",
        lambda o: o.id,
        _attachment_scope,
        lambda o: o.original_name,
        hidden=frozenset({"stored_name", "uploaded_at"}),
    ),
    Indicator: Tracked(
        "indicator", lambda o: o.id, lambda o: ("indicator", o.id), lambda o: o.code
    ),
    Person: Tracked(
        "person",
        lambda o: o.id,
        lambda o: ("person", o.id),
        lambda o: o.display_name,
        hidden=frozenset({"partner_id"}),
        # Contact data is personal: the log says it changed, never what it was or became.
        secret={"email": "e-mail address", "phone": "phone number"},
    ),
    Registration: Tracked(
        "registration",
        lambda o: o.id,
        lambda o: ("event", o.event_id or o.event.id),
        lambda o: (o.person or db.session.get(Person, o.person_id)).display_name,
        hidden=frozenset({"event_id", "registered_by_id", "registered_at"}),
    ),
    DatePoll: Tracked(
        "date_poll",
        lambda o: o.id,
        lambda o: ("event", o.event_id or o.event.id),
        lambda o: "Date poll",
        hidden=frozenset({"event_id", "opened_by_id", "picked_slot_id"}),
    ),
    PollAnswer: Tracked(
        "poll_answer",
        lambda o: o.slot_id,
        lambda o: ("event", (o.slot or db.session.get(PollSlot, o.slot_id)).poll.event_id),
        lambda o: f"Answer of {(o.partner or db.session.get(Partner, o.partner_id)).city}",
        hidden=frozenset({"slot_id", "answered_by_id", "answered_at"}),
    ),
    User: Tracked(
        "account",
        lambda o: o.id,
        lambda o: ("account", o.id),
        lambda o: o.name or o.email,
        # The second factor's columns: its security events say when it is switched on or off.
        hidden=frozenset(SECOND_FACTOR_COLUMNS),
        secret={
            "password_hash": "password",
            "feed_token": "private calendar address",
            "second_factor_key": "second factor",
            "second_factor_pending_key": "second factor being set up",
        },
    ),
}

#: The kinds of things the log tracks, as readers call them (the "What" filter).
KIND_LABELS = {
    "event": _l("Event"),
    "session": _l("Session"),
    "attendance": _l("Attendance"),
    "practice": _l("Good practice"),
    "practice_event": _l("Practice at an event"),
    "transfer": _l("Transfer"),
    "transfer_stage": _l("Transfer stage"),
    "action_plan": _l("Action plan"),
    "action_group": _l("Action group"),
    "action": _l("Action"),
    "outcome": _l("Outcome"),
    "evidence": _l("Evidence"),
    "indicator": _l("Indicator"),
    "account": _l("Account"),
    "person": _l("Person"),
    "registration": _l("Registration"),
    "date_poll": _l("Date poll"),
    "poll_answer": _l("Poll answer"),
    "report_submission": _l("Submitted report"),
}


def describe(obj) -> str:
    """A referenced object in words, as a reader knows it."""
    if isinstance(obj, Partner):
        return obj.city
    if isinstance(obj, Person):
        return obj.name
    if isinstance(obj, Venue):
        return str(obj)
    if isinstance(obj, Event):
        return obj.display_title
    if isinstance(obj, User):
        return obj.name or obj.email
    for name in ("title", "code", "name"):
        if getattr(obj, name, None):
            return str(getattr(obj, name))
    return f"#{inspect(obj).identity[0]}"


def json_value(value):
    """A column value as JSON: instants in ISO 8601 UTC, dates ISO, decimals as text."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return UTCDateTime().process_bind_param(value, None).isoformat() + "+00:00"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _columns(obj) -> list:
    return [p for p in inspect(obj).mapper.column_attrs]


def _referenced(session: Session, prop, value):
    """The label of the row a foreign-key column points at, or the raw value.

    Looked up in the session first (also among rows this very flush inserts, which the
    identity map holds only once the flush is over); the database only for the rest.
    """
    if value is None:
        return None
    column = prop.columns[0]
    for foreign_key in column.foreign_keys:
        mapper = next(
            (m for m in db.Model.registry.mappers if m.local_table is foreign_key.column.table),
            None,
        )
        if mapper is None:
            continue
        target = session.identity_map.get(mapper.identity_key_from_primary_key([value]))
        if target is None:
            target = next(
                (
                    o
                    for o in session.new
                    if isinstance(o, mapper.class_)
                    and mapper.primary_key_from_instance(o) == [value]
                ),
                None,
            )
        if target is None:
            with session.no_autoflush:
                target = session.get(mapper.class_, value)
        return describe(target) if target is not None else value
    return value


def _shown(session: Session, spec: Tracked, prop, value):
    if prop.key in spec.secret:
        return None
    if prop.columns[0].foreign_keys:
        return _referenced(session, prop, value)
    return json_value(value)


def _field(spec: Tracked, key: str) -> str:
    return spec.secret.get(key, key)


def _recorded(spec: Tracked, key: str) -> bool:
    return key not in NOT_RECORDED and key not in spec.hidden


def _collection_labels(items) -> list[str]:
    return sorted(describe(item) for item in items)


def _values_of(session: Session, obj, spec: Tracked) -> dict[str, list]:
    """Every recorded field of an object as [None, value]: what a creation sets."""
    state = inspect(obj)
    changes: dict[str, list] = {}
    for prop in _columns(obj):
        if not _recorded(spec, prop.key):
            continue
        value = state.dict.get(prop.key)
        if prop.key in spec.secret:
            if value:
                changes[_field(spec, prop.key)] = [None, "set"]
            continue
        if value is None or value == "" or value is False:  # unset, or a flag left off
            continue
        changes[prop.key] = [None, _shown(session, spec, prop, value)]
    for key in spec.collections:
        items = state.dict.get(key) or []
        if items:
            changes[key] = [None, _collection_labels(items)]
    return changes


def _stored(session: Session, obj, props: list) -> dict:
    """Values as the database holds them: the old values of attributes that were set
    without being loaded first (after a commit expired them)."""
    if not props:
        return {}
    mapper = inspect(obj).mapper
    key = inspect(obj).identity
    query = select(*[p.columns[0] for p in props]).where(
        *[column == value for column, value in zip(mapper.primary_key, key, strict=True)]
    )
    row = session.execute(query).one_or_none()
    return {p.key: value for p, value in zip(props, row or [None] * len(props), strict=True)}


def _changes_of(session: Session, obj, spec: Tracked) -> dict[str, list]:
    """The fields an update changes, as [old, new]."""
    changes: dict[str, list] = {}
    histories = {}
    for prop in _columns(obj):
        if not _recorded(spec, prop.key):
            continue
        history = attributes.get_history(obj, prop.key, passive=PASSIVE_NO_INITIALIZE)
        if history.added or history.deleted:
            histories[prop.key] = (prop, history)
    unloaded = [prop for prop, history in histories.values() if not history.deleted]
    stored = _stored(session, obj, unloaded)
    for prop, history in histories.values():
        old = history.deleted[0] if history.deleted else stored.get(prop.key)
        new = history.added[0] if history.added else None
        if old == new:
            continue
        if prop.key in spec.secret:
            changes[_field(spec, prop.key)] = [None, "changed"]
            continue
        changes[prop.key] = [_shown(session, spec, prop, old), _shown(session, spec, prop, new)]
    for key in spec.collections:
        history = attributes.get_history(obj, key, passive=PASSIVE_NO_INITIALIZE)
        if not history.added and not history.deleted:
            continue
        before = _collection_labels([*history.unchanged, *history.deleted])
        after = _collection_labels([*history.unchanged, *history.added])
        if before != after:
            changes[key] = [before, after]
    return changes


def snapshot_of(obj, spec: Tracked) -> dict:
    """What a removal takes away, raw, so that restoring can put it back."""
    # getattr, not the state's dict: a row expired by the last commit is loaded again.
    data = {
        prop.key: json_value(getattr(obj, prop.key))
        for prop in _columns(obj)
        if prop.key not in spec.secret
    }
    for key in spec.collections:
        data[key] = sorted(inspect(item).identity[0] for item in getattr(obj, key))
    return data


def _is_orphan(obj) -> bool:
    """Taken out of its parent's collection (delete-orphan): deleted by this flush."""
    state = inspect(obj)
    return state.has_identity and state.mapper._is_orphan(state)


def _actor() -> tuple[int | None, str]:
    """Who acts, as stored: the app's own actors in English, translated only when read
    (app.activity.views.ACTORS)."""
    if has_request_context():
        user = current_user._get_current_object() if current_user else None
        if user is not None and user.is_authenticated:
            return user.id, user.name or user.email
        return None, "Anonymous visitor"
    if click.get_current_context(silent=True) is not None:
        return None, "Command line"
    return None, "System"


@dataclass
class _Pending:
    obj: Any
    spec: Tracked
    action: str
    changes: dict = field(default_factory=dict)
    snapshot: dict | None = None
    row: dict | None = None  # identity, filled as soon as it is known


def _identity(pending: _Pending) -> dict:
    obj, spec = pending.obj, pending.spec
    scope_kind, scope_id = spec.scope(obj)
    return {
        "object_kind": spec.kind,
        "object_id": spec.object_id(obj),
        "scope_kind": scope_kind,
        "scope_id": scope_id,
        "label": (spec.label(obj) or "")[:300],
    }


def _stored_in_english(listener):
    """Labels and values the log keeps (an event's "Study visit: ..." title) are written
    in English, whatever language the page that saved them speaks; pages translate."""

    @functools.wraps(listener)
    def in_english(*args):
        with force_locale("en"):
            return listener(*args)

    return in_english


@_stored_in_english
def _before_flush(session: Session, _context, _instances) -> None:
    pending: list[_Pending] = []
    with session.no_autoflush:
        for obj in list(session.new):
            spec = TRACKED.get(type(obj))
            if spec is not None:
                pending.append(_Pending(obj, spec, _restored_or(obj, "created")))
        removed = [o for o in session.deleted if type(o) in TRACKED]
        removed += [o for o in session.dirty if type(o) in TRACKED and _is_orphan(o)]
        for obj in removed:
            spec = TRACKED[type(obj)]
            item = _Pending(obj, spec, "removed", snapshot=snapshot_of(obj, spec))
            created = _values_of(session, obj, spec)
            item.changes = {key: [values[1], None] for key, values in created.items()}
            item.row = _identity(item)
            pending.append(item)
        for obj in session.dirty:
            spec = TRACKED.get(type(obj))
            if spec is None or obj in removed or not session.is_modified(obj):
                continue
            changes = _changes_of(session, obj, spec)
            if changes:
                item = _Pending(obj, spec, "changed", changes)
                item.row = _identity(item)
                pending.append(item)
        if pending:
            session.info[ACTOR_KEY] = _actor()
    session.info[PENDING_KEY] = pending


def _restored_or(obj, action: str) -> str:
    return "restored" if getattr(obj, "_activity_restored", False) else action


@_stored_in_english
def _after_flush(session: Session, _context) -> None:
    pending: list[_Pending] = session.info.pop(PENDING_KEY, [])
    if not pending:
        return
    user_id, actor = session.info.pop(ACTOR_KEY, (None, "System"))
    now = utcnow()
    rows = []
    for item in pending:
        if item.row is None:  # created: ids and defaults are known only now
            item.changes = _values_of(session, item.obj, item.spec)
            item.row = _identity(item)
        if item.row["scope_id"] is None or item.row["object_id"] is None:
            continue
        rows.append(
            {
                **item.row,
                "at": now,
                "user_id": user_id,
                "actor": actor[:254],
                "action": item.action,
                "changes": json.dumps(item.changes, ensure_ascii=False, sort_keys=True),
                "snapshot": (
                    json.dumps(item.snapshot, ensure_ascii=False) if item.snapshot else None
                ),
            }
        )
    if rows:
        session.connection().execute(ActivityEntry.__table__.insert(), rows)


def _forget(session: Session, *_args) -> None:
    session.info.pop(PENDING_KEY, None)
    session.info.pop(ACTOR_KEY, None)


def init_app(_app: Flask) -> None:
    """Listen on every session (once per process: the listeners are module functions)."""
    for name, listener in (
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("after_rollback", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
