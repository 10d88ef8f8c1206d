"""The poll page's reads, eagerly loaded: its query count does not grow with slots,
partners or answers."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.events.models import Event
from app.extensions import db
from app.polls.models import DatePoll, PollPartner, PollSlot


def get_poll(poll_id: int) -> DatePoll | None:
    return db.session.scalars(
        select(DatePoll)
        .where(DatePoll.id == poll_id)
        .options(
            joinedload(DatePoll.event).joinedload(Event.host),
            joinedload(DatePoll.event).selectinload(Event.participants),
            joinedload(DatePoll.event).joinedload(Event.project),
            selectinload(DatePoll.slots).selectinload(PollSlot.answers),
            selectinload(DatePoll.asked).joinedload(PollPartner.partner),
            joinedload(DatePoll.picked_slot),
        )
    ).first()
