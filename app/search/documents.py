"""Writes the search index: one `search_document` per event, practice, outcome and person.

A document holds what the object's readers see on its page, in three parts: the title
(ranked first), the body (the hit's excerpt comes from it) and keywords (found, never
shown: an event's kind in every language the interface speaks, so "õppevisiit" finds study
visits). Never an e-mail address, a phone number or a meeting link; an erased person has
no document and is no longer among an event's experts.

A pair of session listeners keep it in step, like the activity log's: before a flush they
note what changes (the object itself, or what its document quotes: a session, an expert,
a venue, a host, an indicator); after it they rewrite those documents with Core
statements on the flush's own connection, so the index commits or rolls back with the
change. Bulk writes that bypass the ORM (the benchmark's data) call `rebuild`, as does
`flask search reindex`.

Documents are read in batches with a fixed number of queries per batch, whatever the
number of sessions or experts.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from flask import has_app_context
from flask_babel import force_locale
from sqlalchemy import Connection, delete, event, func, insert, select, text
from sqlalchemy.orm import Session

from app.enums import EventKind
from app.events.models import Event, EventSession, event_participant, session_expert
from app.outcomes.models import Action, ActionGroup, ActionPlan, Indicator, Outcome
from app.partners.models import Partner, Person, Venue
from app.practices.models import GoodPractice
from app.search.models import FTS_TABLE, SearchDocument

PENDING_KEY = "search_pending"
BATCH = 500
SEPARATOR = " · "  # between the parts of a body (description, sessions, experts, place)

document = SearchDocument.__table__
events = Event.__table__
sessions = EventSession.__table__
partners = Partner.__table__
people = Person.__table__
venues = Venue.__table__
practices = GoodPractice.__table__
outcomes = Outcome.__table__
indicators = Indicator.__table__
actions = Action.__table__
groups = ActionGroup.__table__
plans = ActionPlan.__table__

_kind_words: dict[str, str] = {}


def kind_words(kind: str) -> str:
    """An event kind's label in every language of the interface ("Study visit Õppevisiit
    Tanulmányi látogatás ..."), once per process."""
    if kind not in _kind_words:
        from app.i18n import LANGUAGES

        labels = []
        for lang in LANGUAGES:
            with force_locale(lang):
                labels.append(str(EventKind(kind).label))
        _kind_words[kind] = " ".join(dict.fromkeys(labels))
    return _kind_words[kind]


def _join(*parts: str | None) -> str:
    return SEPARATOR.join(p.strip() for p in parts if p and p.strip())


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value or "")


def _row(kind: str, object_id: int, project_id: int, title: str, body: str, keywords: str = ""):
    return {
        "kind": kind,
        "object_id": object_id,
        "project_id": project_id,
        "title": _nfc(title),
        "body": _nfc(body),
        "keywords": _nfc(keywords),
    }


# --- What each kind's document says -----------------------------------------------------


def _event_documents(connection: Connection, ids: list[int]) -> list[dict]:
    """Title; description, sessions (titles, descriptions), their experts' names, the place
    (venue, address, free-text location, platform) and the host; as keywords the kind's
    names and the partners taking part."""
    agenda: dict[int, list[str]] = defaultdict(list)
    for row in connection.execute(
        select(sessions.c.event_id, sessions.c.title, sessions.c.description)
        .where(sessions.c.event_id.in_(ids))
        .order_by(sessions.c.event_id, sessions.c.starts_at, sessions.c.id)
    ):
        agenda[row.event_id] += [row.title, row.description]
    experts: dict[int, list[str]] = defaultdict(list)
    for row in connection.execute(
        select(sessions.c.event_id, people.c.name)
        .select_from(
            session_expert.join(sessions, sessions.c.id == session_expert.c.session_id).join(
                people, people.c.id == session_expert.c.person_id
            )
        )
        .where(sessions.c.event_id.in_(ids), people.c.erased_at.is_(None))
        .distinct()
        .order_by(sessions.c.event_id, people.c.name)
    ):
        experts[row.event_id].append(row.name)
    taking_part: dict[int, list[str]] = defaultdict(list)
    for row in connection.execute(
        select(event_participant.c.event_id, partners.c.name, partners.c.city)
        .join(partners, partners.c.id == event_participant.c.partner_id)
        .where(event_participant.c.event_id.in_(ids))
        .order_by(event_participant.c.event_id, partners.c.code)
    ):
        taking_part[row.event_id] += [row.city, row.name]
    rows = connection.execute(
        select(
            events.c.id,
            events.c.project_id,
            events.c.kind,
            events.c.title,
            events.c.description,
            events.c.location,
            events.c.online_platform,
            partners.c.name.label("host_name"),
            partners.c.city.label("host_city"),
            venues.c.name.label("venue_name"),
            venues.c.organisation.label("venue_organisation"),
            venues.c.address.label("venue_address"),
            venues.c.city.label("venue_city"),
        )
        .select_from(
            events.join(partners, partners.c.id == events.c.host_partner_id).outerjoin(
                venues, venues.c.id == events.c.venue_id
            )
        )
        .where(events.c.id.in_(ids))
    )
    found = []
    for row in rows:
        body = _join(
            row.description,
            *agenda[row.id],
            *experts[row.id],
            row.venue_name,
            row.venue_organisation,
            row.venue_address,
            row.venue_city,
            row.location,
            row.online_platform,
            row.host_name,
            row.host_city,
        )
        keywords = " ".join((kind_words(row.kind), *taking_part[row.id]))
        found.append(_row("event", row.id, row.project_id, row.title, body, keywords))
    return found


def _practice_documents(connection: Connection, ids: list[int]) -> list[dict]:
    """Title; theme, where, summary, problem, resources, evidence, transfer potential and
    the owner."""
    rows = connection.execute(
        select(practices, partners.c.name.label("owner_name"), partners.c.city.label("owner_city"))
        .select_from(practices.join(partners, partners.c.id == practices.c.owner_partner_id))
        .where(practices.c.id.in_(ids))
    )
    return [
        _row(
            "practice",
            row.id,
            row.project_id,
            row.title,
            _join(
                row.theme,
                row.location,
                row.summary,
                row.problem,
                row.resources,
                row.evidence_of_success,
                row.transfer_potential,
                row.owner_name,
                row.owner_city,
            ),
        )
        for row in rows
    ]


def _outcome_documents(connection: Connection, ids: list[int]) -> list[dict]:
    """No title of its own: the outcome's text, and its indicator's name as a keyword."""
    rows = connection.execute(
        select(
            outcomes.c.id,
            outcomes.c.text,
            indicators.c.name.label("indicator"),
            func.coalesce(events.c.project_id, partners.c.project_id).label("project_id"),
        )
        .select_from(
            outcomes.outerjoin(indicators, indicators.c.id == outcomes.c.indicator_id)
            .outerjoin(events, events.c.id == outcomes.c.event_id)
            .outerjoin(actions, actions.c.id == outcomes.c.action_id)
            .outerjoin(groups, groups.c.id == actions.c.group_id)
            .outerjoin(plans, plans.c.id == groups.c.plan_id)
            .outerjoin(partners, partners.c.id == plans.c.partner_id)
        )
        .where(outcomes.c.id.in_(ids))
    )
    return [
        _row("outcome", row.id, row.project_id, "", row.text, row.indicator or "")
        for row in rows
        if row.project_id is not None
    ]


def _person_documents(connection: Connection, ids: list[int]) -> list[dict]:
    """A person's name and function, nothing else (never the e-mail address or phone); an
    erased person has no document."""
    rows = connection.execute(
        select(people.c.id, people.c.name, people.c.function, partners.c.project_id)
        .select_from(people.join(partners, partners.c.id == people.c.partner_id))
        .where(people.c.id.in_(ids), people.c.erased_at.is_(None))
    )
    return [_row("person", row.id, row.project_id, row.name, row.function) for row in rows]


BUILDERS: dict[str, Callable[[Connection, list[int]], list[dict]]] = {
    "event": _event_documents,
    "practice": _practice_documents,
    "outcome": _outcome_documents,
    "person": _person_documents,
}
SOURCES = {"event": events, "practice": practices, "outcome": outcomes, "person": people}


def _batches(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted({i for i in ids if i is not None})
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def refresh(connection: Connection, kind: str, ids: Iterable[int]) -> None:
    """Rewrite the documents of these objects (dropping those of objects gone or erased)."""
    for batch in _batches(ids):
        connection.execute(
            delete(document).where(document.c.kind == kind, document.c.object_id.in_(batch))
        )
        rows = BUILDERS[kind](connection, batch)
        if rows:
            connection.execute(insert(document), rows)


def rebuild(connection: Connection) -> int:
    """The whole index written again from the database; returns the number of documents."""
    connection.execute(delete(document))
    for kind, table in SOURCES.items():
        ids = connection.scalars(select(table.c.id)).all()
        for batch in _batches(ids):
            rows = BUILDERS[kind](connection, batch)
            if rows:
                connection.execute(insert(document), rows)
    if connection.dialect.name == "sqlite":
        # The FTS5 table follows the documents through triggers; 'rebuild' also repairs it
        # should anything ever have written around them.
        connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
    return connection.scalar(select(func.count()).select_from(document))


def _sweep_outcomes(connection: Connection) -> None:
    """Documents of outcomes the database removed with their event or action (ON DELETE
    CASCADE: the session never sees those rows go)."""
    connection.execute(
        delete(document).where(
            document.c.kind == "outcome",
            document.c.object_id.not_in(select(outcomes.c.id)),
        )
    )


# --- Keeping it in step: the session listeners -----------------------------------------

#: What documents quote: a change to one rewrites the documents that quote it.
QUOTED = (Event, EventSession, GoodPractice, Outcome, Person, Venue, Partner, Indicator)
#: Deleting one of these removes outcomes in the database, out of the session's sight.
OUTCOME_PARENTS = (Event, Action, ActionGroup, ActionPlan)


def _before_flush(session: Session, _context, _instances) -> None:
    pending: dict = session.info.setdefault(
        PENDING_KEY, {"objects": [], "keys": defaultdict(set), "sweep": False}
    )
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, QUOTED):
                pending["objects"].append(obj)
        for obj in session.dirty:
            if isinstance(obj, QUOTED) and session.is_modified(obj):
                pending["objects"].append(obj)
        for obj in session.deleted:
            if isinstance(obj, (*QUOTED, *OUTCOME_PARENTS)):
                _deleted(session, obj, pending)


def _deleted(session: Session, obj, pending: dict) -> None:
    keys = pending["keys"]
    if isinstance(obj, OUTCOME_PARENTS):
        pending["sweep"] = True
    if isinstance(obj, Event):
        keys["event"].add(obj.id)
    elif isinstance(obj, EventSession):
        keys["event"].add(obj.event_id)
    elif isinstance(obj, GoodPractice):
        keys["practice"].add(obj.id)
    elif isinstance(obj, Outcome):
        keys["outcome"].add(obj.id)
    elif isinstance(obj, Person):
        keys["person"].add(obj.id)
    elif isinstance(obj, Venue):  # its events keep their rows (SET NULL), not its name
        keys["event"].update(session.scalars(select(Event.id).where(Event.venue_id == obj.id)))


def _keys_of(connection: Connection, obj, keys: dict[str, set]) -> None:
    """The documents that quote `obj`, now that the flush has given it its id."""
    if isinstance(obj, Event):
        keys["event"].add(obj.id)
    elif isinstance(obj, EventSession):
        keys["event"].add(obj.event_id)
    elif isinstance(obj, GoodPractice):
        keys["practice"].add(obj.id)
    elif isinstance(obj, Outcome):
        keys["outcome"].add(obj.id)
    elif isinstance(obj, Person):
        keys["person"].add(obj.id)
        keys["event"].update(
            connection.scalars(
                select(sessions.c.event_id)
                .join(session_expert, session_expert.c.session_id == sessions.c.id)
                .where(session_expert.c.person_id == obj.id)
            )
        )
    elif isinstance(obj, Venue):
        keys["event"].update(
            connection.scalars(select(events.c.id).where(events.c.venue_id == obj.id))
        )
    elif isinstance(obj, Partner):
        keys["event"].update(
            connection.scalars(select(events.c.id).where(events.c.host_partner_id == obj.id))
        )
        keys["practice"].update(
            connection.scalars(select(practices.c.id).where(practices.c.owner_partner_id == obj.id))
        )
    elif isinstance(obj, Indicator):
        keys["outcome"].update(
            connection.scalars(select(outcomes.c.id).where(outcomes.c.indicator_id == obj.id))
        )


def _after_flush_postexec(session: Session, _context) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if not pending or not has_app_context():
        return
    if not (pending["objects"] or pending["keys"] or pending["sweep"]):
        return
    connection = session.connection()
    keys = pending["keys"]
    for obj in pending["objects"]:
        _keys_of(connection, obj, keys)
    for kind, ids in keys.items():
        refresh(connection, kind, ids)
    if pending["sweep"]:
        _sweep_outcomes(connection)


def _forget(session: Session, *_args) -> None:
    session.info.pop(PENDING_KEY, None)


def init_app(_app) -> None:
    """Listen on every session (once per process: the listeners are module functions)."""
    for name, listener in (
        ("before_flush", _before_flush),
        ("after_flush_postexec", _after_flush_postexec),
        ("after_rollback", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
