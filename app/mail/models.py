"""The outbox: every e-mail the app means to send, written in the transaction of the change
that causes it and sent later by the delivery worker (app/mail/delivery.py)."""

from datetime import datetime
from enum import StrEnum

from flask_babel import pgettext
from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.enums import one_of
from app.events.models import Event
from app.extensions import db
from app.partners.models import Person


class MessageKind(StrEnum):
    """Why a message is sent: an entry for the recipient's calendar, a change to it, or its
    removal from their calendar (their registration withdrawn); or, to a funder account, a
    submitted report's version is ready (a link, no calendar and no attachment)."""

    INVITATION = "invitation"
    UPDATE = "update"
    WITHDRAWAL = "withdrawal"
    REPORT = "report"


class CalendarMethod(StrEnum):
    """The iTIP method of the attachment: put or update the entry, or take it away."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


class MessageStatus(StrEnum):
    """Where a message stands: waiting (in its batching window or for a retry), taken by a
    worker, accepted by the SMTP server, written to the log (development), refused for good,
    or dropped before sending (the recipient opted out or was erased meanwhile)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    LOGGED = "logged"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "pending": pgettext("outbox status", "Waiting"),
            "sending": pgettext("outbox status", "Being sent"),
            "sent": pgettext("outbox status", "Sent"),
            "logged": pgettext("outbox status", "Written to the log"),
            "failed": pgettext("outbox status", "Refused by the server"),
            "withdrawn": pgettext("outbox status", "Not sent"),
        }[self.value]


class OutboxMessage(db.Model):
    """One e-mail to one person about one event, with its calendar attachment."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        one_of("kind", MessageKind),
        one_of("status", MessageStatus),
        one_of("method", CalendarMethod),
        Index("ix_outbox_message_status_due_at", "status", "due_at"),
        Index("ix_outbox_message_person_event", "person_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Fixed when written, sent unchanged on every attempt: a copy delivered twice (after a
    # crash between the server's acceptance and our record) is recognised by clients.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    calendar: Mapped[str] = mapped_column(Text)  # the .ics attachment
    method: Mapped[str] = mapped_column(String(10))  # iTIP: REQUEST or CANCEL
    sequence: Mapped[int]  # the event's revision when last written
    # What changed since the recipient's last message, as the event was before each change.
    changes: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # end of the batching window
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim: Mapped[str | None] = mapped_column(String(32))  # the worker's token while sending
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event | None] = relationship()
    person: Mapped[Person | None] = relationship()

    @property
    def status_enum(self) -> MessageStatus:
        return MessageStatus(self.status)
