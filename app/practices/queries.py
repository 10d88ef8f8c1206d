"""Page queries for practices, eager-loaded so a page's query count does not grow with rows."""

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from app.enums import TransferStage
from app.events.models import Event
from app.extensions import db
from app.outcomes.models import Action, ActionGroup, ActionPlan
from app.partners.models import Partner, Project
from app.practices.models import GoodPractice, PracticeEvent, Transfer, TransferStageChange

#: The practices list's sort keys.
PRACTICE_SORTS = ("title", "owner", "theme")


def practices(
    project: Project,
    *,
    include_internal: bool,
    theme: str = "",
    owner_id: int | None = None,
    stage: str = "",
    sort: str = "title",
    limit: int | None = None,
    offset: int = 0,
    for_download: bool = False,
) -> tuple[list[GoodPractice], int]:
    """One page of the practices list (every row with `limit=None`) and how many practices
    the filters match; a fixed number of queries. Downloads also load each transfer's
    history (the day it reached its stage)."""
    query = select(GoodPractice).where(GoodPractice.project_id == project.id)
    if not include_internal:
        query = query.where(GoodPractice.is_public.is_(True))
    if theme:
        query = query.where(GoodPractice.theme == theme)
    if owner_id:
        query = query.where(GoodPractice.owner_partner_id == owner_id)
    if stage:
        query = query.where(
            exists().where(Transfer.practice_id == GoodPractice.id, Transfer.stage == stage)
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    column = {
        "owner": func.lower(Partner.city),
        "theme": func.lower(GoodPractice.theme),
    }.get(key, func.lower(GoodPractice.title))
    order = [column.desc() if descending else column]
    if key != "title":
        order.append(func.lower(GoodPractice.title))
    order.append(GoodPractice.id.desc() if descending and key == "title" else GoodPractice.id)
    query = (
        query.join(Partner, Partner.id == GoodPractice.owner_partner_id)
        .options(
            selectinload(GoodPractice.owner),
            selectinload(GoodPractice.transfers).selectinload(Transfer.importer),
        )
        .order_by(*order)
    )
    if for_download:
        query = query.options(selectinload(GoodPractice.transfers).selectinload(Transfer.history))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(db.session.scalars(query)), total


def themes(project: Project, include_internal: bool) -> list[str]:
    query = (
        select(GoodPractice.theme)
        .where(GoodPractice.project_id == project.id, GoodPractice.theme != "")
        .distinct()
        .order_by(GoodPractice.theme)
    )
    if not include_internal:
        query = query.where(GoodPractice.is_public.is_(True))
    return list(db.session.scalars(query))


def partners(project: Project) -> list[Partner]:
    return list(
        db.session.scalars(
            select(Partner).where(Partner.project_id == project.id).order_by(Partner.code)
        )
    )


def practice_page(practice_id: int) -> GoodPractice | None:
    """A practice with its events, transfers, their history (events and actions) loaded."""
    return db.session.scalar(
        select(GoodPractice)
        .where(GoodPractice.id == practice_id)
        .options(
            selectinload(GoodPractice.owner),
            selectinload(GoodPractice.event_links)
            .selectinload(PracticeEvent.event)
            .selectinload(Event.host),
            selectinload(GoodPractice.transfers).selectinload(Transfer.importer),
            selectinload(GoodPractice.transfers)
            .selectinload(Transfer.history)
            .selectinload(TransferStageChange.event),
            selectinload(GoodPractice.transfers)
            .selectinload(Transfer.history)
            .selectinload(TransferStageChange.action)
            .selectinload(Action.group)
            .selectinload(ActionGroup.plan)
            .selectinload(ActionPlan.partner),
        )
    )


def actions_inspired_by(practice: GoodPractice) -> list[Action]:
    """Action-plan actions that name this practice as their inspiration."""
    return list(
        db.session.scalars(
            select(Action)
            .where(Action.inspired_by_practice_id == practice.id)
            .options(
                selectinload(Action.group)
                .selectinload(ActionGroup.plan)
                .selectinload(ActionPlan.partner)
            )
            .order_by(Action.id)
        )
    )


def event_practices(event_id: int) -> list[PracticeEvent]:
    """The practices presented or studied at an event, for the event page's panel."""
    return list(
        db.session.scalars(
            select(PracticeEvent)
            .where(PracticeEvent.event_id == event_id)
            .options(selectinload(PracticeEvent.practice).selectinload(GoodPractice.owner))
        )
    )


def practice_choices(project_id: int) -> list[GoodPractice]:
    return list(
        db.session.scalars(
            select(GoodPractice)
            .where(GoodPractice.project_id == project_id)
            .options(selectinload(GoodPractice.owner))
            .order_by(GoodPractice.title)
        )
    )


STAGES = list(TransferStage)
