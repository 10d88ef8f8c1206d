"""Reading the activity log, and undoing a removal from it.

Entries are written by `app.activity.tracking`; this module answers "what happened to
this page's objects", "what happened, filtered" (one page at a time, a fixed number of
queries) and puts a removed session or piece of evidence back.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.activity.models import ActivityEntry
from app.db_types import utcnow
from app.errors import DomainError
from app.events.models import Event, EventSession
from app.events.services import event_changed
from app.extensions import db
from app.outcomes.models import Action, Attachment
from app.outcomes.services import upload_dir
from app.partners.models import Person
from app.practices.models import GoodPractice
from app.timezones import zone

#: A removed session or piece of evidence can be put back for this long; the file of
#: removed evidence is kept on disk until then (`flask activity purge` deletes it after).
KEEP_REMOVED_DAYS = 30
RESTORABLE_KINDS = ("session", "evidence")
PAGE_SIZE = 50
PANEL_SIZE = 30


def history_of(scope_kind: str, scope_id: int, limit: int = PANEL_SIZE) -> list[ActivityEntry]:
    """The newest entries shown on one object's page (its parts included), newest first."""
    return list(
        db.session.scalars(
            select(ActivityEntry)
            .where(ActivityEntry.scope_kind == scope_kind, ActivityEntry.scope_id == scope_id)
            .order_by(ActivityEntry.at.desc(), ActivityEntry.id.desc())
            .limit(limit)
        )
    )


@dataclass
class LogFilters:
    user_id: int | None = None
    kind: str | None = None
    since: date | None = None  # inclusive, in the reader's zone
    until: date | None = None  # inclusive, in the reader's zone
    scope_kind: str | None = None
    scope_id: int | None = None
    zone_name: str = "UTC"


def _midnight(day: date, zone_name: str) -> datetime:
    return datetime.combine(day, time.min, zone(zone_name)).astimezone(UTC)


def log_page(filters: LogFilters, page: int = 1, size: int = PAGE_SIZE):
    """One page of the whole log, newest first: (entries, total count)."""
    query = select(ActivityEntry)
    if filters.user_id is not None:
        query = query.where(ActivityEntry.user_id == filters.user_id)
    if filters.kind:
        query = query.where(ActivityEntry.object_kind == filters.kind)
    if filters.scope_kind and filters.scope_id is not None:
        query = query.where(
            ActivityEntry.scope_kind == filters.scope_kind,
            ActivityEntry.scope_id == filters.scope_id,
        )
    if filters.since:
        query = query.where(ActivityEntry.at >= _midnight(filters.since, filters.zone_name))
    if filters.until:
        end = _midnight(filters.until + timedelta(days=1), filters.zone_name)
        query = query.where(ActivityEntry.at < end)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    entries = db.session.scalars(
        query.order_by(ActivityEntry.at.desc(), ActivityEntry.id.desc())
        .limit(size)
        .offset((max(page, 1) - 1) * size)
    ).all()
    return list(entries), total


def restorable(entry: ActivityEntry, now: datetime | None = None) -> bool:
    """A removal of a session or evidence, not yet undone, within the keeping time."""
    now = now or utcnow()
    return (
        entry.action == "removed"
        and entry.object_kind in RESTORABLE_KINDS
        and entry.snapshot is not None
        and entry.restored_at is None
        and entry.at >= now - timedelta(days=KEEP_REMOVED_DAYS)
    )


def _owner(data: dict):
    if data.get("event_id"):
        return db.session.get(Event, data["event_id"])
    if data.get("practice_id"):
        return db.session.get(GoodPractice, data["practice_id"])
    if data.get("action_id"):
        return db.session.get(Action, data["action_id"])
    return None


def evidence_owner(attachment: Attachment):
    """The event, practice or action a file of evidence belongs to."""
    return _owner(
        {
            "event_id": attachment.event_id,
            "practice_id": attachment.practice_id,
            "action_id": attachment.action_id,
        }
    )


def restore_target(entry: ActivityEntry):
    """The object a restored item goes back into (an event, a practice or an action)."""
    return _owner(entry.snapshot_data or {})


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _free_id(model, wanted: int | None) -> int | None:
    """The old id when no other row took it, so links and calendar UIDs come back."""
    if wanted is not None and db.session.get(model, wanted) is None:
        return wanted
    return None


def restore(entry: ActivityEntry, now: datetime | None = None):
    """Put a removed session or piece of evidence back; logged as restored."""
    if not restorable(entry, now):
        raise DomainError(
            ngettext(
                "This can no longer be restored: removals are kept for %(num)d day "
                "and restored once.",
                "This can no longer be restored: removals are kept for %(num)d days "
                "and restored once.",
                KEEP_REMOVED_DAYS,
            ),
            "entry",
        )
    if restore_target(entry) is None:
        raise DomainError(_("What it belonged to no longer exists."), "entry")
    data = entry.snapshot_data
    restored = _restore_session(data) if entry.object_kind == "session" else _restore_file(data)
    entry.restored_at = now or utcnow()
    return restored


def _restore_session(data: dict) -> EventSession:
    event = db.session.get(Event, data["event_id"])
    starts_at, ends_at = _instant(data["starts_at"]), _instant(data["ends_at"])
    # Sessions keep to their event; one moved since would have this one outside it.
    slack = timedelta(hours=12)
    if starts_at < event.starts_at - slack or ends_at > event.ends_at + slack:
        raise DomainError(
            _("The event has moved since this session was removed; add it again instead."),
            "entry",
        )
    experts = [p for p in (db.session.get(Person, i) for i in data.get("experts", [])) if p]
    session = EventSession(
        id=_free_id(EventSession, data.get("id")),
        title=data["title"],
        kind=data["kind"],
        description=data.get("description") or "",
        starts_at=starts_at,
        ends_at=ends_at,
        experts=experts,
    )
    session._activity_restored = True  # the log says "restored", not "created"
    event.sessions.append(session)
    # Back in the agenda: a change subscribed calendars must see.
    event.revision = (event.revision or 1) + 1
    event.updated_at = utcnow()
    db.session.flush()
    event_changed.send(event, changes=["sessions"])
    return session


def _restore_file(data: dict) -> Attachment:
    if not (upload_dir() / data["stored_name"]).is_file():
        raise DomainError(_("The file is no longer kept; upload it again."), "entry")
    attachment = Attachment(
        id=_free_id(Attachment, data.get("id")),
        event_id=data.get("event_id"),
        practice_id=data.get("practice_id"),
        action_id=data.get("action_id"),
        category=data.get("category") or "other",
        original_name=data["original_name"],
        stored_name=data["stored_name"],
        content_type=data["content_type"],
        size_bytes=data["size_bytes"],
        uploaded_at=_instant(data["uploaded_at"]) if data.get("uploaded_at") else utcnow(),
        uploaded_by_id=data.get("uploaded_by_id"),
    )
    attachment._activity_restored = True
    db.session.add(attachment)
    db.session.flush()
    return attachment


def purge_removed_files(now: datetime | None = None) -> list[Path]:
    """Delete the files of evidence removed longer ago than the keeping time and not
    restored (nor stored again under the same name). Returns the paths deleted."""
    cutoff = (now or utcnow()) - timedelta(days=KEEP_REMOVED_DAYS)
    entries = db.session.scalars(
        select(ActivityEntry).where(
            ActivityEntry.object_kind == "evidence",
            ActivityEntry.action == "removed",
            ActivityEntry.restored_at.is_(None),
            ActivityEntry.snapshot.is_not(None),
            ActivityEntry.at < cutoff,
        )
    )
    live = set(db.session.scalars(select(Attachment.stored_name)))
    deleted = []
    for entry in entries:
        name = (entry.snapshot_data or {}).get("stored_name")
        path = upload_dir() / name if name else None
        if path is not None and name not in live and path.is_file():
            path.unlink()
            deleted.append(path)
    return deleted
