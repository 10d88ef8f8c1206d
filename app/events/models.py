"""Events, their sessions (agenda), participating partners and attendance."""

import re
from datetime import datetime
from typing import NamedTuple

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy import inspect as inspect_row
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from app.db_types import UTCDateTime, utcnow
from app.enums import (
    AttendanceSource,
    EventFormat,
    EventKind,
    EventStatus,
    SessionKind,
    one_of,
)
from app.errors import DomainError
from app.extensions import db
from app.formatting import DEFAULT_LANGUAGE, language
from app.partners.models import Partner, Person, Project, Venue
from app.timezones import in_zone, zone

event_participant = Table(
    "event_participant",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partner.id", ondelete="RESTRICT"), primary_key=True),
)

session_expert = Table(
    "session_expert",
    db.metadata,
    Column("session_id", ForeignKey("event_session.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True),
)


def kind_title(kind: str, number: int | None, title: str) -> str:
    """'Thematic event #3: ...' or 'Study visit: ...': the kind shown once.

    A title that already starts with the kind's label is not prefixed again. One that reads
    as a phrase ("Study visit to Gävle") is shown as typed; one with a number or separator
    ("Study visit: Tartu's e-services", "study visit #3 – Tartu") is written the usual
    way, the event's number winning over one typed in the title.

    The kind is written in the current language (the page's, or the one a feed or report
    forces); a title typed with the kind in English or in that language is recognised.
    """
    label = EventKind(kind).label
    labels = [label]
    if language() != DEFAULT_LANGUAGE:
        with force_locale(DEFAULT_LANGUAGE):
            labels.append(EventKind(kind).label)
    for typed_label in labels:
        typed = re.match(
            rf"{re.escape(typed_label)}(?:\s*#\s*(\d+))?(?![\w])\s*([:\-–—]?)\s*",
            title,
            re.IGNORECASE,
        )
        if typed:
            if not (typed.group(1) or typed.group(2)) and typed.end() < len(title):
                return title
            number = number or int(typed.group(1) or 0) or None
            title = title[typed.end() :]
            break
    # Translators: a numbered event's kind, "Thematic event #3"; %(kind)s is its kind.
    prefix = _("%(kind)s #%(number)d", kind=label, number=number) if number else label
    return f"{prefix}: {title}" if title else prefix


#: What a reader who may not have the meeting link is told, in English; `meeting_link`
#: gives it in the reader's language (or the language a feed forces).
LINK_FOR_PARTICIPANTS = "Online — link for participants"


class MeetingLink(NamedTuple):
    url: str  # the link itself; "" for a reader who may not have it
    words: str  # what that reader is told instead


def meeting_link(format: str, url: str, may_see: bool) -> MeetingLink | None:
    """An event's meeting link as one reader gets it: the URL for participants (see
    `can_see_meeting_link`), LINK_FOR_PARTICIPANTS for everyone else; None when the event
    has no link or is held in person only (a link kept from before does not count)."""
    if not url or format == EventFormat.IN_PERSON:
        return None
    return MeetingLink(url, "") if may_see else MeetingLink("", _("Online — link for participants"))


class Event(db.Model):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="end_after_start"),
        CheckConstraint(
            "original_ends_at IS NULL OR original_ends_at > original_starts_at",
            name="original_end_after_start",
        ),
        CheckConstraint("revision >= 1", name="revision_positive"),
        CheckConstraint(
            "expected_attendance IS NULL OR expected_attendance >= 0",
            name="expected_attendance_not_negative",
        ),
        CheckConstraint("number IS NULL OR number > 0", name="number_positive"),
        one_of("kind", EventKind),
        one_of("status", EventStatus),
        one_of("format", EventFormat),
        UniqueConstraint("project_id", "import_uid", name="uq_event_import_uid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    number: Mapped[int | None]  # "thematic event #3"
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    host_partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="RESTRICT"), index=True
    )

    # When: instants in UTC, plus the IANA zone the event happens in.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    # Known only by its date(s): starts/ends at local midnights.
    all_day: Mapped[bool] = mapped_column(default=False)

    # Where.
    format: Mapped[str] = mapped_column(String(20), default=EventFormat.IN_PERSON.value)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="SET NULL"))
    location: Mapped[str] = mapped_column(String(300), default="")  # free text when no venue
    online_platform: Mapped[str] = mapped_column(String(80), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    expected_attendance: Mapped[int | None]

    status: Mapped[str] = mapped_column(String(20), default=EventStatus.PLANNED.value, index=True)
    # Where and when it was first planned, kept when it moves.
    original_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    original_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    original_all_day: Mapped[bool] = mapped_column(default=False)
    original_location: Mapped[str] = mapped_column(String(300), default="")

    is_public: Mapped[bool] = mapped_column(default=True)
    # The UID of the calendar entry this event was imported from (app.calendar_import): a
    # second import of the same entry updates this event instead of adding another.
    import_uid: Mapped[str | None] = mapped_column(String(255))
    # Goes up with every change a subscribed calendar must see (iCal SEQUENCE).
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking (app.versioning): every UPDATE checks and raises it.
    version: Mapped[int] = mapped_column(server_default="1")
    __mapper_args__ = {"version_id_col": version}

    project: Mapped[Project] = relationship()
    host: Mapped[Partner] = relationship(foreign_keys=[host_partner_id])
    venue: Mapped[Venue | None] = relationship()
    participants: Mapped[list[Partner]] = relationship(
        secondary=event_participant, order_by=Partner.code
    )
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event",
        order_by="EventSession.starts_at",
        cascade="all, delete-orphan",
    )
    attendance: Mapped[list["Attendance"]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    @validates("timezone")
    def _check_timezone(self, _key: str, value: str) -> str:
        zone(value)
        return value

    @property
    def kind_enum(self) -> EventKind:
        return EventKind(self.kind)

    @property
    def status_enum(self) -> EventStatus:
        return EventStatus(self.status)

    @property
    def format_enum(self) -> EventFormat:
        return EventFormat(self.format)

    @property
    def display_title(self) -> str:
        """'Thematic event #3: ...' or 'Study visit: ...' (see `kind_title`)."""
        return kind_title(self.kind, self.number, self.title)

    @property
    def local_start(self) -> datetime:
        return in_zone(self.starts_at, self.timezone)

    @property
    def local_end(self) -> datetime:
        return in_zone(self.ends_at, self.timezone)

    @property
    def place(self) -> str:
        """Where, in words: venue and city, or the online platform."""
        return self._place(with_address=False)

    @property
    def place_with_address(self) -> str:
        """`place` with the venue's street address, as the event page shows it. Online only,
        it is the platform alone: a street kept from the plan is in `original_location`."""
        return self._place(with_address=True)

    @property
    def stored_place(self) -> str:
        """`place_with_address` in English, as the database keeps it (original_location)."""
        with force_locale(DEFAULT_LANGUAGE):
            return self._place(with_address=True)

    def _place(self, with_address: bool) -> str:
        platform = self.online_platform
        physical = str(self.venue) if self.venue else self.location
        if with_address and self.venue and self.venue.address:
            physical = f"{physical}, {self.venue.address}"
        if self.format == EventFormat.HYBRID and physical:
            if platform:
                # Translators: where a hybrid event is held: "Tartu City Hall and online (Zoom)".
                return _("%(place)s and online (%(platform)s)", place=physical, platform=platform)
            return _("%(place)s and online", place=physical)
        if self.format in (EventFormat.ONLINE, EventFormat.HYBRID):
            if platform:
                # Translators: where an online event is held: "Online (Zoom)".
                return _("Online (%(platform)s)", platform=platform)
            return _("Online")
        return physical or self.host.city

    @property
    def visiting_partners(self) -> list[Partner]:
        return [p for p in self.participants if p.id != self.host_partner_id]

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.display_title!r}>"


class EventSession(db.Model):
    """One part of an event's agenda, with its own hours and experts."""

    __tablename__ = "event_session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="end_after_start"),
        one_of("kind", SessionKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default=SessionKind.SEMINAR.value)
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(server_default="1")
    __mapper_args__ = {"version_id_col": version}

    event: Mapped[Event] = relationship(back_populates="sessions")
    experts: Mapped[list[Person]] = relationship(secondary=session_expert, order_by=Person.name)

    @property
    def kind_enum(self) -> SessionKind:
        return SessionKind(self.kind)


class Attendance(db.Model):
    """How many people from a partner, and from its local stakeholders, took part."""

    __tablename__ = "attendance"
    __table_args__ = (
        CheckConstraint("staff_count >= 0", name="staff_not_negative"),
        CheckConstraint("stakeholder_count >= 0", name="stakeholders_not_negative"),
        one_of("source", AttendanceSource),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="RESTRICT"), primary_key=True
    )
    staff_count: Mapped[int] = mapped_column(default=0)
    stakeholder_count: Mapped[int] = mapped_column(default=0)
    # A head count typed by hand, or the people checked in (staff and experts as staff).
    source: Mapped[str] = mapped_column(
        String(20),
        default=AttendanceSource.HEAD_COUNT.value,
        server_default=AttendanceSource.HEAD_COUNT.value,
    )

    event: Mapped[Event] = relationship(back_populates="attendance")
    partner: Mapped[Partner] = relationship()

    @property
    def total(self) -> int:
        return self.staff_count + self.stakeholder_count


def _ends_before_start(target: Event | EventSession) -> bool:
    return bool(target.starts_at and target.ends_at and target.ends_at <= target.starts_at)


@event.listens_for(Event, "before_insert")
@event.listens_for(Event, "before_update")
def _validate_event(_mapper, _connection, target: Event) -> None:
    if _ends_before_start(target):
        raise DomainError(_("The event must end after it starts."), field="ends_at")


@event.listens_for(EventSession, "before_insert")
@event.listens_for(EventSession, "before_update")
def _validate_session(_mapper, _connection, target: EventSession) -> None:
    if _ends_before_start(target):
        raise DomainError(_("The session must end after it starts."), field="ends_at")


def _moved(item: Event) -> bool:
    state = inspect_row(item)
    return state.pending or any(
        state.attrs[name].history.has_changes() for name in ("starts_at", "ends_at")
    )


@event.listens_for(Session, "before_flush")
def _sessions_within_their_event(session: Session, _context, _instances) -> None:
    """No session lies outside its event (an all-day event's bounds are its local
    midnights). The services check first, with a message for the form; this catches any
    other writer before the row is written."""
    events: set[Event] = set()
    with session.no_autoflush:
        for item in (*session.new, *session.dirty):
            if isinstance(item, EventSession) and item.event is not None:
                events.add(item.event)
            elif isinstance(item, Event) and _moved(item):
                events.add(item)
        for item in events:
            for part in item.sessions:
                if part in session.deleted:
                    continue
                if part.starts_at < item.starts_at or part.ends_at > item.ends_at:
                    raise DomainError(
                        _(
                            "The session %(title)s lies outside its event's dates.",
                            title=repr(part.title),
                        ),
                        field="start_date",
                    )
