"""Search: which events, practices, outcomes and people match a few words, best first.

One service over each database's own full-text search of `search_document`
(`app.search.models`): SQLite's FTS5 (`unicode61 remove_diacritics 2`, ranked by bm25 with
the title weighed 10 to the body's 1) and PostgreSQL's stored tsvector (unaccented by the
migration's `search_words`, GIN index, ranked by ts_rank with the title at weight A, the
body at B). Both ignore accents
and case, and both read each word as a prefix ("nyireg" finds Nyíregyháza); every word
must match.

What a reader gets is what they may read: each kind's query joins the object itself and
applies the visibility its own list applies (`events.queries.visible`, a practice's
`is_public`, no erased person), and only the kinds `permissions.can_search` allows.
One statement per kind shown (its page of hits and, by a window function, their number),
whatever the number of rows; highlighting is done here, in Python, the same way for both
databases.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import Select, false, func, literal, literal_column, or_, select, table
from sqlalchemy import column as sa_column
from sqlalchemy.orm import joinedload

from app.auth.permissions import can_search, can_see_internal
from app.enums import OutcomeKind
from app.errors import DomainError
from app.events.models import Event
from app.events.queries import visible
from app.extensions import db
from app.formatting import format_number
from app.outcomes.models import Action, ActionGroup, ActionPlan, Outcome
from app.partners.models import Person, Project
from app.practices.models import GoodPractice
from app.search.models import FTS_TABLE, KINDS, VECTOR_COLUMN, SearchDocument
from app.template_helpers import event_dates

PER_PAGE = 20
MAX_LENGTH = 200
MAX_WORDS = 10
EXCERPT = 180  # characters of a body shown around its first match
WORD = re.compile(r"[^\W_]+")

document = SearchDocument.__table__
fts = table(FTS_TABLE, sa_column("rowid"))


# --- Words: folding accents and case, the same way the databases do --------------------


def fold(text: str) -> tuple[str, list[int]]:
    """`text` without accents, in lower case, and for each character of the result the
    index of the character of `text` it comes from ("Gävle" -> "gavle")."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(unicodedata.normalize("NFC", text)):
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(part):
                continue
            for lower in part.lower():
                folded.append(lower)
                origin.append(index)
    return "".join(folded), origin


def query_words(q: str) -> list[str]:
    """The words searched for, folded ("Nyíregyháza Gävle" -> ["nyiregyhaza", "gavle"])."""
    return list(dict.fromkeys(WORD.findall(fold(q or "")[0])))[:MAX_WORDS]


def check_query(q: str) -> list[str]:
    """The words of `q`, or DomainError when it is too long to be a search."""
    if len(q) > MAX_LENGTH:
        raise DomainError(
            _("Search for at most %(count)d characters.", count=MAX_LENGTH), field="q"
        )
    if len(set(WORD.findall(fold(q)[0]))) > MAX_WORDS:
        raise DomainError(_("Search for at most %(count)d words.", count=MAX_WORDS), field="q")
    return query_words(q)


# --- Matching: each database's full-text search ----------------------------------------


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _fts_query(words: list[str], kind: str | None = None) -> str:
    """An FTS5 query: every word, each as a prefix, in the title, body or keywords, and
    the kind when given (kind : "event" AND {title body keywords} : ("gavle"* "tartu"*)).
    Words are letters and digits only, so quoting them is enough."""
    wanted = "{title body keywords} : (" + " ".join(f'"{word}"*' for word in words) + ")"
    return f'kind : "{kind}" AND {wanted}' if kind else wanted


def _tsquery(words: list[str]):
    """A tsquery of every word as a prefix, unaccented like the index (gavle:* & tartu:*)."""
    joined = " & ".join(f"{word}:*" for word in words)
    return func.to_tsquery(
        literal_column("'simple'::regconfig"), func.search_unaccent(literal(joined))
    )


def _fts_match():
    return literal_column(FTS_TABLE).op("MATCH")


def _vector():
    return literal_column(f"search_document.{VECTOR_COLUMN}")


class Ranked(NamedTuple):
    """A kind's matching documents in a project: FROM clause and its columns."""

    from_: object
    document_id: object
    object_id: object
    rank: object  # lower is better


def _ranked(kind: str, project: Project, words: list[str]) -> Ranked:
    """The project's documents of `kind` with every word, ranked in a materialized CTE on
    narrow rows. SQLite: bm25() works only while FTS5 scans its own table (title 10, body 1,
    keywords 0.5), so the documents are joined after. PostgreSQL: ts_rank (title A, body B,
    keywords C) reads each match's stored tsvector once, never in the sort or window above."""
    if _postgres():
        wanted = _tsquery(words)
        ranked = (
            select(
                document.c.id.label("document_id"),
                document.c.object_id.label("object_id"),
                (-func.ts_rank(_vector(), wanted)).label("rank"),
            )
            .where(
                document.c.kind == kind,
                document.c.project_id == project.id,
                _vector().op("@@")(wanted),
            )
            .cte(f"ranked_{kind}")
            .prefix_with("MATERIALIZED")
        )
        return Ranked(ranked, ranked.c.document_id, ranked.c.object_id, ranked.c.rank)
    ranked = (
        select(
            fts.c.rowid.label("document_id"),
            func.bm25(literal_column(FTS_TABLE), 0.0, 10.0, 1.0, 0.5).label("rank"),
        )
        .where(_fts_match()(literal(_fts_query(words, kind))))
        .cte(f"ranked_{kind}")
        .prefix_with("MATERIALIZED")
    )
    from_ = ranked.join(
        document,
        (document.c.id == ranked.c.document_id) & (document.c.project_id == project.id),
    )
    return Ranked(from_, ranked.c.document_id, document.c.object_id, ranked.c.rank)


def matching_ids(kind: str, q: str) -> Select:
    """The ids of the objects of `kind` ("event", "practice", "outcome", "person") whose
    document has every word of `q` (accents and case ignored, each word a prefix), as a
    subquery for a list's own filters and visibility:
    `select(Event).where(Event.id.in_(matching_ids("event", q)))`. No words: nothing."""
    words = query_words(q)
    query = select(document.c.object_id).where(document.c.kind == kind)
    if not words:
        return query.where(false())
    if _postgres():
        return query.where(_vector().op("@@")(_tsquery(words)))
    found = select(fts.c.rowid).where(_fts_match()(literal(_fts_query(words, kind))))
    return query.where(document.c.id.in_(found))


# --- Highlighting ----------------------------------------------------------------------


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where in `text` the words found start a word (accents and case ignored)."""
    folded, origin = fold(text)
    found = []
    for match in WORD.finditer(folded):
        if any(match.group().startswith(word) for word in words):
            found.append((origin[match.start()], origin[match.end() - 1] + 1))
    return found


def highlight(text: str, words: list[str]) -> Markup:
    """`text`, escaped, with each word found in <mark>."""
    text = unicodedata.normalize("NFC", text or "")
    out, last = [], 0
    for start, end in _spans(text, words):
        out += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end])]
        out.append(Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def excerpt(text: str, words: list[str], size: int = EXCERPT) -> Markup:
    """About `size` characters of `text` around its first word found (or its beginning),
    cut at spaces, highlighted."""
    text = unicodedata.normalize("NFC", text or "")
    if len(text) <= size:
        return highlight(text, words)
    spans = _spans(text, words)
    first = spans[0][0] if spans else 0
    start = max(0, first - size // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    lead = "… " if start else ""
    tail = " …" if end < len(text) else ""
    return escape(lead) + highlight(text[start:end], words) + escape(tail)


# --- Results ---------------------------------------------------------------------------


@dataclass
class Hit:
    url: str
    title: Markup
    excerpt: Markup
    details: str  # kind, date, city: what tells two hits apart


@dataclass
class Group:
    kind: str
    heading: str
    total: int
    page: int
    hits: list[Hit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def heading(kind: str, total: int) -> str:
    """A group's heading with its number of hits: "Events (1,234)"."""
    count = format_number(total)
    return {
        # Translators: a group of search results with its number of hits, "Events (12)".
        "event": _("Events (%(count)s)", count=count),
        "practice": _("Good practices (%(count)s)", count=count),
        "outcome": _("Outcomes (%(count)s)", count=count),
        "person": _("People (%(count)s)", count=count),
    }[kind]


def readable_kinds(user=None) -> list[str]:
    """The kinds this reader's search covers, in the page's order."""
    return [kind for kind in KINDS if can_search(kind, user)]


def _page_of(kind: str, query: Select, ranked: Ranked, page: int):
    """One page of a kind's hits, best first: (object, body, number of hits) rows.

    The matches are ranked and counted on narrow rows (ids and rank); only the page's
    objects are then read whole, with what their hits show (LOADS)."""
    model = MODELS[kind]
    top = (
        query.with_only_columns(
            ranked.document_id.label("document_id"),
            ranked.object_id.label("object_id"),
            ranked.rank.label("rank"),
            func.count().over().label("total"),
        )
        .order_by(ranked.rank, ranked.object_id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .subquery("top")
    )
    return db.session.execute(
        select(model, document.c.body, top.c.total)
        .join(top, top.c.object_id == model.id)
        .join(document, document.c.id == top.c.document_id)
        .options(*LOADS[kind])
        .order_by(top.c.rank, top.c.object_id)
    ).all()


def _matches(kind: str, project: Project, words: list[str]):
    """The project's documents of `kind` with every word, joined to their objects."""
    ranked = _ranked(kind, project, words)
    model = MODELS[kind]
    query = select(model.id).select_from(ranked.from_).join(model, model.id == ranked.object_id)
    return query, ranked


def _event_query(project: Project, words: list[str], internal: bool):
    query, ranked = _matches("event", project, words)
    return visible(query, internal), ranked


def _event_hit(item: Event, body: str, words: list[str]) -> Hit:
    return Hit(
        url_for("events.detail", event_id=item.id),
        highlight(item.display_title, words),
        excerpt(body, words),
        " · ".join(
            (item.kind_enum.label, event_dates(item), item.host.city, item.status_enum.label)
        ),
    )


def _practice_query(project: Project, words: list[str], internal: bool):
    query, ranked = _matches("practice", project, words)
    if not internal:
        query = query.where(GoodPractice.is_public.is_(True))
    return query, ranked


def _practice_hit(item: GoodPractice, body: str, words: list[str]) -> Hit:
    return Hit(
        url_for("practices.detail", practice_id=item.id),
        highlight(item.title, words),
        excerpt(body, words),
        " · ".join(part for part in (item.owner.city, item.theme) if part),
    )


def _outcome_query(project: Project, words: list[str], internal: bool):
    query, ranked = _matches("outcome", project, words)
    query = query.outerjoin(Event, Event.id == Outcome.event_id)
    if not internal:
        query = query.where(or_(Outcome.event_id.is_(None), Event.is_public.is_(True)))
    return query, ranked


def _outcome_hit(item: Outcome, body: str, words: list[str]) -> Hit:
    """An outcome is read on its event's outcomes page or on its action plan."""
    if item.event is not None:
        url = url_for("outcomes.event_page", event_id=item.event_id)
        where = item.event.display_title
    else:
        plan = item.action.group.plan
        url = url_for("outcomes.action_plan", partner_code=plan.partner.code)
        where = f"{plan.partner.city}: {item.action.title}"
    return Hit(url, highlight(where, words), excerpt(body, words), OutcomeKind(item.kind).label)


def _person_query(project: Project, words: list[str], _internal: bool):
    query, ranked = _matches("person", project, words)
    return query.where(Person.erased_at.is_(None)), ranked


def _person_hit(item: Person, body: str, words: list[str]) -> Hit:
    """Name and function only; the directory of the person's partner lists them."""
    return Hit(
        url_for("people.list", partner=item.partner_id),
        highlight(item.name, words),
        highlight(body, words),
        " · ".join((item.partner.city, item.kind_enum.label)),
    )


MODELS = {"event": Event, "practice": GoodPractice, "outcome": Outcome, "person": Person}
#: What each kind's hit shows beside the object itself, loaded with the page's objects.
LOADS = {
    "event": (joinedload(Event.host),),
    "practice": (joinedload(GoodPractice.owner),),
    "outcome": (
        joinedload(Outcome.event),
        joinedload(Outcome.action)
        .joinedload(Action.group)
        .joinedload(ActionGroup.plan)
        .joinedload(ActionPlan.partner),
    ),
    "person": (joinedload(Person.partner),),
}
SEARCHES = {
    "event": (_event_query, _event_hit),
    "practice": (_practice_query, _practice_hit),
    "outcome": (_outcome_query, _outcome_hit),
    "person": (_person_query, _person_hit),
}


def search(
    project: Project,
    q: str,
    kinds: list[str],
    *,
    include_internal: bool,
    page: int = 1,
) -> list[Group]:
    """Each kind's page of hits for `q`, best first, with the number of hits of the kind.
    Raises DomainError for a query too long to be a search; no words: no groups."""
    words = check_query(q)
    if not words:
        return []
    groups = []
    for kind in kinds:
        build, to_hit = SEARCHES[kind]
        query, ranked = build(project, words, include_internal)
        rows = _page_of(kind, query, ranked, page)
        if rows:
            total = rows[0].total
        elif page > 1:  # past the last page: still say how many there are
            total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        else:
            total = 0
        hits = [to_hit(item, body, words) for item, body, _total in rows]
        groups.append(Group(kind, heading(kind, total), total, page, hits))
    return groups


def search_for_reader(project: Project, q: str, kind: str | None, page: int) -> list[Group]:
    """`search` over what the current reader may read (one kind, or all they may)."""
    kinds = readable_kinds()
    if kind in kinds:
        kinds = [kind]
    return search(project, q, kinds, include_internal=can_see_internal(), page=page)
