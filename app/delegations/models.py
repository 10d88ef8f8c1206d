"""Registrations of people for events, and the limits coordinators set on them."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.enums import RegistrationStatus, one_of
from app.events.models import Event
from app.extensions import db
from app.partners.models import Partner, Person


class RegistrationPolicy(db.Model):
    """An event's registration rules: a capacity for the whole event and a deadline after
    which only the coordinator changes the list. No row: no limits."""

    __tablename__ = "registration_policy"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    capacity: Mapped[int | None]
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(server_default="1")
    __mapper_args__ = {"version_id_col": version}

    event: Mapped[Event] = relationship()


class DelegationLimit(db.Model):
    """How many people one partner may bring to an event."""

    __tablename__ = "delegation_limit"
    __table_args__ = (CheckConstraint("capacity > 0", name="capacity_positive"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="RESTRICT"), primary_key=True
    )
    capacity: Mapped[int]

    event: Mapped[Event] = relationship()
    partner: Mapped[Partner] = relationship()


class Registration(db.Model):
    """One person in a partner's delegation to an event.

    Over a capacity the person goes on the waiting list (`status` waiting), in the order of
    `registered_at`. After the event `checked_in_at` says they came; the partner's attendance
    figures are then counted from check-in.
    """

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        one_of("status", RegistrationStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    # The delegation it belongs to: the person's partner when registered.
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(120), default="")  # at the event: "speaker"
    # The event's days (local dates) the person attends; empty: every day.
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=RegistrationStatus.REGISTERED.value)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(server_default="1")
    __mapper_args__ = {"version_id_col": version}

    event: Mapped[Event] = relationship()
    person: Mapped[Person] = relationship()
    partner: Mapped[Partner] = relationship()

    @property
    def status_enum(self) -> RegistrationStatus:
        return RegistrationStatus(self.status)

    @property
    def attending_days(self) -> list[date]:
        return [date.fromisoformat(day) for day in self.days or []]

    @property
    def checked_in(self) -> bool:
        return self.checked_in_at is not None
