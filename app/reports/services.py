"""The figures and facts of a semester report, gathered once for the PDF, the page and tests.

Every figure is computed here from recorded facts (events, attendance, practice links,
transfer history, action dates, outcome figures); the template only lays them out.
Definitions (also printed in the report's notes):

- held: an event with status "held" whose local start date falls in the semester;
- postponed: an event first planned to start in the semester and moved to a later start
  (its original start is recorded), or one whose status is "postponed" and whose current
  start falls in the semester; an event postponed and then held within the same semester
  counts in both columns;
- cancelled: an event with status "cancelled" whose start falls in the semester;
- participants: the attendance recorded for the semester's held events (partner staff and
  their local stakeholders);
- good practices identified: practices first presented or studied at a held event in the
  semester;
- transfers advanced: transfers whose recorded stage at the end of the semester differs
  from the one at its start.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.demo.provenance import assumed_reasons
from app.enums import (
    ActionStatus,
    EventKind,
    EventStatus,
    OutcomeKind,
    PracticeRole,
    TransferStage,
)
from app.errors import DomainError
from app.events.models import Event
from app.events.queries import events_in_period, period_bounds, with_details
from app.extensions import db
from app.formatting import format_long_date
from app.outcomes.models import Action, ActionGroup, ActionPlan, Attachment, Outcome
from app.outcomes.services import IndicatorRow, indicator_table
from app.partners.models import Partner, Project, SemesterPlan
from app.partners.periods import ReportingPeriod
from app.practices.matrix import TransferMatrix, transfer_matrix
from app.practices.models import GoodPractice, PracticeEvent, Transfer


class ReportUnavailable(DomainError):
    """No report for this semester: it does not exist, or nothing is recorded in it."""


@dataclass
class KindCounts:
    kind: EventKind
    held: int = 0
    postponed: int = 0
    cancelled: int = 0
    planned: int = 0  # planned or confirmed, not yet held


@dataclass
class PartnerParticipants:
    partner: Partner
    staff: int = 0
    stakeholders: int = 0
    events: int = 0

    @property
    def total(self) -> int:
        return self.staff + self.stakeholders


@dataclass
class EventEntry:
    event: Event
    practices: list[PracticeEvent] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    evidence: list[Attachment] = field(default_factory=list)

    @property
    def change(self) -> str:
        """Postponed from ..., cancelled, ...: written when read, in the report's language."""
        return _change_note(self.event)

    @property
    def attendance(self):
        return sorted(self.event.attendance, key=lambda a: a.partner.code)

    @property
    def attendance_total(self) -> int:
        return sum(a.total for a in self.event.attendance)


@dataclass
class TransferEntry:
    transfer: Transfer
    stage_at_start: TransferStage | None
    stage_at_end: TransferStage | None

    @property
    def advanced(self) -> bool:
        return self.stage_at_end != self.stage_at_start


@dataclass
class ActionEntry:
    action: Action
    in_semester: str  # "started", "progressing", "done", "" (nothing in this semester)
    figures: list[Outcome]


@dataclass
class PlanEntry:
    plan: ActionPlan
    actions: list[tuple[ActionGroup, list[ActionEntry]]]


@dataclass
class SemesterReport:
    project: Project
    period: ReportingPeriod
    generated_on: date
    events: list[EventEntry]
    kinds: list[KindCounts]
    participants: list[PartnerParticipants]
    practices_identified: list[GoodPractice]
    transfers: list[TransferEntry]
    matrix: TransferMatrix
    indicators: list[IndicatorRow]
    plans: list[PlanEntry]
    next_period: ReportingPeriod | None
    next_events: list[Event]
    next_plans: list[SemesterPlan]
    months: list[date] = field(default_factory=list)
    events_by_kind_month: dict[str, list[int]] = field(default_factory=dict)
    # (table, key) -> why the demo assumed it: the report never shows it as recorded.
    assumed: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return _(
            "%(acronym)s progress report, semester %(number)s",
            acronym=self.project.acronym,
            number=self.period.number,
        )

    @property
    def indicator_reasons(self) -> list[str]:
        """Why the indicators were assumed, each reason once (the table marks each row)."""
        reasons = [
            self.assumed.get(("indicator", str(row.indicator.id)), []) for row in self.indicators
        ]
        return list(dict.fromkeys(reason for found in reasons for reason in found))

    @property
    def lead_partner(self) -> Partner | None:
        return next((p for p in self.project.partners if p.is_lead), None)

    @property
    def held_total(self) -> int:
        return sum(k.held for k in self.kinds)

    @property
    def postponed_total(self) -> int:
        return sum(k.postponed for k in self.kinds)

    @property
    def cancelled_total(self) -> int:
        return sum(k.cancelled for k in self.kinds)

    @property
    def planned_total(self) -> int:
        return sum(k.planned for k in self.kinds)

    @property
    def participants_total(self) -> int:
        return sum(p.total for p in self.participants)

    @property
    def transfers_advanced(self) -> list[TransferEntry]:
        return [t for t in self.transfers if t.advanced]

    def action_count(self, what: str) -> int:
        return sum(
            1
            for plan in self.plans
            for _group, entries in plan.actions
            for entry in entries
            if entry.in_semester == what
        )


#: The objects the report shows whose assumed facts it marks.
REPORTED_KINDS = ("event", "event_session", "outcome", "action", "transfer", "indicator")


def build_report(project: Project, number: int, today: date | None = None) -> SemesterReport:
    """Everything semester `number` of `project` says; ReportUnavailable when there is none."""
    try:
        period = project.period(number)
    except DomainError as exc:
        raise ReportUnavailable(exc.message, "period") from None
    start, end = period_bounds(period)

    events = _events_held_or_changed(project, period)
    entries = _event_entries(events)
    kinds = _kind_counts(events, period)
    participants = _participants(project, events, period)
    practices = _practices_identified(project, start, end)
    all_transfers = _transfers(project, start, end)
    # Transfers with no recorded stage by the semester's end are left out of the picture.
    stages_at_end = {
        t.transfer.id: t.stage_at_end.value if t.stage_at_end else None for t in all_transfers
    }
    matrix = transfer_matrix(project, stages_at=stages_at_end)
    transfers = [t for t in all_transfers if t.stage_at_end is not None]
    indicators = indicator_table(project, number)
    plans = _plans(project, period)

    next_period = next((p for p in project.periods() if p.number == number + 1), None)
    next_events = events_in_period(project, next_period) if next_period else []
    next_plans = (
        list(
            db.session.scalars(
                select(SemesterPlan)
                .where(SemesterPlan.project_id == project.id)
                .where(SemesterPlan.period_number == next_period.number)
                .order_by(SemesterPlan.kind)
            )
        )
        if next_period
        else []
    )

    has_figures = any(row.this_period for row in indicators)
    has_actions = any(e.in_semester for p in plans for _g, es in p.actions for e in es)
    advanced = any(t.advanced for t in transfers)
    if not (entries or practices or advanced or has_figures or has_actions):
        raise ReportUnavailable(
            _(
                "Nothing is recorded for semester %(number)s (%(first)s to %(last)s) yet: no "
                "events, practices, transfers, action-plan progress or indicator figures. "
                "Record them first; no report is made for an empty semester.",
                number=number,
                first=format_long_date(period.start),
                last=format_long_date(period.last_day),
            ),
            "period",
        )

    months = _months(period)
    by_kind_month: dict[str, list[int]] = {}
    for event in events:
        if event.status != EventStatus.HELD or not period.contains(event.local_start.date()):
            continue
        local = event.local_start
        index = months.index(date(local.year, local.month, 1))
        row = by_kind_month.setdefault(event.kind, [0] * len(months))
        row[index] += 1

    return SemesterReport(
        project=project,
        period=period,
        generated_on=today or date.today(),
        events=entries,
        kinds=kinds,
        participants=participants,
        practices_identified=practices,
        transfers=transfers,
        matrix=matrix,
        indicators=indicators,
        plans=plans,
        next_period=next_period,
        next_events=next_events,
        next_plans=next_plans,
        months=months,
        events_by_kind_month={
            k.value: by_kind_month[k.value] for k in EventKind if k.value in by_kind_month
        },
        assumed=assumed_reasons(REPORTED_KINDS),
    )


def semester_overview(project: Project) -> list[dict]:
    """For the reports page: each semester with how many events, held and changed, it holds.

    Two queries for the whole project, whatever the number of semesters."""
    events = list(
        db.session.scalars(
            select(Event).where(Event.project_id == project.id).order_by(Event.starts_at)
        )
    )
    figures = dict(
        db.session.execute(
            select(Outcome.period_number, func.count())
            .where(Outcome.kind == "figure")
            .group_by(Outcome.period_number)
        ).all()
    )
    rows = []
    for period in project.periods():
        in_period = [e for e in events if period.contains(e.local_start.date())]
        moved_out = [
            e
            for e in events
            if e.original_starts_at is not None
            and period.contains(_local_date(e.original_starts_at, e.timezone))
            and not period.contains(e.local_start.date())
        ]
        counts = Counter(e.status for e in in_period)
        rows.append(
            {
                "period": period,
                "events": len(in_period),
                "held": counts.get(EventStatus.HELD.value, 0),
                "planned": counts.get(EventStatus.PLANNED.value, 0)
                + counts.get(EventStatus.CONFIRMED.value, 0),
                "postponed": counts.get(EventStatus.POSTPONED.value, 0) + len(moved_out),
                "cancelled": counts.get(EventStatus.CANCELLED.value, 0),
                "figures": figures.get(period.number, 0),
            }
        )
    return rows


# --- events -----------------------------------------------------------------------------


def _local_date(instant: datetime, zone_name: str) -> date:
    from app.timezones import in_zone

    return in_zone(instant, zone_name).date()


def _events_held_or_changed(project: Project, period: ReportingPeriod) -> list[Event]:
    """Events starting in the period, and events first planned in it and moved out of it."""
    events = events_in_period(project, period)
    start, end = period_bounds(period)
    ids = {e.id for e in events}
    moved = db.session.scalars(
        with_details(
            select(Event)
            .where(Event.project_id == project.id)
            .where(Event.original_starts_at >= start - timedelta(days=1))
            .where(Event.original_starts_at < end + timedelta(days=1))
        )
    )
    for event in moved:
        if event.id not in ids and period.contains(
            _local_date(event.original_starts_at, event.timezone)
        ):
            events.append(event)
    # Partner of every attendance row, in one query (attendance is eager-loaded already).
    partner_ids = {a.partner_id for e in events for a in e.attendance}
    if partner_ids:
        list(db.session.scalars(select(Partner).where(Partner.id.in_(partner_ids))))
    return events


def _was_postponed(event: Event) -> bool:
    return event.original_starts_at is not None and event.starts_at > event.original_starts_at


def _event_entries(events: list[Event]) -> list[EventEntry]:
    ids = [e.id for e in events]
    practices: dict[int, list[PracticeEvent]] = defaultdict(list)
    outcomes: dict[int, list[Outcome]] = defaultdict(list)
    evidence: dict[int, list[Attachment]] = defaultdict(list)
    if ids:
        for link in db.session.scalars(
            select(PracticeEvent)
            .where(PracticeEvent.event_id.in_(ids))
            .options(selectinload(PracticeEvent.practice).selectinload(GoodPractice.owner))
        ):
            practices[link.event_id].append(link)
        for outcome in db.session.scalars(
            select(Outcome)
            .where(Outcome.event_id.in_(ids))
            .options(selectinload(Outcome.indicator))
            .order_by(Outcome.id)
        ):
            outcomes[outcome.event_id].append(outcome)
        for attachment in db.session.scalars(
            select(Attachment)
            .where(Attachment.event_id.in_(ids))
            .order_by(Attachment.category, Attachment.original_name)
        ):
            evidence[attachment.event_id].append(attachment)
    entries = []
    for event in sorted(events, key=lambda e: e.starts_at):
        links = sorted(practices[event.id], key=lambda link: link.practice.title.lower())
        entries.append(
            EventEntry(
                event=event,
                practices=links,
                outcomes=outcomes[event.id],
                evidence=evidence[event.id],
            )
        )
    return entries


def _change_note(event: Event) -> str:
    from app.template_helpers import event_dates

    notes = []
    if event.original_starts_at is not None and event.original_starts_at != event.starts_at:
        values = {
            "old": event_dates(_OriginalSpan(event)),
            "new": event_dates(event),
            "place": event.original_location or "",
            "format": str(event.format_enum.label).lower(),
        }
        key = (
            _was_postponed(event),
            bool(event.original_location),
            event.format != "in_person",
        )
        notes.append(_CHANGE_NOTES[key](**values))
    if event.status == EventStatus.POSTPONED:
        notes.append(_("Postponed; the new date is not fixed yet."))
    if event.status == EventStatus.CANCELLED:
        notes.append(_("Cancelled."))
    return " ".join(notes)


#: An event moved from its first dates, one whole sentence for each case:
#: (later than planned, first place known, not in person) -> the sentence.
_CHANGE_NOTES = {
    (True, True, True): lambda **v: _(
        "Postponed from %(old)s in %(place)s to %(new)s, %(format)s.", **v
    ),
    (True, True, False): lambda **v: _("Postponed from %(old)s in %(place)s to %(new)s.", **v),
    (True, False, True): lambda **v: _("Postponed from %(old)s to %(new)s, %(format)s.", **v),
    (True, False, False): lambda **v: _("Postponed from %(old)s to %(new)s.", **v),
    (False, True, True): lambda **v: _(
        "Moved from %(old)s in %(place)s to %(new)s, %(format)s.", **v
    ),
    (False, True, False): lambda **v: _("Moved from %(old)s in %(place)s to %(new)s.", **v),
    (False, False, True): lambda **v: _("Moved from %(old)s to %(new)s, %(format)s.", **v),
    (False, False, False): lambda **v: _("Moved from %(old)s to %(new)s.", **v),
}


class _OriginalSpan:
    """An event's original dates, shaped like an event for `event_dates`."""

    def __init__(self, event: Event):
        from app.timezones import in_zone

        self.starts_at = event.original_starts_at
        self.ends_at = event.original_ends_at or event.original_starts_at
        self.timezone = event.timezone
        self.all_day = event.original_all_day
        self.local_start = in_zone(self.starts_at, self.timezone)


def _kind_counts(events: list[Event], period: ReportingPeriod) -> list[KindCounts]:
    counts = {kind: KindCounts(kind) for kind in EventKind}
    for event in events:
        row = counts[event.kind_enum]
        starts_in = period.contains(event.local_start.date())
        originally_in = event.original_starts_at is not None and period.contains(
            _local_date(event.original_starts_at, event.timezone)
        )
        if starts_in and event.status == EventStatus.HELD:
            row.held += 1
        if starts_in and event.status == EventStatus.CANCELLED:
            row.cancelled += 1
        if starts_in and event.status in (EventStatus.PLANNED, EventStatus.CONFIRMED):
            row.planned += 1
        if (originally_in and _was_postponed(event)) or (
            starts_in and event.status == EventStatus.POSTPONED
        ):
            row.postponed += 1
    return [c for c in counts.values() if c.held or c.postponed or c.cancelled or c.planned]


def _participants(
    project: Project, events: list[Event], period: ReportingPeriod
) -> list[PartnerParticipants]:
    partners = {p.id: p for p in project.partners}
    rows: dict[int, PartnerParticipants] = {}
    for event in events:
        if event.status != EventStatus.HELD or not period.contains(event.local_start.date()):
            continue
        for attendance in event.attendance:
            row = rows.setdefault(
                attendance.partner_id, PartnerParticipants(partners[attendance.partner_id])
            )
            row.staff += attendance.staff_count
            row.stakeholders += attendance.stakeholder_count
            row.events += 1
    return sorted(rows.values(), key=lambda r: r.partner.code)


# --- practices and transfers ------------------------------------------------------------


def _practices_identified(project: Project, start: datetime, end: datetime) -> list[GoodPractice]:
    first = (
        select(PracticeEvent.practice_id, func.min(Event.starts_at).label("first_at"))
        .join(Event, Event.id == PracticeEvent.event_id)
        .where(Event.status == EventStatus.HELD.value, Event.project_id == project.id)
        .group_by(PracticeEvent.practice_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(GoodPractice)
            .join(first, first.c.practice_id == GoodPractice.id)
            .where(first.c.first_at >= start, first.c.first_at < end)
            .options(selectinload(GoodPractice.owner))
            .order_by(GoodPractice.title)
        )
    )


def _stage_before(transfer: Transfer, instant: datetime) -> TransferStage | None:
    """The stage reached before `instant` (a UTC midnight): steps count on the day they
    happened, whenever they were recorded."""
    stage = None
    steps = sorted(transfer.history, key=lambda c: (c.happened_on, c.changed_at))
    for change in steps:
        if change.happened_on < instant.date():
            stage = TransferStage(change.stage)
    return stage


def _transfers(project: Project, start: datetime, end: datetime) -> list[TransferEntry]:
    transfers = db.session.scalars(
        select(Transfer)
        .join(Transfer.practice)
        .where(GoodPractice.project_id == project.id)
        .options(
            selectinload(Transfer.practice).selectinload(GoodPractice.owner),
            selectinload(Transfer.importer),
            selectinload(Transfer.history),
        )
    )
    entries = [TransferEntry(t, _stage_before(t, start), _stage_before(t, end)) for t in transfers]
    return sorted(
        entries,
        key=lambda e: (
            e.transfer.practice.owner.code,
            e.transfer.importer.code,
            e.transfer.practice.title,
        ),
    )


# --- action plans -----------------------------------------------------------------------


def _action_in_semester(action: Action, period: ReportingPeriod) -> str:
    first, last = period.start, period.last_day
    starts, ends = action.starts_on, action.ends_on
    if action.status == ActionStatus.DONE and ends and first <= ends <= last:
        return "done"
    if starts and first <= starts <= last:
        return "started"
    if (
        starts
        and starts < first
        and action.status != ActionStatus.PLANNED
        and (ends is None or ends >= first)
        and not (action.status == ActionStatus.DONE and ends and ends < first)
    ):
        return "progressing"
    return ""


def _plans(project: Project, period: ReportingPeriod) -> list[PlanEntry]:
    plans = db.session.scalars(
        select(ActionPlan)
        .join(ActionPlan.partner)
        .where(Partner.project_id == project.id)
        .order_by(Partner.code)
        .options(
            selectinload(ActionPlan.partner),
            selectinload(ActionPlan.groups)
            .selectinload(ActionGroup.actions)
            .selectinload(Action.outcomes)
            .selectinload(Outcome.indicator),
            selectinload(ActionPlan.groups)
            .selectinload(ActionGroup.actions)
            .selectinload(Action.inspired_by_practice),
        )
    )
    result = []
    for plan in plans:
        groups = []
        for group in plan.groups:
            entries = [
                ActionEntry(
                    action=action,
                    in_semester=_action_in_semester(action, period),
                    figures=[
                        o
                        for o in action.outcomes
                        if o.kind == "figure" and o.period_number == period.number
                    ],
                )
                for action in group.actions
            ]
            groups.append((group, entries))
        result.append(PlanEntry(plan, groups))
    return result


def _months(period: ReportingPeriod) -> list[date]:
    months, day = [], date(period.start.year, period.start.month, 1)
    while day < period.end:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


#: What happened to a practice at an event, as the report's event pages say it.
ROLE_LABELS = {
    # Translators: a good practice "presented" at an event (lower case, after its city).
    PracticeRole.PRESENTED.value: _l("presented"),
    # Translators: a good practice "studied" at an event (lower case, after its city).
    PracticeRole.STUDIED.value: _l("studied"),
    PracticeRole.IMPORT_WORKSHOP.value: _l("worked on in an import workshop"),
}

#: What an action did in the semester (ActionEntry.in_semester), in the actions tables.
IN_SEMESTER_LABELS = {
    # Translators: an action of an action plan "started" in this semester.
    "started": _l("started"),
    # Translators: an action of an action plan still "progressing" in this semester.
    "progressing": _l("progressing"),
    # Translators: an action of an action plan "done" in this semester.
    "done": _l("done"),
}

#: Outcomes of an event, by kind (OutcomeKind), before their text.
OUTCOME_KIND_LABELS = {
    OutcomeKind.LESSON.value: _l("Lesson"),
    OutcomeKind.DECISION.value: _l("Decision"),
    # Translators: an outcome that is a figure counted for an indicator.
    OutcomeKind.FIGURE.value: _l("Figure"),
}
