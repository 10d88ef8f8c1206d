"""Calendar feeds: which events, as which entries, serialized with icalendar.

`feed_for(spec, client_has)` answers what the views need: an ETag, a Last-Modified and,
unless the client already has it, the body. It first runs one aggregate query
(`queries.validator`); a per-app cache maps that validator to the ETag (and, within a
memory budget, the body) it produced last time, so a matching conditional request
answers 304 without reading or building the feed.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from icalendar import Event as VEvent
from icalendar.prop import vDuration, vUri
from sqlalchemy import select

from app.activity import security
from app.auth.models import User, new_feed_token
from app.auth.permissions import can_see_meeting_link
from app.demo.provenance import assumed_reasons
from app.enums import EventFormat, EventKind, EventStatus, PracticeRole
from app.errors import DomainError
from app.events.models import kind_title, meeting_link
from app.extensions import db
from app.feeds import queries
from app.feeds.queries import Scope
from app.feeds.vtimezone import vtimezone
from app.formatting import (
    DEFAULT_LANGUAGE,
    format_date,
    format_local,
    format_month,
    format_time,
    is_whole_month,
)
from app.partners.models import Partner, Project

PRODID = "-//Interreg partnership programme//Calendar feeds 1.0//EN"
REFRESH = timedelta(hours=6)
_STATUS = {
    EventStatus.PLANNED: "TENTATIVE",
    EventStatus.CONFIRMED: "CONFIRMED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.CANCELLED: "CANCELLED",
    EventStatus.HELD: "CONFIRMED",
}
_PRACTICE_HEADINGS = {
    PracticeRole.PRESENTED: _l("Good practices presented"),
    PracticeRole.STUDIED: _l("Good practices studied"),
    PracticeRole.IMPORT_WORKSHOP: _l("Good practices worked on (import workshop)"),
}
#: A feed narrowed to one kind names it in the plural, in lower case, as in
#: "DEMO events (with Tartu, study visits)".
_KIND_PLURALS = {
    # Translators: a feed narrowed to one kind of event: "BETTER events (kick-off meetings)"
    EventKind.KICK_OFF: _l("kick-off meetings"),
    # Translators: a calendar feed narrowed to one kind of event: "BETTER events (thematic events)"
    EventKind.THEMATIC_EVENT: _l("thematic events"),
    # Translators: a calendar feed narrowed to one kind of event: "BETTER events (study visits)"
    EventKind.STUDY_VISIT: _l("study visits"),
    # Translators: a calendar feed narrowed to one kind of event: "BETTER events (import workshops)"
    EventKind.IMPORT_WORKSHOP: _l("import workshops"),
    # Translators: a calendar feed narrowed to one kind of event
    EventKind.LOCAL_EVENT: _l("local stakeholder events"),
    # Translators: a calendar feed narrowed to one kind of event
    EventKind.MEETING: _l("steering meetings"),
    # Translators: a calendar feed narrowed to one kind of event
    EventKind.OTHER: _l("other events"),
}


# --- What a feed is ---------------------------------------------------------------


@dataclass(frozen=True)
class FeedSpec:
    """A feed: its events (scope), how it introduces itself, whether its readers are
    participants who get the meeting links (`can_see_meeting_link`), and the language of
    its own words (the cache keys on the whole spec, so on the language too)."""

    scope: Scope
    name: str
    description: str
    uid: str  # fixed per feed, never includes a secret
    meeting_links: bool = False
    lang: str = DEFAULT_LANGUAGE


def site_domain() -> str:
    return urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"


def site_url() -> str:
    return current_app.config["SITE_URL"].rstrip("/")


def parse_kind(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return EventKind(value).value
    except ValueError:
        kinds = ", ".join(k.value for k in EventKind)
        raise DomainError(
            _(
                "Unknown event kind %(value)s: use one of %(kinds)s.",
                value=repr(value),
                kinds=kinds,
            ),
            "kind",
        ) from None


def parse_partner(project: Project, code: str | None) -> Partner | None:
    if not code:
        return None
    for partner in project.partners:
        if partner.code.lower() == code.lower():
            return partner
    codes = ", ".join(p.code for p in project.partners)
    raise DomainError(
        _("No partner has the code %(code)s: use one of %(codes)s.", code=repr(code), codes=codes),
        "partner",
    )


def _introduction(project: Project, narrowed: list[str], internal: bool) -> tuple[str, str]:
    """The feed's name and description, in the current (forced) language."""
    names = dict(acronym=project.acronym, project=project.name, programme=project.programme)
    if internal:
        name = _("%(acronym)s events, with internal ones", **names)
        description = _("Public and internal events of %(project)s (%(programme)s).", **names)
    else:
        name = _("%(acronym)s events", **names)
        description = _("Public events of %(project)s (%(programme)s).", **names)
    if narrowed:
        which = ", ".join(narrowed)
        # Translators: a feed's name, narrowed: "DEMO events (with Tartu, study visits)"
        name = _("%(feed)s (%(narrowed)s)", feed=name, narrowed=which)
        if internal:
            description = _(
                "Public and internal events of %(project)s (%(programme)s) (%(narrowed)s).",
                narrowed=which,
                **names,
            )
        else:
            description = _(
                "Public events of %(project)s (%(programme)s) (%(narrowed)s).",
                narrowed=which,
                **names,
            )
    return name, description


def _narrowed(partner: Partner | None, kind: str | None) -> list[str]:
    parts = []
    if partner:
        # Translators: a feed narrowed to the events a partner city hosts or visits
        parts.append(_("with %(city)s", city=partner.city))
    if kind:
        parts.append(str(_KIND_PLURALS[EventKind(kind)]))
    return parts


def public_feed(
    project: Project, partner_code: str | None, kind: str | None, lang: str = DEFAULT_LANGUAGE
) -> FeedSpec:
    """The partnership's public events, optionally one partner's and/or one kind's; anyone
    may read it, so it has no meeting links. Its words (and refusals) are in `lang`."""
    return _listing(project, partner_code, kind, lang)


def _listing(project, partner_code, kind, lang, user=None) -> FeedSpec:
    with force_locale(lang):
        partner = parse_partner(project, partner_code)
        kind = parse_kind(kind)
        name, description = _introduction(project, _narrowed(partner, kind), user is not None)
    uid_parts = ["public"] if user is None else [f"user-{user.id}"]
    if partner:
        uid_parts.append(f"partner-{partner.code.lower()}")
    if kind:
        uid_parts.append(kind.replace("_", "-"))
    return FeedSpec(
        scope=Scope(
            project.id,
            include_internal=user is not None,
            partner_id=partner.id if partner else None,
            kind=kind,
        ),
        name=name,
        description=description,
        uid=f"calendar-{project.acronym.lower()}-{'-'.join(uid_parts)}@{site_domain()}",
        meeting_links=user is not None and can_see_meeting_link(user),
        lang=lang,
    )


def private_feed(
    project: Project, user, partner_code=None, kind=None, lang: str = DEFAULT_LANGUAGE
) -> FeedSpec:
    """Everything the user may see: public and internal events."""
    return _listing(project, partner_code, kind, lang, user=user)


def event_feed(
    project: Project,
    event_id: int,
    include_internal: bool,
    meeting_links: bool,
    lang: str = DEFAULT_LANGUAGE,
) -> FeedSpec:
    scope = Scope(project.id, include_internal=include_internal, event_id=event_id)
    with force_locale(lang):
        name = _("%(acronym)s event %(number)s", acronym=project.acronym, number=event_id)
        description = _("One event of %(project)s.", project=project.name)
    return FeedSpec(
        scope=scope,
        name=name,
        description=description,
        uid=f"calendar-{project.acronym.lower()}-event-{event_id}@{site_domain()}",
        meeting_links=meeting_links,
        lang=lang,
    )


# --- Entries: plain data, one per calendar entry ----------------------------------


@dataclass
class Entry:
    uid: str
    summary: str
    start: datetime | date  # aware local datetime in the event's zone, or a date
    end: datetime | date
    stamp: datetime  # UTC: the row's last change
    created: datetime
    sequence: int
    status: str
    location: str
    description: str
    url: str
    categories: list[str] = field(default_factory=list)
    conference: str = ""
    conference_label: str = ""
    related_to: str = ""  # a session's entry names its event's entry (RELATED-TO, parent)


def entry_uid(event_id: int, domain: str | None = None) -> str:
    """The UID of an event's own entry, in every feed and every invitation by e-mail."""
    return f"event-{event_id}@{domain or site_domain()}"


def display_title(kind: str, number: int | None, title: str) -> str:
    """Same words as Event.display_title, from a row."""
    return kind_title(kind, number, title)


def _online(platform: str | None) -> str:
    if platform:
        # Translators: where an online event happens: "Online (Webex)"
        return _("Online (%(platform)s)", platform=platform)
    # Translators: where an online event happens
    return _("Online")


def place(row) -> str:
    """Same words as Event.place, from a row."""
    physical = f"{row.venue_name}, {row.venue_city}" if row.venue_name else row.location
    if row.format == EventFormat.ONLINE:
        return _online(row.online_platform)
    if row.format == EventFormat.HYBRID:
        if not physical:
            return _online(row.online_platform)
        if row.online_platform:
            # Translators: where a hybrid event happens: "Town hall, Tartu and online (Zoom)"
            return _(
                "%(place)s and online (%(platform)s)", place=physical, platform=row.online_platform
            )
        # Translators: where a hybrid event happens: "Town hall, Tartu and online"
        return _("%(place)s and online", place=physical)
    return physical or row.host_city


def _days(start: datetime, end: datetime, all_day: bool, tz: ZoneInfo) -> tuple[date, date]:
    """First and last local day of a span (an all-day span ends at the next midnight)."""
    first = start.astimezone(tz).date()
    last_instant = end.astimezone(tz)
    last = last_instant.date()
    if all_day and last_instant.time() == datetime.min.time() and last > first:
        last -= timedelta(days=1)
    return first, last


def _span_words(start, end, all_day, zone_name, lang: str = DEFAULT_LANGUAGE) -> str:
    """'16 Jun 2020, 09:30–11:00 (Europe/London)': in English unless `lang` says otherwise."""
    tz = ZoneInfo(zone_name)
    if all_day:
        first, last = _days(start, end, True, tz)
        if first == last:
            return format_date(first, lang)
        if is_whole_month(first, last):  # a plan known only to the month: "March 2020"
            return format_month(first, lang)
        # Translators: a span of days in a feed: "16 Jun 2020 to 18 Jun 2020"
        return _(
            "%(first)s to %(last)s", first=format_date(first, lang), last=format_date(last, lang)
        )
    since = format_local(start, zone_name, with_zone=False, lang=lang)
    if start.astimezone(tz).date() == end.astimezone(tz).date():
        return f"{since}–{format_time(end, zone_name, lang)} ({zone_name})"
    until = format_local(end, zone_name, with_zone=False, lang=lang)
    return _("%(first)s to %(last)s", first=since, last=until) + f" ({zone_name})"


def _expert_name(row) -> str:
    """An expert's name as the feed's reader gets it; an erased person is "former
    participant", in the feed's language."""
    return _("former participant") if row[3] is not None else row[1]


def _group(rows: Iterable, key_index: int = 0) -> dict:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row[key_index], []).append(row)
    return grouped


def build_entries(spec: FeedSpec) -> list[Entry]:
    """Read the feed's events (six queries) and turn them into entries, in the feed's
    language."""
    with force_locale(spec.lang):
        return _build_entries(spec)


def _build_entries(spec: FeedSpec) -> list[Entry]:
    scope = spec.scope
    rows = queries.events(scope)
    if not rows:
        return []
    participants = _group(queries.participants(scope))
    sessions = _group(queries.sessions(scope), 1)
    experts = _group(queries.experts(scope))
    practices = _group(queries.practices(scope))
    # What the demo's documents do not say, so that no calendar shows it as a fact.
    assumed = assumed_reasons(("event", "event_session"))
    domain, base = site_domain(), site_url()
    entries: list[Entry] = []
    for row in rows:
        entries.extend(
            _entries_for(
                row,
                participants.get(row.id, ()),
                sessions.get(row.id, ()),
                experts,
                practices.get(row.id, ()),
                domain,
                base,
                spec.meeting_links,
                spec.lang,
                assumed,
            )
        )
    return entries


def _cancelled(summary: str, cancelled: bool) -> str:
    # Translators: the title of a cancelled event in a subscriber's calendar
    return _("Cancelled: %(title)s", title=summary) if cancelled else summary


def _assumed_words(reasons: list[str]) -> list[str]:
    # Translators: in a calendar entry's description, before why the demo assumed a value.
    return [_("Assumed for the demo: %(reasons)s", reasons=" ".join(reasons))] if reasons else []


def _entries_for(
    row, participants, sessions, experts, practices, domain, base, meeting_links, lang, assumed
) -> list[Entry]:
    tz = ZoneInfo(row.timezone)
    title = display_title(row.kind, row.number, row.title)
    cancelled = row.status == EventStatus.CANCELLED
    page = f"{base}/events/{row.id}"
    where = place(row)
    link = meeting_link(row.format, row.online_url, meeting_links)
    common = dict(
        stamp=row.updated_at,
        created=row.created_at,
        sequence=row.revision,
        status=_STATUS[EventStatus(row.status)],
        location=where,
        url=page,
        categories=[str(EventKind(row.kind).label), str(EventFormat(row.format).label)],
        conference=link.url if link else "",
        # Translators: the label of a meeting link in a calendar app (when no platform is named)
        conference_label=row.online_platform or _("Online meeting"),
    )

    # What every entry of the event says about the event.
    about = []
    if cancelled:
        about.append(_("This event is cancelled."))
    if row.description:
        about.append(row.description.strip())
    about.extend(_assumed_words(assumed.get(("event", str(row.id)), [])))
    when = _span_words(row.starts_at, row.ends_at, row.all_day, row.timezone, lang)
    about.append(_("When: %(when)s", when=when))
    about.append(_("Where: %(place)s", place=where))
    if link and link.url:
        about.append(_("Online link: %(url)s", url=link.url))
    elif link:
        about.append(_("Online — link for participants"))
    about.append(_("Host: %(partner)s (%(city)s)", partner=row.host_name, city=row.host_city))
    visitors = [p for p in participants if p[1] != row.host_partner_id]
    if visitors:
        names = ", ".join(f"{p[2]} ({p[3]})" for p in visitors)
        about.append(_("Visiting partners: %(partners)s", partners=names))
    if row.original_starts_at is not None and row.original_ends_at is not None:
        original = _span_words(
            row.original_starts_at, row.original_ends_at, row.original_all_day, row.timezone, lang
        )
        if row.original_location:
            about.append(
                _(
                    "Originally planned for %(when)s, %(place)s; these are the new dates.",
                    when=original,
                    place=row.original_location,
                )
            )
        else:
            about.append(
                _("Originally planned for %(when)s; these are the new dates.", when=original)
            )
    agenda = []
    for number, session in enumerate(sessions, start=1):
        found = experts.get(session.id, ())
        names = ", ".join(f"{_expert_name(e)} ({e[2]})" for e in found)
        when = _span_words(session.starts_at, session.ends_at, False, row.timezone, lang)
        if names:
            # Translators: one line of an event's agenda in a feed: "1. 16 Jun 2020, 09:30–11:00
            # (Europe/Tallinn): Opening; expert: Lauri Sock (Tartu)"
            line = ngettext(
                "%(number)d. %(when)s: %(title)s; expert: %(names)s",
                "%(number)d. %(when)s: %(title)s; expert: %(names)s",
                len(found),
                number=number,
                when=when,
                title=session.title,
                names=names,
            )
        else:
            line = _(
                "%(number)d. %(when)s: %(title)s", number=number, when=when, title=session.title
            )
        agenda.append(line)
    if agenda:
        # Translators: heading of the list of an event's sessions in a feed
        about.append(_("Agenda:") + "\n" + "\n".join(agenda))
    by_role: dict = {}
    for practice in practices:
        by_role.setdefault(practice[1], []).append(f"{practice[2]} ({practice[3]})")
    for role, titles in by_role.items():
        heading = str(_PRACTICE_HEADINGS.get(role, _l("Good practices")))
        # Translators: a heading above a list in a feed's description: "Good practices studied:"
        about.append(
            _("%(heading)s:", heading=heading) + "\n" + "\n".join(f"- {t}" for t in titles)
        )
    about.append(_("Event page: %(url)s", url=page))
    about_text = "\n\n".join(about)

    # The event's own entry is there for its whole life, sessions or not, so a subscribed
    # calendar never loses it (nor an invitation that points at it); its sessions are
    # entries of their own inside its span.
    if row.all_day:
        first, last = _days(row.starts_at, row.ends_at, True, tz)
        start, end = first, last + timedelta(days=1)
    else:
        start, end = row.starts_at.astimezone(tz), row.ends_at.astimezone(tz)
    event_uid = entry_uid(row.id, domain)
    entries = [
        Entry(
            uid=event_uid,
            summary=_cancelled(title, cancelled),
            start=start,
            end=end,
            description=about_text,
            **common,
        )
    ]
    total = len(sessions)
    for number, session in enumerate(sessions, start=1):
        lines = [
            _(
                "Session %(number)d of %(total)d of %(event)s.",
                number=number,
                total=total,
                event=title,
            )
        ]
        if session.description:
            lines.append(session.description.strip())
        lines.extend(_assumed_words(assumed.get(("event_session", str(session.id)), [])))
        found = experts.get(session.id, ())
        names = ", ".join(_expert_name(e) for e in found)
        if names:
            lines.append(
                ngettext("Expert: %(names)s", "Expert: %(names)s", len(found), names=names)
            )
        entries.append(
            Entry(
                uid=f"session-{session.id}@{domain}",
                summary=_cancelled(f"{title} – {session.title}", cancelled),
                start=session.starts_at.astimezone(tz),
                end=session.ends_at.astimezone(tz),
                description="\n".join(lines) + "\n\n" + about_text,
                related_to=event_uid,
                **common,
            )
        )
    return entries


# --- Serializing ---------------------------------------------------------------


def to_component(entry: Entry) -> VEvent:
    component = VEvent()
    component.add("uid", entry.uid)
    component.add("dtstamp", entry.stamp)
    component.add("last-modified", entry.stamp)
    component.add("created", entry.created)
    component.add("sequence", entry.sequence)
    component.add("summary", entry.summary)
    component.add("dtstart", unambiguous(entry.start))
    component.add("dtend", unambiguous(entry.end))
    component.add("status", entry.status)
    component.add("location", entry.location)
    component.add("description", entry.description)
    component.add("url", entry.url, parameters={"VALUE": "URI"})
    component.add("categories", entry.categories)
    if entry.conference:
        component.add(
            "conference",
            vUri(entry.conference),
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": entry.conference_label},
        )
    if entry.related_to:
        component.add("related-to", entry.related_to)
    return component


def unambiguous(value: datetime | date) -> datetime | date:
    """A wall-clock time that happens twice (the repeated autumn hour) in UTC: given with
    its TZID, vobject and icalendar read the first occurrence and ical.js and libical the
    second. Every other time keeps its TZID, so clients show the event's zone."""
    if (
        isinstance(value, datetime)
        and value.utcoffset() != value.replace(fold=1 - value.fold).utcoffset()
    ):
        return value.astimezone(UTC)
    return value


def render(spec: FeedSpec, entries: list[Entry]) -> bytes:
    """The calendar, VTIMEZONEs first, entries in start order."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("uid", spec.uid)
    calendar.calendar_name = spec.name
    calendar.description = spec.description
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for component in timezones_for(entries):
        calendar.add_component(component)
    for entry in entries:
        calendar.add_component(to_component(entry))
    return calendar.to_ical()


def timezones_for(entries: list[Entry]) -> list:
    """One VTIMEZONE per zone used, right for every year the entries cover."""
    years: dict[str, list[int]] = {}
    for entry in entries:
        for value in (entry.start, entry.end):
            if isinstance(value, datetime):
                years.setdefault(value.tzinfo.key, []).append(value.year)
    return [vtimezone(name, min(span), max(span) + 1) for name, span in sorted(years.items())]


# --- Caching and HTTP validators ------------------------------------------------


@dataclass
class Feed:
    etag: str
    last_modified: datetime | None
    body: bytes | None  # None when the answer is 304 and nothing was built
    count: int  # events in the feed


@dataclass
class _Cached:
    validator: tuple
    etag: str
    last_modified: datetime | None
    body: bytes | None


CACHE_ENTRIES = 256  # validators and ETags: a few hundred bytes each
CACHE_BODY_BUDGET = 64 * 1024 * 1024  # bodies kept for unconditional requests (Google's)
_lock = threading.Lock()


def _cache() -> OrderedDict:
    return current_app.extensions.setdefault("feeds_cache", OrderedDict())


def clear_cache() -> None:
    _cache().clear()


def _last_modified(validator: tuple) -> datetime | None:
    _count, max_updated, _revisions, _ids, _version, changed_at = validator
    moments = [m for m in (max_updated, changed_at) if m is not None]
    if not moments:
        return None
    return max(moments).astimezone(UTC).replace(microsecond=0)


def etag_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def feed_for(
    spec: FeedSpec, client_has: Callable[[str, datetime | None], bool] | None = None
) -> Feed:
    """The feed's validators and, unless the client already has it, its body.

    `client_has(etag, last_modified)` says whether the request's conditional headers
    match; when they do and the validator shows nothing changed, no feed is built.
    """
    validator = queries.validator(spec.scope)
    key = (spec, site_url())  # the whole spec: a feed with meeting links never serves one without
    cache = _cache()
    with _lock:
        cached = cache.get(key)
        if cached is not None:
            cache.move_to_end(key)
    if cached is not None and cached.validator == validator:
        if client_has is not None and client_has(cached.etag, cached.last_modified):
            return Feed(cached.etag, cached.last_modified, None, validator[0])
        if cached.body is not None:
            return Feed(cached.etag, cached.last_modified, cached.body, validator[0])
    body = render(spec, build_entries(spec))
    etag = etag_of(body)
    last_modified = _last_modified(validator)
    with _lock:
        cache[key] = _Cached(validator, etag, last_modified, body)
        cache.move_to_end(key)
        while len(cache) > CACHE_ENTRIES:
            cache.popitem(last=False)
        # Keep the most recently used bodies within the budget; older ones keep only
        # their validators (a 304 still needs no build).
        kept = 0
        for item in reversed(cache.values()):
            if item.body is None:
                continue
            if kept + len(item.body) > CACHE_BODY_BUDGET:
                item.body = None
            else:
                kept += len(item.body)
    return Feed(etag, last_modified, body, validator[0])


# --- Private feed tokens ----------------------------------------------------------


def user_by_feed_token(token: str) -> User | None:
    """The active user whose private feed this is, or None."""
    if not token or len(token) < 20:
        return None
    user = db.session.scalar(select(User).where(User.feed_token == token))
    return user if user is not None and user.is_active else None


def reset_feed_token(user: User) -> str:
    """Give the user a new private feed URL; the old one answers 404 from now on."""
    user.feed_token = new_feed_token()
    security.record("feed_reset", user)
    db.session.commit()
    return user.feed_token


def subscribe_links(path: str) -> dict[str, str]:
    """The feed at `path` under SITE_URL, as the links calendar clients want."""
    https = site_url() + path
    webcal = "webcal://" + https.split("://", 1)[1]
    return {
        "https": https,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/r?cid=" + webcal,
    }
