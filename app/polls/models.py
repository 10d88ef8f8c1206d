"""A date poll on an event: candidate slots, the partners asked, and their answers."""

from datetime import date, datetime
from enum import StrEnum

from flask_babel import pgettext
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db_types import UTCDateTime, utcnow
from app.enums import one_of
from app.events.models import Event
from app.extensions import db
from app.partners.models import Partner
from app.timezones import in_zone


class PollStatus(StrEnum):
    """Open for answers; closed without a date; or a slot picked (the event has its date)."""

    OPEN = "open"
    CLOSED = "closed"
    PICKED = "picked"

    @property
    def label(self) -> str:
        return {
            "open": pgettext("poll status", "Open"),
            "closed": pgettext("poll status", "Closed without a date"),
            "picked": pgettext("poll status", "Date picked"),
        }[self.value]


class Answer(StrEnum):
    """What a partner says about one slot, for its whole delegation."""

    YES = "yes"
    IF_NEED_BE = "if_need_be"
    NO = "no"

    @property
    def label(self) -> str:
        return {
            "yes": pgettext("poll answer", "Yes"),
            "if_need_be": pgettext("poll answer", "If need be"),
            "no": pgettext("poll answer", "No"),
        }[self.value]


class DatePoll(db.Model):
    __tablename__ = "date_poll"
    __table_args__ = (one_of("status", PollStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The last day answers are taken, in the host's zone.
    closes_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=PollStatus.OPEN.value)
    picked_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("poll_slot.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic locking (app.versioning): a pick or close checks the version the page saw.
    version: Mapped[int] = mapped_column(server_default="1")
    __mapper_args__ = {"version_id_col": version}

    event: Mapped[Event] = relationship()
    opened_by: Mapped[User | None] = relationship()
    slots: Mapped[list["PollSlot"]] = relationship(
        back_populates="poll",
        order_by="PollSlot.starts_at",
        cascade="all, delete-orphan",
        foreign_keys="PollSlot.poll_id",
    )
    asked: Mapped[list["PollPartner"]] = relationship(
        back_populates="poll", cascade="all, delete-orphan"
    )
    picked_slot: Mapped["PollSlot | None"] = relationship(
        foreign_keys=[picked_slot_id], post_update=True
    )

    @property
    def status_enum(self) -> PollStatus:
        return PollStatus(self.status)

    @property
    def partners(self) -> list[Partner]:
        return sorted((row.partner for row in self.asked), key=lambda p: p.code)


class PollSlot(db.Model):
    """A candidate date: whole days (local midnights around them) or a span with times, in
    the host's zone, stored as UTC instants with the zone beside them."""

    __tablename__ = "poll_slot"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("date_poll.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    all_day: Mapped[bool] = mapped_column(default=False)

    poll: Mapped[DatePoll] = relationship(back_populates="slots", foreign_keys=[poll_id])
    answers: Mapped[list["PollAnswer"]] = relationship(
        back_populates="slot", cascade="all, delete-orphan"
    )

    @property
    def local_start(self) -> datetime:
        return in_zone(self.starts_at, self.timezone)

    @property
    def local_end(self) -> datetime:
        return in_zone(self.ends_at, self.timezone)


class PollPartner(db.Model):
    """A partner asked to answer the poll."""

    __tablename__ = "poll_partner"

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("date_poll.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="RESTRICT"), primary_key=True
    )

    poll: Mapped[DatePoll] = relationship(back_populates="asked")
    partner: Mapped[Partner] = relationship()


class PollAnswer(db.Model):
    """One partner's answer to one slot, for its delegation: one row per slot and partner."""

    __tablename__ = "poll_answer"
    __table_args__ = (one_of("answer", Answer),)

    slot_id: Mapped[int] = mapped_column(
        ForeignKey("poll_slot.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="RESTRICT"), primary_key=True
    )
    answer: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    slot: Mapped[PollSlot] = relationship(back_populates="answers")
    partner: Mapped[Partner] = relationship()
    answered_by: Mapped[User | None] = relationship()

    @property
    def answer_enum(self) -> Answer:
        return Answer(self.answer)
