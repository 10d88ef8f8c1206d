"""Date polls: open one on an event whose date is not fixed, answer it per partner, pick.

Nothing changes the event before the pick. The pick goes through the event form's own
service (`events.services.update_event`), so its warnings (`pick_warnings`, the form's
`change_warnings`), the revision (iCal SEQUENCE) and the outbox's message are the form's;
the poll only tells the outbox why (`outbox.give_reason`), so each recipient gets one
message saying the date was chosen in the poll, with the calendar attachment.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.db_types import utcnow
from app.enums import EventStatus
from app.errors import DomainError, UnknownPeriod
from app.events import services as events
from app.events.models import Event, event_participant
from app.extensions import db
from app.formatting import all_day_last, format_date, format_date_span, format_datetime_span
from app.holidays.services import holiday_warnings, holidays_between
from app.input_rules import fits, text_block
from app.mail import outbox
from app.mail.messages import register_reason
from app.partners.models import Partner, Project
from app.polls.models import Answer, DatePoll, PollAnswer, PollPartner, PollSlot, PollStatus
from app.timezones import in_zone
from app.upserts import save_pair
from app.versioning import check_version, version_of  # noqa: F401  (forms call version_of)

#: An event's date is not fixed yet while it is planned or postponed: those take a poll.
POLLABLE = (EventStatus.PLANNED.value, EventStatus.POSTPONED.value)
#: Why the event changes, as the outbox writes it into each recipient's message.
REASON = "date_poll"
COMMENT_LIMIT = 500

register_reason(
    REASON,
    # Translators: subject of the e-mail saying a date poll chose an event's date
    subject=_l("Date chosen: %(title)s"),
    line=_l("The date was chosen in the partners' date poll."),
)


@dataclass(frozen=True)
class SlotInput:
    """A candidate as typed: days (first to last), with times on them or without."""

    first: date
    last: date | None = None
    start_time: time | None = None
    end_time: time | None = None


def slot_span(zone_name: str, given: SlotInput) -> tuple[datetime, datetime, bool]:
    """UTC instants of a candidate in `zone_name` (whole days without times)."""
    last = given.last or given.first
    if (given.start_time is None) != (given.end_time is None):
        raise DomainError(_("Give both a start and an end time, or neither."), "slots")
    if given.start_time is not None:
        return events.event_span(
            datetime.combine(given.first, given.start_time),
            datetime.combine(last, given.end_time),
            zone_name,
        )
    return events.event_span(given.first, last, zone_name)


def _slot_days(
    starts_at: datetime, ends_at: datetime, zone_name: str, all_day: bool
) -> tuple[date, date]:
    """The first and last local day a span touches (an all-day span ends at a midnight)."""
    first = in_zone(starts_at, zone_name).date()
    if all_day:
        return first, all_day_last(starts_at, ends_at, zone_name)
    return first, in_zone(ends_at, zone_name).date()


def slot_words(slot: PollSlot, zone_name: str | None = None) -> str:
    """A slot in words: its days, or its times in `zone_name` (the slot's own by default)."""
    if slot.all_day:
        return format_date_span(*_slot_days(slot.starts_at, slot.ends_at, slot.timezone, True))
    return format_datetime_span(slot.starts_at, slot.ends_at, zone_name or slot.timezone)


def _check_when(project: Project, starts_at, ends_at, zone_name, all_day, now) -> None:
    """A candidate lies inside the project's periods and has not begun."""
    first, last = _slot_days(starts_at, ends_at, zone_name, all_day)
    for day in (first, last):
        try:
            project.period_for(day)
        except UnknownPeriod:
            raise DomainError(
                _(
                    "%(day)s is outside the project's periods (%(first)s to %(last)s).",
                    day=format_date(day),
                    first=format_date(project.start_date),
                    last=format_date(project.end_date - timedelta(days=1)),
                ),
                "slots",
            ) from None
    if starts_at <= now:
        raise DomainError(
            _("%(day)s is in the past: give dates still to come.", day=format_date(first)),
            "slots",
        )


def open_poll_for(event: Event) -> DatePoll | None:
    """The event's poll still taking answers or waiting for its pick, if any."""
    return db.session.scalar(
        select(DatePoll).where(
            DatePoll.event_id == event.id, DatePoll.status == PollStatus.OPEN.value
        )
    )


def latest_poll(event_id: int) -> DatePoll | None:
    """The event's most recent poll (open, closed or picked), for the event page's link."""
    return db.session.scalar(
        select(DatePoll).where(DatePoll.event_id == event_id).order_by(DatePoll.id.desc())
    )


def open_poll(
    event: Event,
    *,
    slots: list[SlotInput],
    closes_on: date | None,
    partners: list[Partner] | None = None,
    opened_by=None,
    now: datetime | None = None,
) -> DatePoll:
    """Validate and add a poll to the session (the caller commits); the event is untouched.

    `partners` default to the event's visiting partners and its host; the host is always
    asked, and only partners taking part in the event can be.
    """
    now = now or utcnow()
    if event.status not in POLLABLE:
        raise DomainError(
            _(
                "A date poll is for an event whose date is not fixed yet (planned or "
                "postponed); this one is %(status)s.",
                status=event.status_enum.label.lower(),
            ),
            "event",
        )
    if open_poll_for(event) is not None:
        raise DomainError(_("This event has an open date poll already."), "event")
    zone_name = event.host.timezone
    today = in_zone(now, zone_name).date()
    if closes_on is None:
        raise DomainError(_("Give the day the poll closes."), "closes_on")
    if closes_on < today:
        raise DomainError(_("The poll cannot close before today."), "closes_on")
    if not slots:
        raise DomainError(_("Give at least one candidate date."), "slots")
    spans = []
    for given in slots:
        span = slot_span(zone_name, given)
        _check_when(event.project, *span[:2], zone_name, span[2], now)
        if span in spans:
            raise DomainError(_("The same candidate is given twice."), "slots")
        spans.append(span)
    earliest = min(in_zone(s[0], zone_name).date() for s in spans)
    if closes_on > earliest:
        raise DomainError(
            _(
                "The poll must close by the first candidate date (%(day)s).",
                day=format_date(earliest),
            ),
            "closes_on",
        )
    taking_part = {p.id for p in event.participants}
    asked = {p.id: p for p in (partners if partners is not None else event.participants)}
    strangers = sorted(p.city for p in asked.values() if p.id not in taking_part)
    if strangers:
        raise DomainError(
            _(
                "Only partners taking part in the event can be asked: %(partners)s does not.",
                partners=", ".join(strangers),
            ),
            "partners",
        )
    asked[event.host.id] = event.host
    poll = DatePoll(
        event=event, opened_by=opened_by, closes_on=closes_on, status=PollStatus.OPEN.value
    )
    poll.slots = [
        PollSlot(starts_at=s, ends_at=e, timezone=zone_name, all_day=a) for s, e, a in spans
    ]
    poll.asked = [PollPartner(partner=p) for p in sorted(asked.values(), key=lambda p: p.code)]
    db.session.add(poll)
    return poll


# --- Answering


def answers_refusal(poll: DatePoll, now: datetime | None = None) -> str | None:
    """Why the poll takes no answers now, in words; None while it does."""
    if poll.status == PollStatus.PICKED:
        return _("A date has been picked: the poll takes no more answers.")
    if poll.status == PollStatus.CLOSED:
        return _("The poll is closed: it takes no more answers.")
    today = in_zone(now or utcnow(), poll.event.host.timezone).date()
    if today > poll.closes_on:
        return _(
            "The poll closed on %(day)s: it takes no more answers.", day=format_date(poll.closes_on)
        )
    return None


def answer(
    poll: DatePoll,
    partner: Partner,
    answers: dict[int, tuple[str, str]],
    *,
    answered_by=None,
    now: datetime | None = None,
) -> list[PollAnswer]:
    """A partner's answers for its delegation: slot id -> (answer, comment). All are checked
    before any is written; an answer given before is replaced."""
    now = now or utcnow()
    refused = answers_refusal(poll, now)
    if refused:
        raise DomainError(refused, "poll")
    if partner.id not in {row.partner_id for row in poll.asked}:
        raise DomainError(
            _("%(partner)s is not asked in this poll.", partner=partner.city), "partner"
        )
    slots = {slot.id for slot in poll.slots}
    clean: dict[int, tuple[str, str]] = {}
    for slot_id, (value, comment) in answers.items():
        if slot_id not in slots:
            raise DomainError(_("That candidate date is not one of this poll's."), "slot")
        try:
            Answer(value)
        except ValueError:
            raise DomainError(
                _("Answer yes, if need be or no for each candidate date."), "answer"
            ) from None
        clean[slot_id] = (value, fits(text_block(comment or ""), COMMENT_LIMIT, "comment"))
    if not clean:
        raise DomainError(_("Answer at least one candidate date."), "answer")
    rows = []
    for slot_id, (value, comment) in clean.items():
        rows.append(
            save_pair(
                PollAnswer,
                {"slot_id": slot_id, "partner_id": partner.id},
                {
                    "answer": value,
                    "comment": comment,
                    "answered_by_id": getattr(answered_by, "id", None),
                    "answered_at": now,
                },
            )
        )
    for slot in poll.slots:
        db.session.expire(slot, ["answers"])
    return rows


# --- Reading: the ranking, the grid, and what each slot runs into


@dataclass
class Tally:
    slot: PollSlot
    yes: int
    if_need_be: int
    no: int
    unanswered: int


def ranking(poll: DatePoll) -> list[Tally]:
    """Slots best first: most yes, then fewest no, then most if need be; earlier on ties."""
    asked = len(poll.asked)
    tallies = []
    for slot in poll.slots:
        counts = {value: 0 for value in Answer}
        for row in slot.answers:
            counts[Answer(row.answer)] += 1
        tallies.append(
            Tally(
                slot,
                counts[Answer.YES],
                counts[Answer.IF_NEED_BE],
                counts[Answer.NO],
                asked - len(slot.answers),
            )
        )
    return sorted(tallies, key=lambda t: (-t.yes, t.no, -t.if_need_be, t.slot.starts_at))


def answer_grid(poll: DatePoll) -> dict[tuple[int, int], PollAnswer]:
    """(slot id, partner id) -> the answer given."""
    return {(row.slot_id, row.partner_id): row for slot in poll.slots for row in slot.answers}


def overlaps(poll: DatePoll) -> dict[tuple[int, int], list[Event]]:
    """(slot id, partner id) -> that partner's other events overlapping the slot: one query."""
    if not poll.slots:
        return {}
    partner_ids = {row.partner_id for row in poll.asked}
    first = min(s.starts_at for s in poll.slots)
    last = max(s.ends_at for s in poll.slots)
    others = db.session.scalars(
        select(Event)
        .join(event_participant, event_participant.c.event_id == Event.id)
        .where(
            event_participant.c.partner_id.in_(partner_ids),
            Event.id != poll.event_id,
            Event.starts_at < last,
            Event.ends_at > first,
            Event.status != EventStatus.CANCELLED.value,
        )
        .options(selectinload(Event.participants))
        .distinct()
        .order_by(Event.starts_at)
    ).all()
    found: dict[tuple[int, int], list[Event]] = {}
    for slot in poll.slots:
        for other in others:
            if other.starts_at < slot.ends_at and other.ends_at > slot.starts_at:
                for partner in other.participants:
                    if partner.id in partner_ids:
                        found.setdefault((slot.id, partner.id), []).append(other)
    return found


def holidays(poll: DatePoll, lang: str | None = None) -> dict[tuple[int, int], list[str]]:
    """(slot id, partner id) -> the public holidays of that partner on the slot's days."""
    if not poll.slots:
        return {}
    spans = {
        slot.id: _slot_days(slot.starts_at, slot.ends_at, slot.timezone, slot.all_day)
        for slot in poll.slots
    }
    first = min(s[0] for s in spans.values())
    last = max(s[1] for s in spans.values())
    found: dict[tuple[int, int], list[str]] = {}
    for partner in poll.partners:
        days = holidays_between(partner, first, last, lang)
        for slot_id, (slot_first, slot_last) in spans.items():
            names = [
                f"{format_date(day)}: {name}"
                for day, day_names in sorted(days.items())
                if slot_first <= day <= slot_last
                for name in day_names
            ]
            if names:
                found[(slot_id, partner.id)] = names
    return found


# --- Picking


def event_input(slot: PollSlot, zone_name: str) -> tuple:
    """The slot as the event form's input: days, or local wall-clock times in `zone_name`."""
    if slot.all_day:
        return _slot_days(slot.starts_at, slot.ends_at, slot.timezone, True)
    start, end = in_zone(slot.starts_at, zone_name), in_zone(slot.ends_at, zone_name)
    return (
        start.replace(tzinfo=None, fold=start.fold),
        end.replace(tzinfo=None, fold=end.fold),
    )


def check_pickable(poll: DatePoll, slot: PollSlot, seen_version: str | None, now=None) -> None:
    if poll.status == PollStatus.PICKED:
        raise DomainError(
            _(
                "A date was picked already: %(when)s.",
                when=slot_words(poll.picked_slot) if poll.picked_slot else "",
            ),
            "slot",
        )
    if poll.status == PollStatus.CLOSED:
        raise DomainError(_("The poll is closed: no date can be picked from it."), "slot")
    if slot.poll_id != poll.id:
        raise DomainError(_("That candidate date is not one of this poll's."), "slot")
    check_version(poll, seen_version)
    project = poll.event.project
    _check_when(project, slot.starts_at, slot.ends_at, slot.timezone, slot.all_day, now or utcnow())


def pick_warnings(poll: DatePoll, slot: PollSlot) -> list[str]:
    """What the event form would warn of for these dates (overlaps, holidays, periods)."""
    event = poll.event
    start, end = event_input(slot, event.timezone)
    starts_at, ends_at, _all_day = events.event_span(start, end, event.timezone)
    warnings = events.change_warnings(
        event,
        starts_at=starts_at,
        ends_at=ends_at,
        zone_name=event.timezone,
        host=event.host,
        partners=list(event.participants),
        venue=event.venue,
        expected_attendance=event.expected_attendance,
    )
    # The form's warnings name holidays too once a move brings them up; a pick always
    # says them, once each.
    holidays = holiday_warnings(event.participants, starts_at, ends_at, event.timezone)
    return warnings + [w for w in holidays if w not in warnings]


def pick(
    poll: DatePoll,
    slot: PollSlot,
    *,
    seen_version: str | None,
    outside_sessions: str | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Give the event the slot's dates through the event form's service, confirm it, and
    close the poll. The caller asks `pick_warnings` first, as the form does, and commits."""
    now = now or utcnow()
    check_pickable(poll, slot, seen_version, now)
    event = poll.event
    start, end = event_input(slot, event.timezone)
    outbox.give_reason(db.session, event, REASON)
    changed = events.update_event(
        event,
        start=start,
        end=end,
        outside_sessions=outside_sessions,
        status=EventStatus.CONFIRMED.value,
    )
    poll.status = PollStatus.PICKED.value
    poll.picked_slot = slot
    return changed


def close(poll: DatePoll, *, seen_version: str | None) -> None:
    """End the poll without a date; the event stays as it is."""
    if poll.status == PollStatus.PICKED:
        raise DomainError(_("A date was picked already: the poll is closed."), "poll")
    if poll.status == PollStatus.CLOSED:
        raise DomainError(_("The poll is closed already."), "poll")
    check_version(poll, seen_version)
    poll.status = PollStatus.CLOSED.value
