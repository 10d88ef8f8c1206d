"""The API's list queries: keyset (cursor) pages in a fixed number of queries whatever the
rows, filtered like the pages and limited to what the caller may read."""

import base64
import binascii
import json
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from app.api.spec import api_error
from app.events.models import Event, EventSession
from app.extensions import db
from app.partners.models import Partner, Person, Project
from app.practices.models import GoodPractice, Transfer


def encode_cursor(*values) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, shape: tuple[type, ...]) -> list:
    """The values a cursor holds, of the types `shape` names; a 400 for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(values, list) or len(values) != len(shape):
            raise ValueError
        out = []
        for kind, value in zip(shape, values, strict=True):
            if kind is datetime:
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    raise ValueError
                out.append(moment.astimezone(UTC))
            elif kind is int:
                if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
                    raise ValueError
                out.append(value)
        return out
    except (
        ValueError,
        TypeError,
        OverflowError,
        binascii.Error,
        UnicodeDecodeError,
        json.JSONDecodeError,
    ):
        api_error(400, _("The cursor is not one this API gave: start again without it."), "cursor")


def partner_or_400(project: Project, code: str | None, field: str = "partner") -> Partner | None:
    if not code:
        return None
    found = db.session.scalar(
        select(Partner).where(Partner.project_id == project.id, Partner.code == code)
    )
    if found is None:
        api_error(400, _("No partner has the code %(code)s.", code=repr(code)), field)
    return found


def event_details(query: Select) -> Select:
    return query.options(
        selectinload(Event.host),
        selectinload(Event.participants),
        selectinload(Event.venue),
        selectinload(Event.sessions)
        .selectinload(EventSession.experts)
        .selectinload(Person.partner),
    )


def event_page(query: Select, limit: int, cursor: str | None) -> tuple[list[Event], str | None]:
    """One page of `query`'s events in start order (then id), after `cursor`."""
    if cursor:
        starts_at, event_id = decode_cursor(cursor, (datetime, int))
        query = query.where(
            or_(
                Event.starts_at > starts_at,
                and_(Event.starts_at == starts_at, Event.id > event_id),
            )
        )
    rows = list(
        db.session.scalars(
            event_details(query.order_by(Event.starts_at, Event.id).limit(limit + 1))
        )
    )
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(last.starts_at.astimezone(UTC), last.id)


def id_page(query: Select, model, limit: int, cursor: str | None) -> tuple[list, str | None]:
    """One page of `query` in id order, after `cursor`."""
    if cursor:
        (after,) = decode_cursor(cursor, (int,))
        query = query.where(model.id > after)
    rows = list(db.session.scalars(query.order_by(model.id).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode_cursor(rows[limit - 1].id)


def practice_details(query: Select) -> Select:
    return query.options(
        selectinload(GoodPractice.owner),
        selectinload(GoodPractice.transfers).selectinload(Transfer.importer),
        selectinload(GoodPractice.transfers).selectinload(Transfer.history),
    )


def transfer_details(query: Select) -> Select:
    return query.options(
        selectinload(Transfer.practice).selectinload(GoodPractice.owner),
        selectinload(Transfer.importer),
        selectinload(Transfer.history),
    )
