"""A stored marker of the last change any feed could show.

Feeds answer conditional requests from it without building the calendar, and their
Last-Modified never goes backwards, also after an event is deleted or leaves a feed
(the remaining rows' `updated_at` would). The marker is raised by a flush listener on
every ORM change to what feeds show, whichever screen or CLI makes it, and when an account
changes its language (its private feed's words).
"""

from datetime import datetime, timedelta

from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db_types import UTCDateTime, utcnow
from app.extensions import db

STATE_ID = 1


class FeedState(db.Model):
    __tablename__ = "feed_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _tracked() -> tuple[type, ...]:
    from app.events.models import Event, EventSession
    from app.partners.models import Partner, Person, Project, Venue
    from app.practices.models import GoodPractice, PracticeEvent

    return (Event, EventSession, Partner, Person, Project, Venue, GoodPractice, PracticeEvent)


def _touches_feeds(session: Session) -> bool:
    tracked = _tracked()
    if any(isinstance(item, tracked) for item in session.new):
        return True
    if any(isinstance(item, tracked) for item in session.deleted):
        return True
    if any(isinstance(item, tracked) and session.is_modified(item) for item in session.dirty):
        return True
    return any(_language_changed(item) for item in session.dirty)


def _language_changed(item) -> bool:
    """An account's language is its private feed's language (without `?lang`): a change
    must move Last-Modified too, or a client asking If-Modified-Since keeps the old words."""
    from app.auth.models import User

    return isinstance(item, User) and inspect(item).attrs.language.history.has_changes()


@event.listens_for(Session, "before_flush")
def _raise_marker(session: Session, _context, _instances) -> None:
    if not _touches_feeds(session):
        return
    now = utcnow()
    with session.no_autoflush:
        state = session.get(FeedState, STATE_ID)
    if state is None:
        session.add(FeedState(id=STATE_ID, version=1, changed_at=now))
        return
    # Never backwards, even if the clock is: at least a second after the last change.
    previous = state.changed_at
    state.changed_at = now if now > previous else previous + timedelta(seconds=1)
    state.version = FeedState.version + 1  # evaluated in SQL: concurrent writers both count
