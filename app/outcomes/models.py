"""Action plans and their actions, outcomes with indicator figures, attachments."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db_types import UTCDateTime, utcnow
from app.enums import ActionStatus, OutcomeKind, one_of
from app.extensions import db
from app.partners.models import Partner, Project


class ActionPlan(db.Model):
    """A partner's regional action plan and the policy instrument it improves."""

    __tablename__ = "action_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="RESTRICT"), unique=True
    )
    title: Mapped[str] = mapped_column(String(200))
    policy_instrument: Mapped[str] = mapped_column(String(300), default="")
    objective: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(server_default="1")  # app.versioning
    __mapper_args__ = {"version_id_col": version}

    partner: Mapped[Partner] = relationship()
    groups: Mapped[list["ActionGroup"]] = relationship(
        back_populates="plan", order_by="ActionGroup.position", cascade="all, delete-orphan"
    )


class ActionGroup(db.Model):
    __tablename__ = "action_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    objective: Mapped[str] = mapped_column(Text, default="")
    inspired_by: Mapped[str] = mapped_column(String(300), default="")  # partners named in the plan

    plan: Mapped[ActionPlan] = relationship(back_populates="groups")
    actions: Mapped[list["Action"]] = relationship(
        back_populates="group", order_by="Action.position", cascade="all, delete-orphan"
    )


class Action(db.Model):
    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
            name="end_after_start",
        ),
        one_of("status", ActionStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("action_group.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    inspired_by_practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("good_practice.id", ondelete="SET NULL")
    )
    owner: Mapped[str] = mapped_column(String(200), default="")  # who in the city carries it
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.PLANNED.value)
    results: Mapped[str] = mapped_column(Text, default="")  # results in figures, as words
    version: Mapped[int] = mapped_column(server_default="1")  # app.versioning
    __mapper_args__ = {"version_id_col": version}

    group: Mapped[ActionGroup] = relationship(back_populates="actions")
    inspired_by_practice: Mapped["GoodPractice | None"] = relationship()  # noqa: F821
    outcomes: Mapped[list["Outcome"]] = relationship(
        back_populates="action", cascade="all, delete-orphan"
    )

    @property
    def status_enum(self) -> ActionStatus:
        return ActionStatus(self.status)


class Indicator(db.Model):
    """A programme or project indicator; configured per project, with its target."""

    __tablename__ = "indicator"
    __table_args__ = (
        UniqueConstraint("project_id", "code"),
        CheckConstraint("target IS NULL OR target >= 0", name="target_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40), default="")
    target: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    version: Mapped[int] = mapped_column(server_default="1")  # app.versioning
    __mapper_args__ = {"version_id_col": version}

    project: Mapped[Project] = relationship()


class Outcome(db.Model):
    """What came out of an event or an action: a lesson, a decision, or an indicator figure."""

    __tablename__ = "outcome"
    __table_args__ = (
        CheckConstraint("(event_id IS NULL) <> (action_id IS NULL)", name="from_event_or_action"),
        CheckConstraint(
            "kind <> 'figure' OR (indicator_id IS NOT NULL AND value IS NOT NULL "
            "AND period_number IS NOT NULL)",
            name="figure_complete",
        ),
        CheckConstraint("value IS NULL OR value >= 0", name="value_not_negative"),
        one_of("kind", OutcomeKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("action.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", ondelete="RESTRICT")
    )
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    period_number: Mapped[int | None]  # the reporting period the figure counts for
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped["Event | None"] = relationship()  # noqa: F821
    action: Mapped[Action | None] = relationship(back_populates="outcomes")
    indicator: Mapped[Indicator | None] = relationship()


class Attachment(db.Model):
    """Evidence on file: stored outside the web root, served only to signed-in users."""

    __tablename__ = "attachment"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN event_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN practice_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_owner",
        ),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("good_practice.id", ondelete="CASCADE")
    )
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(30), default="other")  # agenda, minutes, ...
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
