"""Good practices, where they were presented or studied, and their transfers."""

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.enums import PracticeRole, TransferStage, one_of
from app.extensions import db
from app.partners.models import Partner, Project


class GoodPractice(db.Model):
    """Fields follow what a programme's good-practice database asks for."""

    __tablename__ = "good_practice"
    __table_args__ = (
        CheckConstraint(
            "ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on",
            name="end_after_start",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    owner_partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(120), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")
    evidence_of_success: Mapped[str] = mapped_column(Text, default="")
    transfer_potential: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    links: Mapped[str] = mapped_column(Text, default="")  # one URL per line
    is_public: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(server_default="1")  # app.versioning
    __mapper_args__ = {"version_id_col": version}

    project: Mapped[Project] = relationship()
    owner: Mapped[Partner] = relationship()
    event_links: Mapped[list["PracticeEvent"]] = relationship(
        back_populates="practice", cascade="all, delete-orphan"
    )
    transfers: Mapped[list["Transfer"]] = relationship(
        back_populates="practice", cascade="all, delete-orphan"
    )


class PracticeEvent(db.Model):
    """A practice presented at an event, studied on a visit, or worked on in a workshop."""

    __tablename__ = "practice_event"
    __table_args__ = (one_of("role", PracticeRole),)

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("good_practice.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), default=PracticeRole.PRESENTED.value)

    practice: Mapped[GoodPractice] = relationship(back_populates="event_links")
    event: Mapped["Event"] = relationship()  # noqa: F821


class Transfer(db.Model):
    """One practice taken up by one importing partner (never its owner: checked in services)."""

    __tablename__ = "transfer"
    __table_args__ = (
        UniqueConstraint("practice_id", "importer_partner_id"),
        one_of("stage", TransferStage),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("good_practice.id", ondelete="CASCADE"), index=True
    )
    importer_partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    stage: Mapped[str] = mapped_column(String(30), default=TransferStage.IDENTIFIED.value)
    version: Mapped[int] = mapped_column(server_default="1")  # app.versioning
    __mapper_args__ = {"version_id_col": version}

    practice: Mapped[GoodPractice] = relationship(back_populates="transfers")
    importer: Mapped[Partner] = relationship()
    # In the order the steps happened (steps recorded on one day: in recording order).
    history: Mapped[list["TransferStageChange"]] = relationship(
        back_populates="transfer",
        order_by="(TransferStageChange.happened_on, TransferStageChange.id)",
        cascade="all, delete-orphan",
    )

    @property
    def stage_enum(self) -> TransferStage:
        return TransferStage(self.stage)


class TransferStageChange(db.Model):
    """The history of a transfer: each stage it reached, when, and what moved it."""

    __tablename__ = "transfer_stage_change"
    __table_args__ = (one_of("stage", TransferStage),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(
        ForeignKey("transfer.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(30))
    # The day the step happened (semester reports count it then) and, apart, the moment it
    # was recorded, so a late entry is dated right without rewriting when it was entered.
    happened_on: Mapped[date] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    transfer: Mapped[Transfer] = relationship(back_populates="history")
    event: Mapped["Event | None"] = relationship()  # noqa: F821
    action: Mapped["Action | None"] = relationship()  # noqa: F821

    @property
    def stage_enum(self) -> TransferStage:
        return TransferStage(self.stage)


@event.listens_for(TransferStageChange, "before_insert")
def _date_undated_step(_mapper, _connection, target: TransferStageChange) -> None:
    """A step given only the moment it was recorded happened that (UTC) day."""
    if target.happened_on is None:
        target.happened_on = (target.changed_at or utcnow()).astimezone(UTC).date()
