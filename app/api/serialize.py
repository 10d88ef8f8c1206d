"""Models to the API's shapes. Instants go out in UTC with the zone beside them, and again
in the event's zone with its offset, so a caller never converts."""

from datetime import UTC

from flask import url_for

from app.api import schemas
from app.auth import permissions as can
from app.events.models import Event, EventSession, meeting_link
from app.feeds.services import entry_uid, site_url
from app.partners.models import Partner
from app.partners.periods import ReportingPeriod
from app.practices.models import GoodPractice, Transfer
from app.timezones import in_zone


def partner(p: Partner) -> schemas.PartnerOut:
    return schemas.PartnerOut(
        code=p.code,
        name=p.name,
        city=p.city,
        country=p.country,
        timezone=p.timezone,
        language=p.language,
        is_lead=p.is_lead,
    )


def session(s: EventSession, zone_name: str) -> schemas.SessionOut:
    return schemas.SessionOut(
        id=s.id,
        title=s.title,
        kind=s.kind,
        description=s.description or "",
        starts_at=s.starts_at.astimezone(UTC),
        ends_at=s.ends_at.astimezone(UTC),
        local_start=in_zone(s.starts_at, zone_name),
        local_end=in_zone(s.ends_at, zone_name),
        experts=[
            # Names and functions of experts are public; contact data never leaves.
            schemas.ExpertOut(
                name=person.display_name,
                function=person.function or "",
                partner=person.partner.code if person.partner else None,
            )
            for person in s.experts
        ],
    )


def event(e: Event) -> schemas.EventOut:
    link = meeting_link(e.format, e.online_url, can.can_see_meeting_link())
    return schemas.EventOut(
        id=e.id,
        uid=entry_uid(e.id),
        url=site_url() + url_for("events.detail", event_id=e.id),
        kind=e.kind,
        number=e.number,
        title=e.title,
        display_title=e.display_title,
        description=e.description or "",
        status=e.status,
        format=e.format,
        is_public=e.is_public,
        host=e.host.code,
        participants=[p.code for p in e.participants],
        starts_at=e.starts_at.astimezone(UTC),
        ends_at=e.ends_at.astimezone(UTC),
        timezone=e.timezone,
        all_day=e.all_day,
        local_start=e.local_start,
        local_end=e.local_end,
        place=e.place,
        location=e.location or "",
        online_platform=e.online_platform or "",
        online_url=(link.url or None) if link else None,
        expected_attendance=e.expected_attendance,
        original_starts_at=e.original_starts_at.astimezone(UTC) if e.original_starts_at else None,
        original_ends_at=e.original_ends_at.astimezone(UTC) if e.original_ends_at else None,
        revision=e.revision,
        version=e.version,
        updated_at=e.updated_at.astimezone(UTC),
        sessions=[session(s, e.timezone) for s in e.sessions],
    )


def transfer(t: Transfer) -> schemas.TransferOut:
    return schemas.TransferOut(
        id=t.id,
        practice_id=t.practice_id,
        practice=t.practice.title,
        owner=t.practice.owner.code,
        importer=t.importer.code,
        stage=t.stage,
        history=[
            schemas.StageStep(
                stage=step.stage, happened_on=step.happened_on, event_id=step.event_id
            )
            for step in t.history
        ],
    )


def practice(p: GoodPractice) -> schemas.PracticeOut:
    return schemas.PracticeOut(
        id=p.id,
        title=p.title,
        owner=p.owner.code,
        theme=p.theme or "",
        location=p.location or "",
        summary=p.summary or "",
        is_public=p.is_public,
        updated_at=p.updated_at.astimezone(UTC),
        transfers=[transfer(t) for t in p.transfers],
    )


def semester(period: ReportingPeriod) -> schemas.SemesterOut:
    return schemas.SemesterOut(
        number=period.number, start=period.start, last_day=period.last_day, phase=period.phase
    )
