"""A semester report's figures as data: a workbook (one sheet per table) and a JSON document.

Both are read off the `SemesterReport` the PDF renders from (`build_report`), never counted
again, so the workbook, the JSON the archival PDF carries and the PDF's own tables hold the
same numbers. `report_tables` says what each sheet holds, with typed values (counts as
numbers, days as dates, instants as datetimes in UTC and on the event's clock, its zone
beside); `app.exports.write_xlsx` writes them (bold frozen header row, text that a
spreadsheet would run as a formula kept as text). Headings are in the language active when
the tables are made: the report's.
"""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import pgettext

from app.enums import TransferStage
from app.exports import Table, write_xlsx
from app.reports.services import IN_SEMESTER_LABELS, SemesterReport
from app.timezones import in_zone

#: PDF variants that may carry files (PDF/A-3): the archival report embeds its figures.
VARIANTS_WITH_DATA = ("pdf/a-3b", "pdf/a-3u")


def _number(value: Decimal | int | float | None) -> int | float | None:
    """A figure as a spreadsheet number: whole numbers as integers."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)


def summary_table(report: SemesterReport) -> Table:
    """The key figures of the report's summary, each on its own row."""
    rows = [
        (_("events held"), report.held_total),
        (_("events postponed"), report.postponed_total),
        (_("events cancelled"), report.cancelled_total),
        (_("participants"), report.participants_total),
        (_("good practices identified"), len(report.practices_identified)),
        (_("transfers advanced"), len(report.transfers_advanced)),
        (_("Transfers"), len(report.transfers)),
        (IN_SEMESTER_LABELS["started"], report.action_count("started")),
        (IN_SEMESTER_LABELS["progressing"], report.action_count("progressing")),
        (IN_SEMESTER_LABELS["done"], report.action_count("done")),
    ]
    return Table(_("Summary"), [_("Figure"), _("Number")], [[str(k), v] for k, v in rows])


def kinds_table(report: SemesterReport) -> Table:
    rows = [[k.kind.label, k.held, k.postponed, k.cancelled, k.planned] for k in report.kinds]
    rows.append(
        [
            _("All events"),
            report.held_total,
            report.postponed_total,
            report.cancelled_total,
            report.planned_total,
        ]
    )
    return Table(
        _("Events by kind and status"),
        [
            _("Kind of event"),
            pgettext("number of events", "Held"),
            pgettext("number of events", "Postponed"),
            pgettext("number of events", "Cancelled"),
            _("Planned, not yet held"),
        ],
        rows,
    )


def participants_table(report: SemesterReport) -> Table:
    rows = [
        [row.partner.name, row.partner.code, row.events, row.staff, row.stakeholders, row.total]
        for row in report.participants
    ]
    rows.append(
        [
            _("All partners"),
            None,
            None,
            sum(row.staff for row in report.participants),
            sum(row.stakeholders for row in report.participants),
            report.participants_total,
        ]
    )
    return Table(
        _("Participants by partner"),
        [
            _("Partner"),
            _("Code"),
            _("Events attended"),
            _("Partner staff"),
            _("Local stakeholders"),
            _("Participants"),
        ],
        rows,
    )


def transfer_stages_table(report: SemesterReport) -> Table:
    """How many transfers stood at each stage at the semester's start and at its end."""
    rows = []
    for stage in [None, *TransferStage]:
        at_start = sum(1 for t in report.transfers if t.stage_at_start == stage)
        at_end = sum(1 for t in report.transfers if t.stage_at_end == stage)
        if stage is None and not at_start:
            continue
        rows.append([stage.label if stage else _("not started"), at_start, at_end])
    rows.append([_("Transfers"), len(report.transfers), len(report.transfers)])
    return Table(
        _("Transfers by stage"),
        [_("Stage"), _("Stage at start"), _("Stage at end")],
        rows,
    )


def transfers_table(report: SemesterReport) -> Table:
    return Table(
        _("Transfers"),
        [
            _("Good practice"),
            _("Owner"),
            _("Importer"),
            _("Stage at start"),
            _("Stage at end"),
            # Translators: A transfer that advanced to a later stage in the semester (yes or no).
            _("Advanced"),
        ],
        [
            [
                t.transfer.practice.title,
                t.transfer.practice.owner.city,
                t.transfer.importer.city,
                t.stage_at_start.label if t.stage_at_start else _("not started"),
                t.stage_at_end.label,
                t.advanced,
            ]
            for t in report.transfers
        ],
    )


def indicators_table(report: SemesterReport) -> Table:
    return Table(
        _("Indicators"),
        [
            _("Code"),
            _("Indicator"),
            _("Unit"),
            _("Target"),
            _("This semester"),
            _("To date"),
            _("Share of target"),
        ],
        [
            [
                row.indicator.code,
                row.indicator.name,
                row.indicator.unit or None,
                _number(row.indicator.target),
                _number(row.this_period),
                _number(row.to_date),
                _number(row.share_of_target),
            ]
            for row in report.indicators
        ],
    )


def actions_table(report: SemesterReport) -> Table:
    return Table(
        _("Action-plan actions"),
        [
            _("Partner"),
            _("Action plan"),
            _("Group"),
            _("Action"),
            _("Starts on"),
            _("Ends on"),
            _("Status today"),
            _("In this semester"),
            _("Results and figures"),
        ],
        [
            [
                plan.plan.partner.city,
                plan.plan.title,
                group.title,
                entry.action.title,
                entry.action.starts_on,
                entry.action.ends_on,
                entry.action.status_enum.label,
                str(IN_SEMESTER_LABELS[entry.in_semester]) if entry.in_semester else None,
                "; ".join(f"{o.indicator.code}: {_number(o.value)}" for o in entry.figures) or None,
            ]
            for plan in report.plans
            for group, entries in plan.actions
            for entry in entries
        ],
    )


def events_table(report: SemesterReport) -> Table:
    rows = []
    for entry in report.events:
        event = entry.event
        rows.append(
            [
                event.id,
                event.kind_enum.label,
                event.number,
                event.display_title,
                event.host.city,
                event.status_enum.label,
                _utc(event.starts_at),
                _utc(event.ends_at),
                in_zone(event.starts_at, event.timezone),
                in_zone(event.ends_at, event.timezone),
                event.timezone,
                event.format_enum.label,
                event.place,
                entry.attendance_total if event.attendance else None,
                entry.change or None,
            ]
        )
    return Table(
        _("Events"),
        [
            _("ID"),
            _("Kind"),
            _("Number"),
            _("Title"),
            _("Host"),
            _("Status"),
            _("Start (UTC)"),
            _("End (UTC)"),
            _("Start (local time)"),
            _("End (local time)"),
            _("Time zone"),
            _("Format"),
            _("Place"),
            _("Recorded attendance"),
            _("Note"),
        ],
        rows,
    )


def report_tables(report: SemesterReport) -> list[Table]:
    """The report's figures, one table per sheet, in the report's order."""
    return [
        summary_table(report),
        kinds_table(report),
        participants_table(report),
        transfer_stages_table(report),
        transfers_table(report),
        indicators_table(report),
        actions_table(report),
        events_table(report),
    ]


def report_workbook(report: SemesterReport) -> bytes:
    """The figures as an XLSX workbook."""
    return write_xlsx(report_tables(report))


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def report_json(report: SemesterReport) -> bytes:
    """The figures as a JSON document: the same sheets, instants in ISO 8601 with offset."""
    document = {
        "title": report.title,
        "project": report.project.acronym,
        "semester": report.period.number,
        "first_day": report.period.start.isoformat(),
        "last_day": report.period.last_day.isoformat(),
        "generated_on": report.generated_on.isoformat(),
        "tables": [
            {
                "title": table.title,
                "headings": [str(h) for h in table.headings],
                "rows": [[_json_value(v) for v in row] for row in table.rows],
            }
            for table in report_tables(report)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
