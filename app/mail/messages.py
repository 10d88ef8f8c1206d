"""What one message says: subject, plain-text body and the iCalendar attachment, in the
recipient's language, from the event as it is now and the states it had before.

The attachment is the event's own entry exactly as the feeds build it (same UID, SEQUENCE =
Event.revision, same VTIMEZONEs), with the iTIP method, ORGANIZER and ATTENDEE an e-mail
invitation needs, so a calendar client updates the entry it already has.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, vCalAddress
from itsdangerous import URLSafeSerializer

from app.db_types import utcnow
from app.enums import EventFormat, EventStatus
from app.events.models import Event, meeting_link
from app.extensions import db
from app.feeds.services import (
    PRODID,
    build_entries,
    entry_uid,
    event_feed,
    place,
    site_url,
    timezones_for,
    to_component,
)
from app.formatting import all_day_last, format_date_span, format_datetime_span
from app.mail.models import CalendarMethod, MessageKind
from app.partners.models import Person, Venue

#: The event's columns a message compares, as stored in a message's change list.
SNAPSHOT_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "all_day",
    "timezone",
    "format",
    "venue_id",
    "location",
    "online_platform",
    "online_url",
    "status",
    "is_public",
)
UNSUBSCRIBE_SALT = "mail-unsubscribe"

#: Why a change was made, when the area making it says so (`outbox.give_reason`): reason ->
#: (subject with %(title)s, first line of the text), lazy, read in the recipient's language.
REASONS: dict[str, tuple] = {}


def register_reason(reason: str, *, subject, line) -> None:
    """Let an area name why it changes an event, so the update says so (once per person)."""
    REASONS[reason] = (subject, line)


def reason_of(changes: list[dict]) -> tuple | None:
    """The registered reason a change in this message was made for, if any."""
    for change in changes:
        if change.get("reason") in REASONS:
            return REASONS[change["reason"]]
    return None


def snapshot(values: dict) -> dict:
    """An event's state as JSON: instants as ISO text."""
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in values.items()
    }


def current_state(event: Event) -> dict:
    return snapshot({name: getattr(event, name) for name in SNAPSHOT_FIELDS})


# --- Unsubscribe links ------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(person_id: int) -> str:
    return _serializer().dumps(person_id)


def person_id_from_token(token: str) -> int | None:
    """The person a link was made for, or None for a link we did not sign."""
    try:
        value = _serializer().loads(token)
    except Exception:  # itsdangerous.BadData and malformed input alike
        return None
    return value if isinstance(value, int) and value > 0 else None


def unsubscribe_url(person_id: int) -> str:
    return f"{site_url()}/mail/unsubscribe/{unsubscribe_token(person_id)}"


# --- Content ------------------------------------------------------------------------


@dataclass
class Content:
    subject: str
    body: str
    calendar: str
    method: str
    sequence: int


def compose(
    event: Event,
    person: Person,
    kind: MessageKind,
    changes: list[dict],
    registered: bool,
    may_see_link: bool,
    entries: dict | None = None,
) -> Content:
    """The message for `person` about `event`, in their language. `entries` keeps the
    event's feed entry per language between recipients of one change."""
    lang = person.mail_language
    cancelled = event.status == EventStatus.CANCELLED
    method = (
        CalendarMethod.CANCEL
        if cancelled or kind == MessageKind.WITHDRAWAL
        else CalendarMethod.REQUEST
    )
    with force_locale(lang):
        title = event.display_title
        lines = (
            change_lines(changes[0], event, person)
            if kind == MessageKind.UPDATE and changes
            else []
        )
        subject = _subject(kind, event, changes, title)
        reason = reason_of(changes) if kind == MessageKind.UPDATE else None
        if reason is not None:
            subject = str(reason[0]) % {"title": title}
            lines = [str(reason[1]), *lines]
        body = render_template(
            "mail/message_text.html",
            person=person,
            event=event,
            kind=kind.value,
            title=title,
            lines=lines,
            when=_when(event, person),
            where=_place_of(current_state(event), event),
            link=_link_words(event, may_see_link),
            registered=registered,
            page=f"{site_url()}/events/{event.id}",
            unsubscribe=unsubscribe_url(person.id),
        )
        calendar = invitation_calendar(event, person, method, may_see_link, lang, entries)
    return Content(subject, body.strip() + "\n", calendar, method.value, event.revision)


def _subject(kind: MessageKind, event: Event, changes: list[dict], title: str) -> str:
    if kind == MessageKind.INVITATION:
        # Translators: subject of the e-mail inviting someone to an event
        return _("Invitation: %(title)s", title=title)
    if kind == MessageKind.WITHDRAWAL:
        # Translators: subject of the e-mail telling someone their registration was removed
        return _("Registration withdrawn: %(title)s", title=title)
    first = changes[0] if changes else {}
    if event.status == EventStatus.CANCELLED:
        # Translators: subject of the e-mail saying an event is cancelled
        return _("Cancelled: %(title)s", title=title)
    if event.status == EventStatus.POSTPONED and first.get("status") != EventStatus.POSTPONED:
        # Translators: subject of the e-mail saying an event is postponed
        return _("Postponed: %(title)s", title=title)
    if event.format == EventFormat.ONLINE and first.get("format") != EventFormat.ONLINE:
        # Translators: subject of the e-mail saying an event now happens online
        return _("Moved online: %(title)s", title=title)
    # Translators: subject of the e-mail saying an event's time, place or details changed
    return _("Changed: %(title)s", title=title)


def _instant(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value).astimezone(UTC)


def span_in(state: dict, zone_name: str) -> str:
    """A state's time span as read in `zone_name` (its days for an all-day event)."""
    start, end = _instant(state["starts_at"]), _instant(state["ends_at"])
    if state["all_day"]:
        first = start.astimezone(ZoneInfo(state["timezone"])).date()
        return format_date_span(first, all_day_last(start, end, state["timezone"]))
    return format_datetime_span(start, end, zone_name)


def _when(event: Event, person: Person) -> list[str]:
    """The event's times in the recipient's partner zone and in the event's own."""
    state = current_state(event)
    own = person.partner.timezone
    if event.all_day or own == event.timezone:
        return [_("When: %(when)s", when=span_in(state, event.timezone))]
    return [
        # Translators: an event's time in an e-mail, in the recipient's own time zone
        _("When, your time: %(when)s", when=span_in(state, own)),
        # Translators: an event's time in an e-mail, where the event happens
        _("When, local time of the event: %(when)s", when=span_in(state, event.timezone)),
    ]


def _place_of(state: dict, event: Event) -> str:
    """A state's place in words, by the feeds' own rule."""
    venue = db.session.get(Venue, state["venue_id"]) if state.get("venue_id") else None
    row = SimpleNamespace(
        venue_name=venue.name if venue else "",
        venue_city=venue.city if venue else "",
        location=state["location"],
        format=state["format"],
        online_platform=state["online_platform"],
        host_city=event.host.city,
    )
    return place(row)


def _link_words(event: Event, may_see_link: bool) -> str:
    link = meeting_link(event.format, event.online_url, may_see_link)
    if link is None:
        return ""
    if link.url:
        return _("Online link: %(url)s", url=link.url)
    return link.words


def change_lines(old: dict, event: Event, person: Person) -> list[str]:
    """What changed since `old`, in plain words, times in the recipient's zone."""
    new = current_state(event)
    zone_name = person.partner.timezone
    lines = []
    if old["title"] != new["title"]:
        lines.append(_("Title: was %(old)s, now %(new)s.", old=old["title"], new=new["title"]))
    moved = any(old[k] != new[k] for k in ("starts_at", "ends_at", "all_day"))
    was, now = span_in(old, zone_name), span_in(new, zone_name)
    if new["status"] != old["status"] and new["status"] == EventStatus.CANCELLED:
        # Translators: in an e-mail, the first line about a cancelled event
        lines.append(
            _("Cancelled: the event will not take place (it was planned for %(when)s).", when=was)
        )
    elif new["status"] != old["status"] and new["status"] == EventStatus.POSTPONED:
        if moved:
            lines.append(_("Postponed: was %(old)s, now %(new)s.", old=was, new=now))
        else:
            lines.append(
                _("Postponed: new dates are to be decided (planned for %(when)s).", when=was)
            )
    elif moved:
        lines.append(_("Time: was %(old)s, now %(new)s.", old=was, new=now))
    if new["status"] != old["status"] and new["status"] not in (
        EventStatus.CANCELLED,
        EventStatus.POSTPONED,
    ):
        lines.append(
            _(
                "Status: was %(old)s, now %(new)s.",
                old=EventStatus(old["status"]).label,
                new=EventStatus(new["status"]).label,
            )
        )
    if old["format"] != new["format"]:
        lines.append(
            _(
                "Format: was %(old)s, now %(new)s.",
                old=EventFormat(old["format"]).label,
                new=EventFormat(new["format"]).label,
            )
        )
    old_place, new_place = _place_of(old, event), _place_of(new, event)
    if old_place != new_place:
        lines.append(_("Place: was %(old)s, now %(new)s.", old=old_place, new=new_place))
    if old["online_url"] != new["online_url"] and new["online_url"]:
        lines.append(_("The meeting link changed."))
    if old["is_public"] != new["is_public"]:
        lines.append(
            _("The event is now public.") if new["is_public"] else _("The event is now internal.")
        )
    if not lines:
        lines.append(_("The agenda or the event's details changed."))
    return lines


# --- The attachment -------------------------------------------------------------------


def feed_entry(event: Event, may_see_link: bool, lang: str):
    """The event's own entry exactly as its feed has it, in `lang`."""
    spec = event_feed(
        event.project, event.id, include_internal=True, meeting_links=may_see_link, lang=lang
    )
    uid = entry_uid(event.id)
    return next(e for e in build_entries(spec) if e.uid == uid)


def invitation_calendar(
    event: Event,
    person: Person,
    method: CalendarMethod,
    may_see_link: bool,
    lang: str,
    entries: dict | None = None,
) -> str:
    """The event's own feed entry as an iTIP message to `person`."""
    entries = {} if entries is None else entries
    key = (event.id, event.revision, may_see_link, lang)
    if key not in entries:
        entries[key] = feed_entry(event, may_see_link, lang)
    entry = entries[key]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)
    for component in timezones_for([entry]):
        calendar.add_component(component)
    vevent = to_component(entry)
    # In an iTIP message DTSTAMP is when the message was made (RFC 5546), not the row's change.
    vevent.pop("DTSTAMP")
    vevent.add("dtstamp", utcnow().replace(microsecond=0))
    if method == CalendarMethod.CANCEL:
        vevent.pop("STATUS")
        vevent.add("status", "CANCELLED")
    organizer = vCalAddress(f"mailto:{current_app.config['MAIL_DEFAULT_SENDER']}")
    organizer.params["CN"] = event.host.name
    vevent.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{person.email}")
    attendee.params.update(
        {"CN": person.name, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
    )
    vevent.add("attendee", attendee)
    calendar.add_component(vevent)
    return calendar.to_ical().decode("utf-8")
