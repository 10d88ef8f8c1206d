"""Writes the outbox in the transaction of the change that calls for a message.

A pair of session listeners, like the activity log's: before a flush they read what is
changing (registrations added, confirmed from the waiting list or removed; events created
or with a higher `revision`; people who opt out or are erased); after it, when new rows
have their ids, they write or merge `outbox_message` rows on the flush's own connection.
A change rolled back takes its messages with it, and no service has to remember to mail.

Batching: a message still waiting in its window (MAIL_BATCH_SECONDS), or written earlier
in the same transaction, for the same person and event takes the new change in: its change
list grows, its due time stays, and its subject, body and attachment are written again
from the event's latest state (and latest SEQUENCE).
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import and_, delete, event, or_, select, update
from sqlalchemy.orm import Session, attributes

from app.auth.permissions import can_receive_meeting_link
from app.db_types import utcnow
from app.delegations.models import Registration
from app.enums import EventStatus, RegistrationStatus
from app.events.models import Event, event_participant
from app.feeds.services import site_domain
from app.mail.messages import SNAPSHOT_FIELDS, compose, current_state, snapshot
from app.mail.models import MessageKind, MessageStatus, OutboxMessage
from app.partners.models import Person

REGISTERED = RegistrationStatus.REGISTERED.value
INTENTS_KEY = "mail_intents"
ENTRIES_KEY = "mail_entries"  # the event's feed entry, built once per language and flush
WRITTEN_KEY = "mail_written"  # (person_id, event_id) -> message id, this transaction
REASONS_KEY = "mail_reasons"  # event id -> why this transaction changes it (give_reason)
QUIET_KEY = "mail_quiet"  # events this transaction changes without a message (keep_quiet)


@dataclass
class Intent:
    """Something a flush does that some people must hear of."""

    kind: str  # "invite" | "withdraw" | "scheduled" | "changed" | "silence"
    event: Event | None = None
    event_id: int | None = None
    person: Person | None = None
    person_id: int | None = None
    old: dict = field(default_factory=dict)  # the event before the change
    erased: bool = False
    joined: list[int] = field(default_factory=list)  # partners now taking part
    left: list[int] = field(default_factory=list)  # partners no longer taking part


# --- Before the flush: what is changing ------------------------------------------------


def _old_value(obj, name: str):
    history = attributes.get_history(obj, name)
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return getattr(obj, name)


def _changed_to(obj, name: str) -> tuple | None:
    """(old, new) when the attribute changes in this flush."""
    history = attributes.get_history(obj, name)
    if not history.added:
        return None
    old = history.deleted[0] if history.deleted else None
    return old, history.added[0]


def _event_intent(item: Event) -> Intent | None:
    revision = _changed_to(item, "revision")
    if revision is None or (revision[0] or 0) >= revision[1]:
        return None
    old = snapshot({name: _old_value(item, name) for name in SNAPSHOT_FIELDS})
    new = current_state(item)
    differs = {name for name in SNAPSHOT_FIELDS if old[name] != new[name]}
    # Marked held: nothing for a traveller to do, and nothing their calendar must show.
    if differs == {"status"} and new["status"] == EventStatus.HELD:
        return None
    return Intent("changed", event=item, old=old)


def _partners_intent(item: Event) -> Intent | None:
    """Partners added to or taken off the event: their contact people get the entry, or
    lose it."""
    history = attributes.get_history(item, "participants")
    before = {p.id for p in (*history.unchanged, *history.deleted)}
    after = {p.id for p in (*history.unchanged, *history.added)}
    if before == after:
        return None
    return Intent(
        "partners", event=item, joined=sorted(after - before), left=sorted(before - after)
    )


def _registration_intent(session: Session, item: Registration) -> Intent | None:
    status = _changed_to(item, "status")
    if status is None:
        return None
    old, new = status
    if old is None:  # set without being loaded first (after a commit expired it)
        old = session.scalar(select(Registration.status).where(Registration.id == item.id))
    if new == RegistrationStatus.REGISTERED and old == RegistrationStatus.WAITING:
        return Intent("invite", event_id=item.event_id, person_id=item.person_id)
    if new == RegistrationStatus.WAITING and old == RegistrationStatus.REGISTERED:
        return Intent("withdraw", event_id=item.event_id, person_id=item.person_id)
    return None


def _person_intent(item: Person) -> Intent | None:
    erased = _changed_to(item, "erased_at")
    if erased is not None and erased[1] is not None:
        return Intent("silence", person_id=item.id, erased=True)
    wants = _changed_to(item, "wants_email")
    if wants is not None and not wants[1]:
        return Intent("silence", person_id=item.id)
    return None


def _before_flush(session: Session, _context, _instances) -> None:
    intents: list[Intent] = session.info.setdefault(INTENTS_KEY, [])
    quiet = {id(item) for item in session.info.get(QUIET_KEY, ())}
    with session.no_autoflush:
        for item in session.new:
            if isinstance(item, Event) and id(item) in quiet:
                continue
            if isinstance(item, Event):
                intents.append(Intent("scheduled", event=item))
            elif isinstance(item, Registration) and item.status in (None, REGISTERED):
                # None: the column's default, registered, is applied at the insert.
                intents.append(Intent("invite", event=item.event, person=item.person))
                intents[-1].event_id, intents[-1].person_id = item.event_id, item.person_id
        gone = {id(item) for item in session.deleted if isinstance(item, Event)}
        for item in session.deleted:
            if isinstance(item, Registration) and item.status == RegistrationStatus.REGISTERED:
                if item.event is not None and id(item.event) in gone:
                    continue
                intents.append(Intent("withdraw", event_id=item.event_id, person_id=item.person_id))
        for item in session.dirty:
            found = None
            if isinstance(item, Event) and id(item) in quiet:
                continue
            if isinstance(item, Event) and item not in session.deleted:
                found = _event_intent(item)
                partners = _partners_intent(item)
                if partners is not None:
                    intents.append(partners)
            elif isinstance(item, Registration):
                found = _registration_intent(session, item)
            elif isinstance(item, Person):
                found = _person_intent(item)
            if found is not None:
                intents.append(found)


def give_reason(session: Session, event: Event, reason: str) -> None:
    """Say why this transaction changes `event` (a reason registered with
    `messages.register_reason`): its update messages open with that reason's subject and
    line, and keep it when later changes merge into them."""
    session.info.setdefault(REASONS_KEY, {})[event.id] = reason


def keep_quiet(session: Session, event: Event) -> None:
    """Write no message about `event` for what this transaction does to it: the calendar
    import brings in events already over (nobody is to travel to them) and entries cancelled
    before anyone was told of them."""
    session.info.setdefault(QUIET_KEY, []).append(event)


# --- After the flush: who gets what ---------------------------------------------------


@dataclass
class Recipient:
    person: Person
    registered: bool


def _deliverable():
    return and_(
        Person.email.is_not(None),
        Person.email != "",
        Person.wants_email.is_(True),
        Person.erased_at.is_(None),
    )


def _registered_ids(session: Session, event_id: int) -> set[int]:
    return set(
        session.scalars(
            select(Registration.person_id).where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.REGISTERED.value,
            )
        )
    )


def recipients(session: Session, event_id: int) -> list[Recipient]:
    """The registered people of the event and the contact people of every partner taking
    part (the host included), once each, who want e-mail and have an address."""
    registered = _registered_ids(session, event_id)
    partners = select(event_participant.c.partner_id).where(
        event_participant.c.event_id == event_id
    )
    people = session.scalars(
        select(Person)
        .where(
            _deliverable(),
            or_(
                Person.id.in_(registered), and_(Person.is_contact, Person.partner_id.in_(partners))
            ),
        )
        .order_by(Person.id)
    ).all()
    return [Recipient(person, person.id in registered) for person in people]


def _one(session: Session, person_id: int, event_id: int) -> Recipient | None:
    person = session.scalars(select(Person).where(Person.id == person_id, _deliverable())).first()
    if person is None:
        return None
    return Recipient(person, person_id in _registered_ids(session, event_id))


def _is_contact_of(session: Session, person: Person, event_id: int) -> bool:
    if not person.is_contact:
        return False
    takes_part = select(event_participant.c.partner_id).where(
        event_participant.c.event_id == event_id,
        event_participant.c.partner_id == person.partner_id,
    )
    return session.scalar(select(takes_part.exists())) is True


def _after_flush_postexec(session: Session, _context) -> None:
    intents: list[Intent] = session.info.pop(INTENTS_KEY, [])
    if not intents or not has_app_context():
        return
    now = utcnow()
    try:
        with session.no_autoflush:
            for intent in intents:
                _carry_out(session, intent, now)
    finally:
        session.info.pop(ENTRIES_KEY, None)


def _carry_out(session: Session, intent: Intent, now: datetime) -> None:
    if intent.kind == "silence":
        _silence(session, intent.person_id, intent.erased)
        return
    if intent.kind in ("invite", "withdraw"):
        event_id = intent.event.id if intent.event is not None else intent.event_id
        person_id = intent.person_id or (intent.person.id if intent.person else None)
        found = _one(session, person_id, event_id) if person_id and event_id else None
        if found is None:
            return
        if intent.kind == "withdraw":
            if _is_contact_of(session, found.person, event_id):
                return  # still hears of the event as a contact: the entry stays
            found.registered = False
        event = session.get(Event, event_id)
        if event is None:
            return  # the event itself is gone
        kind = MessageKind.INVITATION if intent.kind == "invite" else MessageKind.WITHDRAWAL
        _write(session, event, found, kind, None, now)
        return
    event = intent.event
    if intent.kind == "partners":
        _partners_changed(session, intent, now)
        return
    kind = MessageKind.INVITATION if intent.kind == "scheduled" else MessageKind.UPDATE
    old = intent.old or None
    reason = session.info.get(REASONS_KEY, {}).get(event.id)
    if old is not None and reason:
        old = {**old, "reason": reason}
    for found in recipients(session, event.id):
        _write(session, event, found, kind, old, now)


def _partners_changed(session: Session, intent: Intent, now: datetime) -> None:
    event = intent.event
    registered = _registered_ids(session, event.id)
    for partner_ids, kind in (
        (intent.joined, MessageKind.INVITATION),
        (intent.left, MessageKind.WITHDRAWAL),
    ):
        if not partner_ids:
            continue
        contacts = session.scalars(
            select(Person)
            .where(_deliverable(), Person.is_contact, Person.partner_id.in_(partner_ids))
            .order_by(Person.id)
        )
        for person in contacts:
            if kind == MessageKind.WITHDRAWAL and person.id in registered:
                continue  # still coming: the entry stays
            found = Recipient(person, person.id in registered)
            _write(session, event, found, kind, None, now)


# --- Writing and merging -------------------------------------------------------------


def _window() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("MAIL_BATCH_SECONDS", 300)))


def _open_message(session: Session, person_id: int, event_id: int, now: datetime):
    """The message to this person about this event that may still take a change."""
    written = session.info.get(WRITTEN_KEY, {}).get((person_id, event_id))
    conditions = [OutboxMessage.due_at > now]
    if written is not None:
        conditions.append(OutboxMessage.id == written)
    table = OutboxMessage.__table__
    return (
        session.connection()
        .execute(
            select(table.c.id, table.c.kind, table.c.changes)
            .where(
                table.c.person_id == person_id,
                table.c.event_id == event_id,
                table.c.status == MessageStatus.PENDING.value,
                or_(*conditions),
            )
            .order_by(table.c.id.desc())
            .limit(1)
        )
        .first()
    )


def _merged_kind(before: str, now: MessageKind) -> MessageKind | None:
    """The kind of a waiting message that takes a new change; None: it has nothing left to
    say (an invitation not yet sent, then withdrawn)."""
    if now == MessageKind.WITHDRAWAL:
        return None if before == MessageKind.INVITATION else MessageKind.WITHDRAWAL
    if MessageKind.INVITATION in (before, now):
        return MessageKind.INVITATION  # they have not had the entry yet: it comes whole
    return MessageKind.UPDATE


def _write(session, event, found: Recipient, kind, old: dict | None, now: datetime) -> None:
    if event.status == EventStatus.HELD:
        return  # it is over: names recorded afterwards (for check-in) invite nobody
    person = found.person
    table = OutboxMessage.__table__
    connection = session.connection()
    existing = _open_message(session, person.id, event.id, now)
    changes = list(existing.changes or []) if existing is not None else []
    if old is not None:
        changes.append(old)
    if existing is not None:
        kind = _merged_kind(existing.kind, kind)
        if kind is None:
            connection.execute(
                update(table)
                .where(table.c.id == existing.id, table.c.status == MessageStatus.PENDING.value)
                .values(status=MessageStatus.WITHDRAWN.value, last_error="withdrawn before sending")
            )
            return
    content = compose(
        event,
        person,
        kind,
        changes,
        found.registered,
        can_receive_meeting_link(found.registered),
        session.info.setdefault(ENTRIES_KEY, {}),
    )
    values = dict(
        kind=kind.value,
        to_address=person.email,
        language=person.mail_language,
        subject=content.subject[:300],
        body=content.body,
        calendar=content.calendar,
        method=content.method,
        sequence=content.sequence,
        changes=changes,
    )
    if existing is not None:
        done = connection.execute(
            update(table)
            .where(table.c.id == existing.id, table.c.status == MessageStatus.PENDING.value)
            .values(**values)
        )
        if done.rowcount == 1:
            return
    inserted = connection.execute(
        table.insert().values(
            message_id=f"<outbox-{uuid.uuid4().hex}@{site_domain()}>",
            event_id=event.id,
            person_id=person.id,
            status=MessageStatus.PENDING.value,
            created_at=now,
            due_at=now + _window(),
            attempts=0,
            last_error="",
            **values,
        )
    )
    session.info.setdefault(WRITTEN_KEY, {})[(person.id, event.id)] = inserted.inserted_primary_key[
        0
    ]


def _silence(session: Session, person_id: int, erased: bool) -> None:
    """Someone who opts out, or is erased, gets nothing still waiting; an erased person's
    address leaves the outbox too."""
    table = OutboxMessage.__table__
    connection = session.connection()
    connection.execute(
        update(table)
        .where(
            table.c.person_id == person_id,
            table.c.status == MessageStatus.PENDING.value,
        )
        .values(status=MessageStatus.WITHDRAWN.value, last_error="the recipient opted out")
    )
    if erased:
        connection.execute(delete(table).where(table.c.person_id == person_id))


def _forget(session: Session, *_args) -> None:
    session.info.pop(INTENTS_KEY, None)
    session.info.pop(WRITTEN_KEY, None)
    session.info.pop(REASONS_KEY, None)
    session.info.pop(QUIET_KEY, None)


def init_app(_app) -> None:
    """Listen on every session (once per process: the listeners are module functions)."""
    for name, listener in (
        ("before_flush", _before_flush),
        ("after_flush_postexec", _after_flush_postexec),
        ("after_commit", _forget),
        ("after_rollback", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
