"""Where each demo fact comes from: a document's words, the public record, or an assumption.

One generic table, written by the loader and read by pages, the report and the feeds:
a row names an object (its table and key), optionally one of its fields, and either the
file and the original words (with an English translation) or the reason it is assumed.
Quotes, translations and reasons are data about the demo, kept in the language they were
written in; only the words around them are translated (see app/demo/provenance.py).
"""

from enum import StrEnum

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import one_of
from app.extensions import db


class SourceKind(StrEnum):
    DOCUMENT = "document"  # one of the seed documents, quoted
    PUBLIC_RECORD = "public_record"  # BETTER's public record, not among the seeds
    ASSUMED = "assumed"  # the documents are silent: chosen for the demo, with the reason


class FactSource(db.Model):
    __tablename__ = "fact_source"
    __table_args__ = (
        one_of("kind", SourceKind),
        Index("ix_fact_source_object", "object_kind", "object_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    object_kind: Mapped[str] = mapped_column(String(40))  # the table name: "event", "action"
    # The primary key as text, "12"; a pair's keys joined: "3-7" (practice_event).
    object_key: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(60), default="")  # "" = the object as a whole
    kind: Mapped[str] = mapped_column(String(20))
    document: Mapped[str] = mapped_column(String(200), default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    translation: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")

    @property
    def is_assumed(self) -> bool:
        return self.kind == SourceKind.ASSUMED
