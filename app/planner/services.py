"""The semester planner's grid: partners as rows, the semester's ISO weeks as columns.

Answers "who is busy when, this semester?" for `/planner`: each partner's events (hosted or
visited) as bars over the days they cover in the event's own zone, each partner's public
holidays, and the semester plan's targets against what is scheduled. Built in Python from
the events read once with their partners (`planner_events`) and the holidays from the
`holidays` library (cached): the page's query count does not grow with its rows.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.enums import EventKind, EventStatus
from app.errors import UnknownPeriod
from app.events.models import Event
from app.events.queries import semester_plan, visible, with_details
from app.extensions import db
from app.formatting import format_date_span, format_day_month
from app.holidays.services import event_days, holidays_between
from app.partners.models import Partner, Project
from app.partners.periods import ReportingPeriod

HOST, VISITOR = "host", "visitor"


@dataclass
class Week:
    number: int  # ISO week number
    monday: date
    days: int  # days of the grid in this week (7)

    @property
    def label(self) -> str:
        """The week's Monday, '3 Aug'."""
        return format_day_month(self.monday)

    @property
    def title(self) -> str:
        # Translators: a planner column, "Week 32: 3–9 Aug 2026".
        return _(
            "Week %(number)d: %(days)s",
            number=self.number,
            days=format_date_span(self.monday, self.monday + timedelta(days=6)),
        )


@dataclass
class Bar:
    event: Event
    role: str  # HOST or VISITOR
    first: date
    last: date
    partner: Partner

    @property
    def mark(self) -> str:
        if self.role == HOST:
            # Translators: the one letter on a planner bar of the partner that hosts.
            return _("H")
        # Translators: the one letter on a planner bar of a visiting partner.
        return _("V")

    @property
    def text(self) -> str:
        """The bar's text alternative: event (with its kind), dates, role, status."""
        dates = format_date_span(self.first, self.last)
        if self.role == HOST:
            words = _(
                "%(event)s, %(dates)s, %(city)s hosts",
                event=self.event.display_title,
                dates=dates,
                city=self.partner.city,
            )
        else:
            words = _(
                "%(event)s, %(dates)s, %(city)s visits",
                event=self.event.display_title,
                dates=dates,
                city=self.partner.city,
            )
        if self.event.status == EventStatus.POSTPONED:
            words += f" ({self.event.status_enum.label})"
        return words


@dataclass
class Cell:
    kind: str  # "bar", "holiday", "empty", "outside"
    span: int = 1
    bar: Bar | None = None
    day: date | None = None  # the first day of the cell
    names: list[str] = field(default_factory=list)  # a holiday's names

    @property
    def starts_week(self) -> bool:
        return self.day is not None and self.day.weekday() == 0


@dataclass
class Row:
    partner: Partner
    lanes: list[list[Cell]]
    holidays: dict[date, list[str]]
    bars: list[Bar]


@dataclass
class Target:
    kind: EventKind
    planned: int | None
    scheduled: int

    @property
    def text(self) -> str:
        if self.planned is None:
            # Translators: a kind of event in the planner, "Meeting: 2 scheduled".
            return _(
                "%(kind)s: %(scheduled)d scheduled", kind=self.kind.label, scheduled=self.scheduled
            )
        # Translators: the semester plan's target, "Study visit: 3 of 5 planned".
        return _(
            "%(kind)s: %(scheduled)d of %(planned)d planned",
            kind=self.kind.label,
            scheduled=self.scheduled,
            planned=self.planned,
        )

    @property
    def behind(self) -> bool:
        return self.planned is not None and self.scheduled < self.planned


@dataclass
class Planner:
    period: ReportingPeriod
    days: list[date]
    weeks: list[Week]
    rows: list[Row]
    targets: list[Target]
    kinds: list[EventKind]  # the kinds of the bars shown, for the legend
    previous: int | None
    following: int | None


def default_period(project: Project, today: date) -> ReportingPeriod:
    """The current semester; the last once the project has ended; else the first."""
    periods = project.periods()
    try:
        return project.period_for(today)
    except UnknownPeriod:
        return periods[-1] if today >= periods[-1].end else periods[0]


def planner_events(project: Project, first: date, end: date, include_internal: bool) -> list:
    """Events (not cancelled) that may touch the days from `first` to before `end`, with
    their host and partners; widened a day each side, since zones differ by hours."""
    start = datetime.combine(first, time(0), UTC) - timedelta(days=1)
    stop = datetime.combine(end, time(0), UTC) + timedelta(days=1)
    query = (
        select(Event)
        .where(Event.project_id == project.id, Event.starts_at < stop, Event.ends_at > start)
        .where(Event.status != EventStatus.CANCELLED.value)
        .order_by(Event.starts_at, Event.id)
    )
    return list(db.session.scalars(with_details(visible(query, include_internal))))


def _lanes(bars: list[Bar]) -> list[list[Bar]]:
    """Bars in as few lanes as possible, none overlapping another in its lane."""
    lanes: list[list[Bar]] = []
    for bar in sorted(bars, key=lambda b: (b.first, b.last)):
        for lane in lanes:
            if lane[-1].last < bar.first:
                lane.append(bar)
                break
        else:
            lanes.append([bar])
    return lanes or [[]]


def _cells(lane: list[Bar], days: list[date], period, holidays) -> list[Cell]:
    """One lane's cells: bars over their days, a holiday a cell of its own, other days in
    runs that break at each Monday (the week's line) and at the semester's bounds."""
    index = {day: n for n, day in enumerate(days)}
    starts = {max(bar.first, days[0]): bar for bar in lane}
    cells: list[Cell] = []
    n = 0
    while n < len(days):
        day = days[n]
        bar = starts.get(day)
        if bar is not None:
            end = index.get(min(bar.last, days[-1]), len(days) - 1)
            cells.append(Cell("bar", end - n + 1, bar=bar, day=day))
            n = end + 1
            continue
        kind = "outside" if not period.contains(day) else "empty"
        if kind == "empty" and day in holidays:
            cells.append(Cell("holiday", day=day, names=holidays[day]))
            n += 1
            continue
        last = cells[-1] if cells else None
        if last and last.kind == kind and day.weekday() != 0:
            last.span += 1
        else:
            cells.append(Cell(kind, day=day))
        n += 1
    return cells


def build_planner(
    project: Project, period: ReportingPeriod, partners: list[Partner], include_internal: bool
) -> Planner:
    first = period.start - timedelta(days=period.start.weekday())
    last = period.last_day + timedelta(days=6 - period.last_day.weekday())
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    weeks = [Week(day.isocalendar()[1], day, 7) for day in days if day.weekday() == 0]
    events = planner_events(project, period.start, period.end, include_internal)
    by_partner: dict[int, list[Bar]] = {p.id: [] for p in partners}
    for event in events:
        touched = event_days(event.starts_at, event.ends_at, event.timezone)
        if touched[-1] < days[0] or touched[0] > days[-1]:
            continue
        for partner in event.participants:
            if partner.id in by_partner:
                role = HOST if partner.id == event.host_partner_id else VISITOR
                by_partner[partner.id].append(Bar(event, role, touched[0], touched[-1], partner))
    rows = []
    for partner in partners:
        holidays = holidays_between(partner, period.start, period.last_day)
        lanes = [_cells(lane, days, period, holidays) for lane in _lanes(by_partner[partner.id])]
        rows.append(Row(partner, lanes, holidays, by_partner[partner.id]))
    numbers = [p.number for p in project.periods()]
    return Planner(
        period=period,
        days=days,
        weeks=weeks,
        rows=rows,
        targets=targets(project, period, events),
        kinds=[k for k in EventKind if any(e.kind == k for e in events)],
        previous=period.number - 1 if period.number - 1 in numbers else None,
        following=period.number + 1 if period.number + 1 in numbers else None,
    )


def targets(project: Project, period: ReportingPeriod, events: list[Event]) -> list[Target]:
    """The semester plan's count per kind against the events scheduled (not cancelled)
    whose local start falls in the semester; kinds without a plan show their count."""
    plan = semester_plan(project, period.number)
    found = []
    for kind in EventKind:
        scheduled = sum(
            1 for e in events if e.kind == kind and period.contains(e.local_start.date())
        )
        if scheduled or kind.value in plan:
            found.append(Target(kind, plan.get(kind.value), scheduled))
    return found
