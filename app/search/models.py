"""The search index: one document per searchable object, and what each database adds.

`search_document` is the same table on both databases (written by `app.search.documents`).
Each database indexes it with its own full-text search, created by the migration and kept
out of the models (see `in_the_models`):

- SQLite: `search_fts`, an FTS5 table over the documents (external content, kept in sync
  by triggers), tokenized with `unicode61 remove_diacritics 2`;
- PostgreSQL: `search_document.search_vector`, a stored generated tsvector of the unaccented
  title (weight A), body (B) and keywords (C), with a GIN index.
"""

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

#: The kinds of object the index holds, in the order the results page shows them.
KINDS = ("event", "practice", "outcome", "person")

FTS_TABLE = "search_fts"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_search_document_search_vector"


class SearchDocument(db.Model):
    """The words of one event, practice, outcome or person, as its readers may see them:
    never an e-mail address or a phone number, nothing of an erased person."""

    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "object_id", name="uq_search_document_object"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # shown in the hit's excerpt
    keywords: Mapped[str] = mapped_column(Text, default="")  # found, never shown


def in_the_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's `include_name`: False for what the migration adds beside the models (the
    FTS5 table and its shadow tables, the tsvector column and its index), so comparing the
    schema with the models does not report them."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)
    if type_ == "column":
        return not (parent_names.get("table_name") == "search_document" and name == VECTOR_COLUMN)
    if type_ == "index":
        return name != VECTOR_INDEX
    return True
