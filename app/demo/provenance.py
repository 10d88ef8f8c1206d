"""Writing and reading where demo facts come from (`FactSource`).

The loader notes each object's sources while it builds them (`Ledger`) and writes them
once the objects have ids. Pages read every source in one query per request, the first
time a template asks (`page_sources`), so a page's query count does not grow with its
rows; the report and the feeds ask `assumptions` once for the objects they show.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask import g, has_request_context
from sqlalchemy import inspect, select, tuple_

from app.demo.models import FactSource, SourceKind
from app.extensions import db


def object_key(obj) -> tuple[str, str]:
    """(table, key as text) of a persisted object: ("event", "3"), ("practice_event", "2-5")."""
    identity = inspect(obj).identity
    return obj.__tablename__, "-".join(str(part) for part in identity)


class Ledger:
    """The loader's notes: each source waits for its object's id, then becomes a row."""

    def __init__(self) -> None:
        self._notes: list[tuple[object, dict]] = []

    def doc(self, obj, document: str, quote: str, translation: str, field: str = "") -> None:
        self._add(
            obj, field, SourceKind.DOCUMENT, document=document, quote=quote, translation=translation
        )

    def record(self, obj, where: str, words: str, field: str = "") -> None:
        """BETTER's public record: `words` say what it says, in English."""
        self._add(
            obj, field, SourceKind.PUBLIC_RECORD, document=where, quote=words, translation=words
        )

    def assume(self, obj, reason: str, field: str = "") -> None:
        self._add(obj, field, SourceKind.ASSUMED, reason=reason)

    def _add(self, obj, field: str, kind: SourceKind, **values) -> None:
        self._notes.append((obj, {"field": field, "kind": kind.value, **values}))

    def write(self) -> None:
        db.session.flush()
        for obj, values in self._notes:
            kind, key = object_key(obj)
            db.session.add(FactSource(object_kind=kind, object_key=key, **values))
        self._notes.clear()


@dataclass
class Note:
    """The sources of one object shown on a page: its footnote number and its facts."""

    number: int
    label: str
    facts: list[FactSource] = field(default_factory=list)

    @property
    def assumed(self) -> list[FactSource]:
        return [f for f in self.facts if f.is_assumed]

    @property
    def partly(self) -> bool:
        """Only some of the object's fields are assumed (its hours, say), not the object."""
        return bool(self.assumed) and all(f.field for f in self.assumed)

    @property
    def reasons(self) -> str:
        return " ".join(f.reason for f in self.assumed)


class PageSources:
    """Every source, read once; `note` numbers the objects a page marks, in page order."""

    def __init__(self) -> None:
        self._by_object: dict[tuple[str, str], list[FactSource]] = defaultdict(list)
        for fact in db.session.scalars(select(FactSource).order_by(FactSource.id)):
            self._by_object[(fact.object_kind, fact.object_key)].append(fact)
        self.notes: dict[tuple[str, str], Note] = {}

    def note(self, kind: str, key, label: str = "") -> Note | None:
        facts = self._by_object.get((kind, str(key)))
        if not facts:
            return None
        if (kind, str(key)) not in self.notes:
            self.notes[(kind, str(key))] = Note(len(self.notes) + 1, label, facts)
        return self.notes[(kind, str(key))]


def page_sources() -> PageSources:
    """This request's sources (a Jinja global); read from the database on first use."""
    if "page_sources" not in g:
        g.page_sources = PageSources()
    return g.page_sources


def noted_sources() -> list[Note]:
    """The notes this page made, for its "Sources" list; nothing read if none was made."""
    if not has_request_context() or "page_sources" not in g:
        return []
    return list(g.page_sources.notes.values())


def assumptions(objects: list) -> dict[tuple[str, str], list[FactSource]]:
    """The assumed facts of `objects` (persisted models), in one query."""
    keys = [object_key(obj) for obj in objects]
    if not keys:
        return {}
    found: dict[tuple[str, str], list[FactSource]] = defaultdict(list)
    query = (
        select(FactSource)
        .where(FactSource.kind == SourceKind.ASSUMED.value)
        .where(tuple_(FactSource.object_kind, FactSource.object_key).in_(keys))
        .order_by(FactSource.id)
    )
    for fact in db.session.scalars(query):
        found[(fact.object_kind, fact.object_key)].append(fact)
    return found


def init_app(app) -> None:
    app.jinja_env.globals["page_sources"] = page_sources
    app.jinja_env.globals["noted_sources"] = noted_sources


def assumed_reasons(kinds: tuple[str, ...]) -> dict[tuple[str, str], list[str]]:
    """The reasons of every assumed fact about objects of `kinds`, in one query (feeds)."""
    query = (
        select(FactSource.object_kind, FactSource.object_key, FactSource.reason)
        .where(FactSource.kind == SourceKind.ASSUMED.value)
        .where(FactSource.object_kind.in_(kinds))
        .order_by(FactSource.id)
    )
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for kind, key, reason in db.session.execute(query):
        found[(kind, key)].append(reason)
    return found
