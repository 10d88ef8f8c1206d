"""Reading the programme: partners, events, practices, transfers, semesters, indicators.
Each list pages by cursor and shows the caller what the pages would show them."""

from datetime import UTC, datetime

from flask import request
from flask_babel import gettext as _
from spectree import Response
from sqlalchemy import select

from app.api import queries, schemas, serialize
from app.api.spec import ERRORS, api, api_error
from app.api.views import bp
from app.auth import permissions as can
from app.db_types import utcnow
from app.errors import UnknownPeriod
from app.events.models import Event
from app.events.queries import EventFilter, filtered
from app.extensions import db
from app.home.queries import the_project
from app.outcomes.services import indicator_table
from app.partners.models import Partner, Project
from app.practices.models import GoodPractice, Transfer

TAG_PROGRAMME = "programme"
TAG_PRACTICES = "practices"


def project_or_404() -> Project:
    project = the_project()
    if project is None:
        api_error(404, _("No partnership has been loaded yet."))
    return project


def _period_or_error(project: Project, number: int, status: int = 400, field: str = "semester"):
    """The semester `number`; a filter naming none is a 400, an address naming none a 404."""
    try:
        return project.period(number)
    except UnknownPeriod as error:
        api_error(status, error.message, field)


def _utc(moment: datetime) -> datetime:
    """An instant a caller sent, in UTC; the far ends of the calendar are refused (400)."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        api_error(400, _("The time is out of range."), "updated_since")


@bp.get("/partners")
@api.validate(resp=Response(HTTP_200=schemas.PartnerList, **ERRORS), tags=[TAG_PROGRAMME])
def partners():
    """The partners, in code order."""
    project = project_or_404()
    rows = db.session.scalars(
        select(Partner).where(Partner.project_id == project.id).order_by(Partner.code)
    )
    return schemas.PartnerList(items=[serialize.partner(p) for p in rows])


@bp.get("/events")
@api.validate(
    query=schemas.EventQuery,
    resp=Response(HTTP_200=schemas.EventPage, **ERRORS),
    tags=[TAG_PROGRAMME],
)
def events(query: schemas.EventQuery):
    """Events in start order, with their sessions; internal ones only for token callers."""
    project = project_or_404()
    partner = queries.partner_or_400(project, query.partner)
    period = None if query.semester is None else _period_or_error(project, query.semester)
    filters = EventFilter(
        include_internal=can.can_see_internal(),
        kind=query.kind.value if query.kind else None,
        partner_id=partner.id if partner else None,
        status=query.status.value if query.status else None,
        period=period,
        when=query.when,
    )
    statement = filtered(project, filters, utcnow())
    if query.updated_since is not None:
        statement = statement.where(Event.updated_at >= _utc(query.updated_since))
    rows, cursor = queries.event_page(statement, query.limit, query.cursor)
    return schemas.EventPage(
        items=[serialize.event(e) for e in rows],
        paging=schemas.Paging(next_cursor=cursor, limit=query.limit),
    )


def visible_event_or_404(event_id: int) -> Event:
    """The event, loaded once per request (`_known_objects` loads the address's event)."""
    # Kept on the request, not in `g`: an app context can outlive a request (tests).
    cached = getattr(request, "api_event", None)
    if cached is not None and cached.id == event_id:
        return cached
    event = db.session.scalar(queries.event_details(select(Event).where(Event.id == event_id)))
    if event is None or not can.can_view_event(event):
        api_error(404, _("No event has the id %(id)d.", id=event_id))
    return event


@bp.before_request
def _known_objects() -> None:
    """An unknown (or, to this caller, invisible) event or session in the address is 404
    before anything else is judged: a body's mistakes, or the caller's rights."""
    args = request.view_args or {}
    if "event_id" in args:
        event = request.api_event = visible_event_or_404(args["event_id"])
        if "session_id" in args and args["session_id"] not in {s.id for s in event.sessions}:
            api_error(404, _("The event has no session with the id %(id)d.", id=args["session_id"]))


@bp.get("/events/<int:event_id>")
@api.validate(resp=Response(HTTP_200=schemas.EventOut, **ERRORS), tags=[TAG_PROGRAMME])
def event(event_id: int):
    """One event with its sessions."""
    return serialize.event(visible_event_or_404(event_id))


@bp.get("/practices")
@api.validate(
    query=schemas.PracticeQuery,
    resp=Response(HTTP_200=schemas.PracticePage, **ERRORS),
    tags=[TAG_PRACTICES],
)
def practices(query: schemas.PracticeQuery):
    """Good practices with who takes each up and at what stage."""
    project = project_or_404()
    statement = select(GoodPractice).where(GoodPractice.project_id == project.id)
    if not can.can_see_internal():
        statement = statement.where(GoodPractice.is_public.is_(True))
    owner = queries.partner_or_400(project, query.partner)
    if owner is not None:
        statement = statement.where(GoodPractice.owner_partner_id == owner.id)
    if query.updated_since is not None:
        statement = statement.where(GoodPractice.updated_at >= _utc(query.updated_since))
    rows, cursor = queries.id_page(
        queries.practice_details(statement), GoodPractice, query.limit, query.cursor
    )
    return schemas.PracticePage(
        items=[serialize.practice(p) for p in rows],
        paging=schemas.Paging(next_cursor=cursor, limit=query.limit),
    )


@bp.get("/transfers")
@api.validate(
    query=schemas.TransferQuery,
    resp=Response(HTTP_200=schemas.TransferPage, **ERRORS),
    tags=[TAG_PRACTICES],
)
def transfers(query: schemas.TransferQuery):
    """Transfers of good practices with the stages they reached and when."""
    project = project_or_404()
    statement = (
        select(Transfer)
        .join(GoodPractice, GoodPractice.id == Transfer.practice_id)
        .where(GoodPractice.project_id == project.id)
    )
    if not can.can_see_internal():
        statement = statement.where(GoodPractice.is_public.is_(True))
    partner = queries.partner_or_400(project, query.partner)
    if partner is not None:
        statement = statement.where(
            (GoodPractice.owner_partner_id == partner.id)
            | (Transfer.importer_partner_id == partner.id)
        )
    if query.stage:
        statement = statement.where(Transfer.stage == query.stage.value)
    rows, cursor = queries.id_page(
        queries.transfer_details(statement), Transfer, query.limit, query.cursor
    )
    return schemas.TransferPage(
        items=[serialize.transfer(t) for t in rows],
        paging=schemas.Paging(next_cursor=cursor, limit=query.limit),
    )


@bp.get("/semesters")
@api.validate(resp=Response(HTTP_200=schemas.SemesterList, **ERRORS), tags=[TAG_PROGRAMME])
def semesters():
    """The reporting periods: six months from 1 August or 1 February."""
    project = project_or_404()
    return schemas.SemesterList(items=[serialize.semester(p) for p in project.periods()])


@bp.get("/semesters/<int:number>/indicators")
@api.validate(resp=Response(HTTP_200=schemas.IndicatorList, **ERRORS), tags=[TAG_PRACTICES])
def indicators(number: int):
    """Each indicator's target, what was achieved in the semester, and up to its end
    (signed-in callers: the outcomes behind them are not public)."""
    if not can.can_see_internal():
        api_error(401, _("Indicators need an API token."), "Authorization")
    project = project_or_404()
    _period_or_error(project, number, 404, "number")
    rows = indicator_table(project, number)
    return schemas.IndicatorList(
        semester=number,
        items=[
            schemas.IndicatorOut(
                code=row.indicator.code,
                name=row.indicator.name,
                unit=row.indicator.unit or "",
                target=float(row.indicator.target) if row.indicator.target is not None else None,
                this_semester=float(row.this_period),
                to_date=float(row.to_date),
            )
            for row in rows
        ],
    )
