"""A generated partnership for the figure tests and the benchmark (bench/reports.py).

Semester 2 (February to July 2020) gets `events` events of every kind and status, with
sessions and experts, attendance, practices, outcomes, evidence, transfers with stage
history and action plans; semesters 1 and 3 get some events moved into or out of it.
Events start at 10:00 local time on days 2 to 27, so their UTC and local dates agree
and a test can count them with plain SQL.
"""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from app.enums import (
    ActionStatus,
    EventFormat,
    EventKind,
    EventStatus,
    OutcomeKind,
    PracticeRole,
    TransferStage,
)
from app.events.models import Attendance, Event, EventSession
from app.extensions import db
from app.outcomes.models import Action, ActionGroup, ActionPlan, Attachment, Indicator, Outcome
from app.partners.models import Partner, Person, Phase, Project, SemesterPlan
from app.practices.models import GoodPractice, PracticeEvent, Transfer, TransferStageChange
from app.timezones import local_to_utc

CITIES = [
    ("P1", "Genoa", "IT", "Europe/Rome"),
    ("P2", "Birmingham", "GB", "Europe/London"),
    ("P3", "Gävle", "SE", "Europe/Stockholm"),
    ("P4", "Tartu", "EE", "Europe/Tallinn"),
    ("P5", "Nyíregyháza", "HU", "Europe/Budapest"),
]
STATUSES = [
    (EventStatus.HELD, 60),
    (EventStatus.CANCELLED, 8),
    (EventStatus.POSTPONED, 7),
    (EventStatus.PLANNED, 15),
    (EventStatus.CONFIRMED, 10),
]


def _local(day: date, hour: int, zone_name: str) -> datetime:
    return local_to_utc(datetime(day.year, day.month, day.day, hour), zone_name)


def _day(rng: random.Random, first_month: date, months: int) -> date:
    month = first_month.month - 1 + rng.randrange(months)
    return date(first_month.year + month // 12, month % 12 + 1, rng.randint(2, 27))


def generate(events: int = 40, seed: int = 7, acronym: str = "GEN") -> Project:
    rng = random.Random(seed)
    project = Project(
        acronym=acronym,
        name="Generated partnership",
        programme="Interreg Europe",
        start_date=date(2019, 8, 1),
    )
    project.phases = [
        Phase(number=1, name="Phase 1", start_date=date(2019, 8, 1), end_date=date(2022, 8, 1))
    ]
    db.session.add(project)
    partners = []
    for code, city, country, zone_name in CITIES:
        partner = Partner(
            project=project,
            code=code,
            name=f"City of {city}",
            city=city,
            country=country,
            timezone=zone_name,
            language="en",
            is_lead=code == "P1",
        )
        partners.append(partner)
    people = [
        Person(
            partner=p,
            name=f"Expert {i} of {p.city}",
            function="Expert",
            email=f"expert{i}@{p.code.lower()}.example",
            phone="+000 555 0100",
        )
        for p in partners
        for i in range(1, 4)
    ]
    practices = [
        GoodPractice(
            project=project, owner=partners[i % 5], title=f"Practice {i:03d}", theme="Theme"
        )
        for i in range(1, 31)
    ]
    indicators = [
        Indicator(project=project, code=code, name=name, unit="", target=target)
        for code, name, target in [
            ("GP", "Good practices identified", Decimal(20)),
            ("PE", "Participants in events", Decimal(2000)),
            ("AP", "Action plans developed", None),
        ]
    ]
    db.session.add_all(partners + people + practices + indicators)
    db.session.flush()

    semester_2 = date(2020, 2, 1)
    made = []
    for n in range(events):
        status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
        made.append(_event(rng, project, partners, people, n, status, _day(rng, semester_2, 6)))
    # Moved into semester 2 from semester 1, and out of semester 2 into semester 3.
    for n in range(max(2, events // 10)):
        moved_in = _event(
            rng, project, partners, people, events + n, EventStatus.HELD, _day(rng, semester_2, 6)
        )
        origin = _day(rng, date(2019, 8, 1), 6)
        moved_in.original_starts_at = _local(origin, 10, moved_in.timezone)
        moved_in.original_ends_at = moved_in.original_starts_at + timedelta(hours=6)
        moved_out = _event(
            rng,
            project,
            partners,
            people,
            2 * events + n,
            EventStatus.CONFIRMED,
            _day(rng, date(2020, 8, 1), 6),
        )
        origin = _day(rng, semester_2, 6)
        moved_out.original_starts_at = _local(origin, 10, moved_out.timezone)
        moved_out.original_ends_at = moved_out.original_starts_at + timedelta(hours=6)
        moved_out.original_location = f"{moved_out.host.city} town hall"
        made += [moved_in, moved_out]
    # A few held in semester 1 that presented practices first (not identified in semester 2).
    for n in range(3):
        earlier = _event(
            rng,
            project,
            partners,
            people,
            3 * events + n,
            EventStatus.HELD,
            _day(rng, date(2019, 8, 1), 6),
        )
        for practice in practices[n * 3 : n * 3 + 3]:
            db.session.add(
                PracticeEvent(practice=practice, event=earlier, role=PracticeRole.PRESENTED)
            )
        made.append(earlier)
    db.session.flush()

    for event in made[: len(made) - 3]:  # the last three have their practices already
        if event.status != EventStatus.HELD:
            continue
        for practice in rng.sample(practices, rng.randint(0, 2)):
            db.session.add(
                PracticeEvent(
                    practice=practice, event=event, role=rng.choice(list(PracticeRole)).value
                )
            )
        db.session.add(
            Outcome(event=event, kind=OutcomeKind.LESSON, text=f"Lesson learnt at {event.title}.")
        )
        if rng.random() < 0.5:
            local = event.local_start.date()
            period_number = 1 if local < semester_2 else 2 if local < date(2020, 8, 1) else 3
            db.session.add(
                Outcome(
                    event=event,
                    kind=OutcomeKind.FIGURE,
                    indicator=rng.choice(indicators),
                    value=Decimal(rng.randint(1, 9)),
                    period_number=period_number,
                    text="Figure recorded at the event.",
                )
            )
        for i in range(rng.randint(0, 2)):
            db.session.add(
                Attachment(
                    event_id=event.id,
                    category="minutes",
                    original_name=f"minutes-{event.id}-{i}.pdf",
                    stored_name=f"{event.id:08d}{i:02d}{seed:04d}",
                    content_type="application/pdf",
                    size_bytes=rng.randint(1000, 900000),
                )
            )

    _transfers(rng, partners, practices)
    _plans(rng, partners, practices)
    for kind in (EventKind.STUDY_VISIT, EventKind.IMPORT_WORKSHOP):
        db.session.add(
            SemesterPlan(
                project=project,
                period_number=3,
                kind=kind,
                planned_count=rng.randint(1, 6),
                note="",
            )
        )
    db.session.commit()
    return project


def _event(rng, project, partners, people, n, status, day) -> Event:
    host = rng.choice(partners)
    kind = rng.choice([k for k in EventKind if k is not EventKind.KICK_OFF])
    zone_name = host.timezone
    days = rng.randint(1, 2)
    event = Event(
        project=project,
        kind=kind.value,
        number=n + 1 if kind is EventKind.THEMATIC_EVENT else None,
        title=f"Generated {kind.label.lower()} {n + 1:04d}",
        description=f"Event number {n + 1} hosted by {host.city}.",
        host=host,
        starts_at=_local(day, 10, zone_name),
        ends_at=_local(day + timedelta(days=days - 1), 16, zone_name),
        timezone=zone_name,
        format=rng.choice(list(EventFormat)).value,
        online_platform="Webex",
        location=f"{host.city} town hall",
        status=status.value,
    )
    event.participants = rng.sample(partners, rng.randint(2, 5))
    for d in range(days):
        for hour in (10, 13)[: rng.randint(1, 2)]:
            event.sessions.append(
                EventSession(
                    title=f"Session {d + 1}.{hour}",
                    starts_at=_local(day + timedelta(days=d), hour, zone_name),
                    ends_at=_local(day + timedelta(days=d), hour + 2, zone_name),
                    experts=rng.sample(people, rng.randint(0, 2)),
                )
            )
    if status is EventStatus.HELD:
        for partner in event.participants:
            event.attendance.append(
                Attendance(
                    partner=partner,
                    staff_count=rng.randint(1, 8),
                    stakeholder_count=rng.randint(0, 25),
                )
            )
    db.session.add(event)
    return event


def _transfers(rng, partners, practices) -> None:
    stages = list(TransferStage)
    moments = [
        datetime(2019, 11, 5, 12, tzinfo=UTC),
        datetime(2020, 1, 31, 23, tzinfo=UTC),
        datetime(2020, 3, 10, 12, tzinfo=UTC),
        datetime(2020, 6, 20, 12, tzinfo=UTC),
        datetime(2020, 7, 31, 21, tzinfo=UTC),
        datetime(2020, 9, 15, 12, tzinfo=UTC),
    ]
    for practice in practices[:20]:
        importer = rng.choice([p for p in partners if p.id != practice.owner_partner_id])
        changes = sorted(rng.sample(moments, rng.randint(1, 4)))
        transfer = Transfer(
            practice=practice, importer=importer, stage=stages[len(changes) - 1].value
        )
        transfer.history = [
            TransferStageChange(stage=stages[i].value, changed_at=when, reason="Generated.")
            for i, when in enumerate(changes)
        ]
        db.session.add(transfer)


def _plans(rng, partners, practices) -> None:
    for partner in partners:
        plan = ActionPlan(partner=partner, title=f"{partner.city} action plan")
        group = ActionGroup(position=1, title="Actions")
        plan.groups = [group]
        for i in range(6):
            starts = date(2019, 10, 1) + timedelta(days=rng.randint(0, 400))
            ends = starts + timedelta(days=rng.randint(10, 200))
            status = rng.choice(list(ActionStatus))
            group.actions.append(
                Action(
                    position=i + 1,
                    title=f"{partner.city} action {i + 1}",
                    starts_on=starts if status is not ActionStatus.PLANNED else None,
                    ends_on=ends,
                    status=status.value,
                    inspired_by_practice=rng.choice(practices),
                )
            )
        # One action per plan that started before semester 2 and runs through it.
        group.actions.append(
            Action(
                position=7,
                title=f"{partner.city} long-running action",
                starts_on=date(2019, 12, 1),
                ends_on=date(2020, 12, 31),
                status=ActionStatus.IN_PROGRESS.value,
            )
        )
        db.session.add(plan)
