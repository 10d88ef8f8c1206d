"""What each list's download holds: the events (and their sessions), the good practices
(and their transfers), the people directory. Headings are in the reader's language; values
are typed (instants as datetimes, counts as numbers) and written by `app.exports`.

Rows come from the same queries as the list screens, so a download holds exactly what the
reader may see there. People are names, partner, organisation, function and kind only:
never an e-mail address or a phone number.
"""

from collections.abc import Sequence

from flask_babel import gettext as _

from app.events.models import Event
from app.exports import Table
from app.partners.models import Person
from app.practices.models import GoodPractice
from app.timezones import in_zone


def _local(instant, zone_name: str):
    return in_zone(instant, zone_name)


def _visibility(is_public: bool) -> str:
    return _("Public") if is_public else _("Internal")


def event_tables(
    events: Sequence[Event], *, with_internal: bool, with_attendance: bool
) -> list[Table]:
    """One row per event; the workbook's second sheet, one row per session."""
    headings = [
        _("ID"),
        _("Kind"),
        _("Number"),
        _("Title"),
        _("Host"),
        _("Visiting partners"),
        _("Status"),
        _("Start (local time)"),
        _("End (local time)"),
        _("Time zone"),
        _("Start (UTC)"),
        _("End (UTC)"),
        _("Format"),
        _("Place"),
        _("Expected attendance"),
    ]
    if with_attendance:
        headings.append(_("Recorded attendance"))
    if with_internal:
        headings.append(_("Visibility"))
    rows = []
    for event in events:
        row = [
            event.id,
            event.kind_enum.label,
            event.number,
            event.title,
            event.host.city,
            ", ".join(p.city for p in event.visiting_partners),
            event.status_enum.label,
            _local(event.starts_at, event.timezone),
            _local(event.ends_at, event.timezone),
            event.timezone,
            event.starts_at,
            event.ends_at,
            event.format_enum.label,
            event.place,
            event.expected_attendance,
        ]
        if with_attendance:
            row.append(sum(a.total for a in event.attendance) if event.attendance else None)
        if with_internal:
            row.append(_visibility(event.is_public))
        rows.append(row)
    sessions = Table(
        _("Sessions"),
        [
            _("Event ID"),
            _("Event"),
            _("Session"),
            _("Kind"),
            _("Start (local time)"),
            _("End (local time)"),
            _("Time zone"),
            _("Start (UTC)"),
            _("End (UTC)"),
            _("Experts"),
        ],
        [
            [
                event.id,
                event.display_title,
                session.title,
                session.kind_enum.label,
                _local(session.starts_at, event.timezone),
                _local(session.ends_at, event.timezone),
                event.timezone,
                session.starts_at,
                session.ends_at,
                ", ".join(f"{p.display_name} ({p.partner.city})" for p in session.experts),
            ]
            for event in events
            for session in event.sessions
        ],
    )
    return [Table(_("Events"), headings, rows), sessions]


def _reached_on(transfer):
    """The day the transfer reached its current stage, from its history (None if unknown)."""
    steps = [step.happened_on for step in transfer.history if step.stage == transfer.stage]
    return steps[-1] if steps else None


def practice_tables(practices: Sequence[GoodPractice], *, with_internal: bool) -> list[Table]:
    """One row per practice with who takes it up; the workbook's second sheet, one row per
    transfer with its stage and the day it was reached."""
    headings = [
        _("ID"),
        _("Practice"),
        _("Owner"),
        _("Theme"),
        _("Location"),
        _("Started"),
        _("Ended"),
        _("Taken up by"),
    ]
    if with_internal:
        headings.append(_("Visibility"))
    rows = []
    for practice in practices:
        transfers = sorted(practice.transfers, key=lambda t: t.importer.code)
        row = [
            practice.id,
            practice.title,
            practice.owner.city,
            practice.theme,
            practice.location,
            practice.started_on,
            practice.ended_on,
            "; ".join(f"{t.importer.city}: {t.stage_enum.label}" for t in transfers),
        ]
        if with_internal:
            row.append(_visibility(practice.is_public))
        rows.append(row)
    transfers = Table(
        _("Transfers"),
        [
            _("Practice ID"),
            _("Practice"),
            _("Owner"),
            _("Importing partner"),
            _("Stage"),
            _("Stage reached on"),
        ],
        [
            [
                practice.id,
                practice.title,
                practice.owner.city,
                transfer.importer.city,
                transfer.stage_enum.label,
                _reached_on(transfer),
            ]
            for practice in practices
            for transfer in sorted(practice.transfers, key=lambda t: t.importer.code)
        ],
    )
    return [Table(_("Good practices"), headings, rows), transfers]


def people_tables(people: Sequence[Person]) -> list[Table]:
    """Names, partner, organisation, function and kind: nothing to reach a person by."""
    headings = [_("Name"), _("Partner"), _("Organisation"), _("Function"), _("Kind")]
    rows = [
        [
            person.display_name,
            person.partner.city,
            person.organisation,
            person.function,
            person.kind_enum.label,
        ]
        for person in people
    ]
    return [Table(_("People"), headings, rows)]
