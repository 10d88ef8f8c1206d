"""Page queries for action plans, outcomes and evidence, eager-loaded (fixed query counts)."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.outcomes.models import Action, ActionGroup, ActionPlan, Attachment, Indicator, Outcome
from app.partners.models import Partner, Project
from app.practices.models import GoodPractice


def plans(project: Project) -> dict[int, ActionPlan]:
    """Each partner's plan (partner id -> plan) with groups and actions loaded."""
    rows = db.session.scalars(
        select(ActionPlan)
        .join(ActionPlan.partner)
        .where(Partner.project_id == project.id)
        .options(selectinload(ActionPlan.groups).selectinload(ActionGroup.actions))
    )
    return {plan.partner_id: plan for plan in rows}


def plan_page(partner: Partner) -> ActionPlan | None:
    return db.session.scalar(
        select(ActionPlan)
        .where(ActionPlan.partner_id == partner.id)
        .options(
            selectinload(ActionPlan.partner),
            selectinload(ActionPlan.groups)
            .selectinload(ActionGroup.actions)
            .selectinload(Action.inspired_by_practice)
            .selectinload(GoodPractice.owner),
            selectinload(ActionPlan.groups)
            .selectinload(ActionGroup.actions)
            .selectinload(Action.outcomes)
            .selectinload(Outcome.indicator),
        )
    )


def attachments_by(column, ids: list[int]) -> dict[int, list[Attachment]]:
    """Attachments of many objects in one query: object id -> its attachments."""
    found: dict[int, list[Attachment]] = {i: [] for i in ids}
    if ids:
        for attachment in db.session.scalars(
            select(Attachment).where(column.in_(ids)).order_by(Attachment.uploaded_at)
        ):
            found[getattr(attachment, column.key)].append(attachment)
    return found


def event_outcomes(event_id: int) -> list[Outcome]:
    return list(
        db.session.scalars(
            select(Outcome)
            .where(Outcome.event_id == event_id)
            .options(selectinload(Outcome.indicator))
            .order_by(Outcome.created_at, Outcome.id)
        )
    )


def indicators(project: Project) -> list[Indicator]:
    return list(
        db.session.scalars(
            select(Indicator).where(Indicator.project_id == project.id).order_by(Indicator.code)
        )
    )


def figures_for(project: Project, period_number: int) -> list[Outcome]:
    """The recorded figures behind a semester's indicator table (to trace each figure)."""
    return list(
        db.session.scalars(
            select(Outcome)
            .join(Outcome.indicator)
            .where(
                Indicator.project_id == project.id,
                Outcome.kind == "figure",
                Outcome.period_number == period_number,
            )
            .options(
                selectinload(Outcome.indicator),
                selectinload(Outcome.event),
                selectinload(Outcome.action)
                .selectinload(Action.group)
                .selectinload(ActionGroup.plan)
                .selectinload(ActionPlan.partner),
            )
            .order_by(Indicator.code, Outcome.id)
        )
    )
