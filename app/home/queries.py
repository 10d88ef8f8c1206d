"""Queries the home page needs, with eager loading so their count is fixed."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.events.models import Event
from app.extensions import db
from app.partners.models import Partner, Project


def the_project() -> Project | None:
    """The partnership this installation serves (the first project)."""
    return db.session.scalars(
        select(Project).options(selectinload(Project.phases)).order_by(Project.id).limit(1)
    ).first()


def partners_of(project: Project) -> list[Partner]:
    return list(
        db.session.scalars(
            select(Partner).where(Partner.project_id == project.id).order_by(Partner.code)
        )
    )


def home_semesters(project: Project, today, last_event_day=None):
    """The semesters the home page shows: the current one and the next; before the project
    starts, the first two; once it has ended, the last semester with events (the day of
    the last event, `last_event_day`) and the one before it."""
    periods = project.periods()
    if not periods:
        return []
    if today < periods[0].start:
        return periods[:2]
    for index, period in enumerate(periods):
        if period.contains(today):
            return periods[index : index + 2]
    last = next(
        (i for i, p in enumerate(periods) if last_event_day and p.contains(last_event_day)),
        len(periods) - 1,
    )
    return periods[max(last - 1, 0) : last + 1]


def last_event_day(project: Project, include_internal: bool):
    """The (UTC) day the project's last event starts, or None."""
    query = select(func.max(Event.starts_at)).where(Event.project_id == project.id)
    if not include_internal:
        query = query.where(Event.is_public.is_(True))
    last = db.session.scalar(query)
    return last.date() if last else None


def dashboard(project: Project, period, now=None) -> dict:
    """Planned, held, postponed and cancelled events by kind in `period`, against its plan,
    and what is coming in the next 30 days. Signed-in readers: internal events count."""
    from datetime import UTC, datetime, timedelta

    from app.enums import EventKind, EventStatus
    from app.events.queries import events_between, events_in_period, semester_plan

    events = events_in_period(project, period, include_internal=True)
    plan = semester_plan(project, period.number)
    columns = ("planned", "held", "postponed", "cancelled")
    rows = []
    for kind in EventKind:
        counts = dict.fromkeys(columns, 0)
        for event in events:
            if event.kind != kind:
                continue
            status = event.status
            if status == EventStatus.CONFIRMED:
                status = "planned"
            counts[status] += 1
        total = sum(counts.values())
        planned = plan.get(kind.value)
        if total or planned:
            rows.append({"kind": kind, "plan": planned, "total": total, **counts})
    totals = {c: sum(r[c] for r in rows) for c in (*columns, "total")}
    totals["plan"] = sum(r["plan"] or 0 for r in rows)
    now = now or datetime.now(UTC)
    coming = [
        e
        for e in events_between(project, now, now + timedelta(days=30), include_internal=True)
        if e.starts_at >= now
    ]
    return {"rows": rows, "totals": totals, "columns": columns, "coming": coming, "now": now}
