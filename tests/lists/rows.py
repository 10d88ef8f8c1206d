"""Rows in bulk for the list tests (as an import would write them)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from app.events.models import Attendance, Event, EventSession, event_participant, session_expert
from app.extensions import db
from app.partners.models import Person
from app.practices.models import GoodPractice, Transfer

_next_id = iter(range(1, 10**6))


def add_rows(world, count: int) -> None:
    """`count` events around now (every fourth internal, each with a session and its expert,
    a visiting partner and attendance), practices with a transfer, and people: written in
    bulk, as an import would."""
    project, tartu, gavle = world["project"], world["tartu"], world["gavle"]
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    events, participants, sessions, experts, attendance = [], [], [], [], []
    people, practices, transfers = [], [], []
    for _ in range(count):
        n = next(_next_id)
        # Half before now, half after, scattered over some seven months each way (so even
        # the first ten reach into this semester and the next).
        start = now + timedelta(hours=(n * 7919 % 5000 + 3) * (-1) ** n)
        host = tartu if n % 3 else gavle
        events.append(
            dict(
                id=n,
                project_id=project.id,
                kind="study_visit" if n % 3 else "local_event",
                title=f"Generated event {n}",
                description="",
                host_partner_id=host.id,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                timezone=host.timezone,
                all_day=False,
                format="in_person",
                location="City hall",
                online_platform="",
                online_url="",
                status="planned",
                original_all_day=False,
                original_location="",
                is_public=n % 4 != 0,
                revision=1,
                created_at=now,
                updated_at=now,
            )
        )
        other = gavle if host is tartu else tartu
        participants += [
            dict(event_id=n, partner_id=host.id),
            dict(event_id=n, partner_id=other.id),
        ]
        attendance.append(dict(event_id=n, partner_id=other.id, staff_count=2, stakeholder_count=1))
        people.append(dict(id=n, partner_id=host.id, name=f"Person {n}", kind="expert"))
        if True:
            sessions.append(
                dict(
                    id=n,
                    event_id=n,
                    title="Session",
                    kind="seminar",
                    description="",
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                )
            )
            experts.append(dict(session_id=n, person_id=n))
        practices.append(
            dict(
                id=n,
                project_id=project.id,
                owner_partner_id=host.id,
                title=f"Practice {n}",
                is_public=n % 4 != 0,
                created_at=now,
                updated_at=now,
            )
        )
        transfers.append(dict(id=n, practice_id=n, importer_partner_id=other.id, stage="studied"))
    db.session.execute(insert(Person.__table__), people)
    db.session.execute(insert(Event.__table__), events)
    db.session.execute(insert(event_participant), participants)
    db.session.execute(insert(Attendance.__table__), attendance)
    db.session.execute(insert(EventSession.__table__), sessions)
    db.session.execute(insert(session_expert), experts)
    db.session.execute(insert(GoodPractice.__table__), practices)
    db.session.execute(insert(Transfer.__table__), transfers)
    db.session.commit()
