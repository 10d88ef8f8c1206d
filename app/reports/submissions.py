"""Submitted reports: what was sent to the programme, kept as it was sent.

A submission stores the PDF as rendered at that moment (the same render as the download)
under the upload storage, with its SHA-256, the app's version, who submitted it and when,
and the report's summary figures. A row is written once and never updated; a later
change to the semester's data is shown as "changed since submission" (from the activity
log, and from the figures compared with today's) and the coordinator submits a new
version. Every read of a stored file checks its checksum. Nothing is deleted before its
retention date: programme closure plus REPORT_RETENTION_YEARS.

Funders hear of each version through the outbox: one message per funder account, in
their language, with the version's link and nothing attached.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.activity.models import ActivityEntry
from app.activity.tracking import _actor
from app.auth.models import User
from app.db_types import utcnow
from app.enums import Role
from app.errors import DomainError
from app.events.models import Event
from app.events.queries import period_bounds
from app.extensions import db
from app.feeds.services import site_domain, site_url
from app.formatting import DEFAULT_LANGUAGE, format_long_date, format_number
from app.mail.models import MessageKind, MessageStatus, OutboxMessage
from app.outcomes.models import Outcome
from app.outcomes.services import upload_dir
from app.partners.models import Project
from app.practices.models import TransferStageChange
from app.reports.models import ReportReader, ReportSubmission
from app.reports.services import SemesterReport, build_report

#: The summary figures a submission keeps, in the order the page compares them.
FIGURE_LABELS = {
    "events_held": _l("Events held"),
    "events_postponed": _l("Events postponed"),
    "events_cancelled": _l("Events cancelled"),
    "events_planned": _l("Events planned"),
    "participants": _l("Participants"),
    "practices_identified": _l("Good practices identified"),
    "transfers_advanced": _l("Transfers advanced"),
}


class StoredReportDamaged(DomainError):
    """A stored report's file is missing or no longer matches its checksum."""


def figures_of(report: SemesterReport) -> dict:
    """The report's summary figures as JSON-safe data; indicators by code."""
    return {
        "events_held": report.held_total,
        "events_postponed": report.postponed_total,
        "events_cancelled": report.cancelled_total,
        "events_planned": report.planned_total,
        "participants": report.participants_total,
        "practices_identified": len(report.practices_identified),
        "transfers_advanced": len(report.transfers_advanced),
        "indicators": {row.indicator.code: str(row.this_period) for row in report.indicators},
    }


@dataclass
class FigureChange:
    label: str
    before: str
    now: str


def figure_changes(before: dict, now: dict) -> list[FigureChange]:
    """'Participants: 41 → 44' for every figure that differs between two snapshots."""
    changes = []
    for key, label in FIGURE_LABELS.items():
        if before.get(key) != now.get(key):
            changes.append(FigureChange(str(label), _shown(before.get(key)), _shown(now.get(key))))
    old, new = before.get("indicators", {}), now.get("indicators", {})
    for code in sorted(set(old) | set(new)):
        if old.get(code) != new.get(code):
            label = _("Indicator %(code)s", code=code)
            changes.append(FigureChange(label, _shown(old.get(code)), _shown(new.get(code))))
    return changes


def _shown(value) -> str:
    if value is None:
        return "–"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return format_number(int(number) if number == int(number) else number)


# --- Retention ------------------------------------------------------------------------


def programme_closure(project: Project) -> date:
    """PROGRAMME_CLOSURE_DATE when configured, else 31 December of the year after the
    partnership's end (its final payment follows the final report, due months later)."""
    configured = current_app.config.get("PROGRAMME_CLOSURE_DATE")
    if configured:
        return configured if isinstance(configured, date) else date.fromisoformat(configured)
    last_day = project.end_date
    return date(last_day.year + 1, 12, 31)


def retention_date(project: Project) -> date:
    """Programme closure plus REPORT_RETENTION_YEARS: nothing is deleted before it."""
    closure = programme_closure(project)
    years = int(current_app.config.get("REPORT_RETENTION_YEARS", 5))
    try:
        return closure.replace(year=closure.year + years)
    except ValueError:  # 29 February
        return closure.replace(year=closure.year + years, day=28)


# --- Storage --------------------------------------------------------------------------


def submission_path(submission: ReportSubmission) -> Path:
    return upload_dir() / submission.stored_name


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_pdf(submission: ReportSubmission) -> bytes:
    """The stored file, after checking it is the one submitted; StoredReportDamaged if not."""
    path = submission_path(submission)
    try:
        data = path.read_bytes()
    except OSError:
        raise StoredReportDamaged(
            _(
                "The stored file of semester %(number)s, version %(version)s, is missing. "
                "Restore it from the backup; it is not served in its place.",
                number=submission.period_number,
                version=submission.version,
            ),
            "file",
        ) from None
    if checksum(data) != submission.sha256:
        raise StoredReportDamaged(
            _(
                "The stored file of semester %(number)s, version %(version)s, has changed "
                "since it was submitted (its checksum differs). Restore it from the "
                "backup; the changed file is not served.",
                number=submission.period_number,
                version=submission.version,
            ),
            "file",
        )
    return data


def verify_all() -> list[tuple[ReportSubmission, str]]:
    """Every stored report whose file is missing or changed, with the reason."""
    problems = []
    for submission in db.session.scalars(
        select(ReportSubmission).order_by(ReportSubmission.period_number, ReportSubmission.version)
    ):
        try:
            stored_pdf(submission)
        except StoredReportDamaged as exc:
            problems.append((submission, exc.message))
    return problems


# --- Submitting -----------------------------------------------------------------------


def submit_report(
    project: Project, number: int, user: User | None, lang: str = DEFAULT_LANGUAGE
) -> ReportSubmission:
    """Render semester `number`'s report now and keep it as its next version."""
    # WeasyPrint loads on first use, as for the download (app.reports.views).
    from app.reports.render import render_pdf

    report = build_report(project, number)  # ReportUnavailable for an empty semester
    pdf = render_pdf(report, lang=lang)
    return record_submission(project, number, pdf, figures_of(report), user, lang)


def record_submission(
    project: Project,
    number: int,
    pdf: bytes,
    figures: dict,
    user: User | None,
    lang: str = DEFAULT_LANGUAGE,
) -> ReportSubmission:
    """Store `pdf` as the next version of semester `number` and tell the funders."""
    project.period(number)  # DomainError for a semester that does not exist
    if not pdf.startswith(b"%PDF-"):
        raise DomainError(_("Only a PDF can be stored as a submitted report."), "file")
    version = (
        db.session.scalar(
            select(func.max(ReportSubmission.version)).where(
                ReportSubmission.project_id == project.id,
                ReportSubmission.period_number == number,
            )
        )
        or 0
    ) + 1
    stored_name = f"report-{secrets.token_hex(16)}.pdf"
    path = upload_dir() / stored_name
    with path.open("xb") as file:
        file.write(pdf)
    submission = ReportSubmission(
        project_id=project.id,
        period_number=number,
        version=version,
        submitted_at=utcnow(),
        submitted_zone=(user.timezone if user is not None else None) or _project_zone(project),
        submitted_by_id=user.id if user is not None else None,
        submitted_by_name=((user.name or user.email) if user is not None else "Command line")[:254],
        language=lang,
        stored_name=stored_name,
        size_bytes=len(pdf),
        sha256=checksum(pdf),
        app_version=str(current_app.config.get("APP_VERSION") or "unknown")[:64],
        figures=figures,
        retain_until=retention_date(project),
    )
    db.session.add(submission)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise DomainError(
            _(
                "Another version of semester %(number)s was submitted at the same moment. "
                "Reload the page and submit again if this one is still needed.",
                number=number,
            ),
            "period",
        ) from None
    except Exception:
        path.unlink(missing_ok=True)
        raise
    _log(submission, "created")
    _tell_funders(project, submission)
    return submission


def _project_zone(project: Project) -> str:
    lead = next((p for p in project.partners if p.is_lead), None)
    return lead.timezone if lead is not None else "UTC"


def _log(submission: ReportSubmission, action: str) -> None:
    """The submission's entry in the activity log, in English like every stored label."""
    user_id, actor = _actor()
    db.session.add(
        ActivityEntry(
            at=utcnow(),
            user_id=user_id,
            actor=actor[:254],
            action=action,
            object_kind="report_submission",
            object_id=submission.id,
            scope_kind="report",
            scope_id=submission.period_number,
            label=f"Semester {submission.period_number} report, version {submission.version}",
            changes="{}",
        )
    )
    db.session.flush()


def version_url(submission: ReportSubmission) -> str:
    """The version's absolute address (built by hand, as the outbox's are: the command line
    has no request to build it from)."""
    return f"{site_url()}/reports/semester/{submission.period_number}/v{submission.version}.pdf"


def _tell_funders(project: Project, submission: ReportSubmission) -> None:
    """One outbox message per active funder account, in its language; nothing attached."""
    funders = db.session.scalars(
        select(User).where(User.role == Role.FUNDER.value, User.active.is_(True)).order_by(User.id)
    )
    now = utcnow()
    link = version_url(submission)
    for funder in funders:
        lang = funder.language or DEFAULT_LANGUAGE
        with force_locale(lang):
            subject = _(
                "%(acronym)s: version %(version)s of the semester %(number)s report is ready",
                acronym=project.acronym,
                version=submission.version,
                number=submission.period_number,
            )
            body = "\n\n".join(
                [
                    _("Hello %(name)s,", name=funder.name or funder.email),
                    _(
                        "%(acronym)s has submitted version %(version)s of its progress report "
                        "for semester %(number)s. Download it here (sign in first):",
                        acronym=project.acronym,
                        version=submission.version,
                        number=submission.period_number,
                    )
                    + f"\n{link}",
                    _("SHA-256 checksum of the file: %(checksum)s", checksum=submission.sha256),
                    _("All submitted versions: %(url)s", url=f"{site_url()}/reports/"),
                ]
            )
        db.session.add(
            OutboxMessage(
                message_id=f"<outbox-{uuid.uuid4().hex}@{site_domain()}>",
                kind=MessageKind.REPORT.value,
                to_address=funder.email,
                language=lang,
                subject=subject[:300],
                body=body + "\n",
                calendar="",  # nothing is attached to a report's message
                method="REQUEST",
                sequence=0,
                changes=[],
                status=MessageStatus.PENDING.value,
                created_at=now,
                due_at=now,
                attempts=0,
                last_error="",
            )
        )
    db.session.flush()


def delete_submission(submission: ReportSubmission, today: date | None = None) -> None:
    """Remove a stored report and its file, only once its retention date has passed."""
    today = today or date.today()
    if today <= submission.retain_until:
        raise DomainError(
            _(
                "Version %(version)s of semester %(number)s is kept until %(day)s: it cannot "
                "be deleted before then.",
                version=submission.version,
                number=submission.period_number,
                day=format_long_date(submission.retain_until),
            ),
            "retain_until",
        )
    path = submission_path(submission)
    _log(submission, "removed")
    db.session.delete(submission)
    db.session.flush()
    path.unlink(missing_ok=True)


# --- Reading --------------------------------------------------------------------------


def versions_of(project: Project, number: int) -> list[ReportSubmission]:
    return list(
        db.session.scalars(
            select(ReportSubmission)
            .where(
                ReportSubmission.project_id == project.id,
                ReportSubmission.period_number == number,
            )
            .order_by(ReportSubmission.version.desc())
        )
    )


def find_version(project: Project, number: int, version: int) -> ReportSubmission | None:
    return db.session.scalar(
        select(ReportSubmission).where(
            ReportSubmission.project_id == project.id,
            ReportSubmission.period_number == number,
            ReportSubmission.version == version,
        )
    )


def all_versions(project: Project) -> dict[int, list[ReportSubmission]]:
    """Semester number -> its versions, newest first: one query for the whole project."""
    found: dict[int, list[ReportSubmission]] = {}
    for submission in db.session.scalars(
        select(ReportSubmission)
        .where(ReportSubmission.project_id == project.id)
        .order_by(ReportSubmission.period_number, ReportSubmission.version.desc())
    ):
        found.setdefault(submission.period_number, []).append(submission)
    return found


def changes_since(
    project: Project, latest: dict[int, ReportSubmission]
) -> dict[int, list[ActivityEntry]]:
    """For each submitted semester, the activity-log entries written after its latest
    version: changes to the semester's events (their sessions, attendance, outcomes and
    evidence), to figures recorded for the semester, and transfer stages dated in it.

    Four queries, whatever the number of semesters or entries."""
    if not latest:
        return {}
    since = min(s.submitted_at for s in latest.values())
    periods = {p.number: p for p in project.periods() if p.number in latest}
    bounds = {number: period_bounds(period) for number, period in periods.items()}
    semester_of_event: dict[int, int] = {}
    for event in db.session.scalars(select(Event).where(Event.project_id == project.id)):
        day = event.local_start.date()
        original = event.original_starts_at
        for number, period in periods.items():
            if period.contains(day) or (
                original is not None and bounds[number][0] <= original < bounds[number][1]
            ):
                semester_of_event.setdefault(event.id, number)
    entries = list(
        db.session.scalars(
            select(ActivityEntry)
            .where(ActivityEntry.at > since)
            .where(
                (ActivityEntry.scope_kind == "event")
                | (ActivityEntry.object_kind.in_(("outcome", "transfer_stage")))
            )
            .order_by(ActivityEntry.at, ActivityEntry.id)
        )
    )
    outcome_ids = {e.object_id for e in entries if e.object_kind == "outcome"}
    outcome_periods = (
        dict(
            db.session.execute(
                select(Outcome.id, Outcome.period_number).where(Outcome.id.in_(outcome_ids))
            ).all()
        )
        if outcome_ids
        else {}
    )
    stage_ids = {e.object_id for e in entries if e.object_kind == "transfer_stage"}
    stage_dates = (
        dict(
            db.session.execute(
                select(TransferStageChange.id, TransferStageChange.changed_at).where(
                    TransferStageChange.id.in_(stage_ids)
                )
            ).all()
        )
        if stage_ids
        else {}
    )
    found: dict[int, list[ActivityEntry]] = {}
    for entry in entries:
        numbers = set()
        if entry.scope_kind == "event" and entry.scope_id in semester_of_event:
            numbers.add(semester_of_event[entry.scope_id])
        if entry.object_kind == "outcome" and outcome_periods.get(entry.object_id) in periods:
            numbers.add(outcome_periods[entry.object_id])
        if entry.object_kind == "transfer_stage" and entry.object_id in stage_dates:
            when = stage_dates[entry.object_id]
            numbers |= {n for n, (start, end) in bounds.items() if when and start <= when < end}
        for number in numbers:
            if entry.at > latest[number].submitted_at:
                found.setdefault(number, []).append(entry)
    return found


def unseen_versions(project: Project, user: User) -> list[ReportSubmission]:
    """The versions submitted since `user` last opened the reports page, oldest first;
    the page names them once (see `mark_seen`)."""
    reader = db.session.get(ReportReader, user.id)
    seen = reader.seen_through_id if reader is not None else 0
    return list(
        db.session.scalars(
            select(ReportSubmission)
            .where(ReportSubmission.project_id == project.id, ReportSubmission.id > seen)
            .order_by(ReportSubmission.id)
        )
    )


def mark_seen(user: User, shown: list[ReportSubmission]) -> None:
    """`user` has been shown these versions: the next visit names only newer ones."""
    if not shown:
        return
    newest = max(s.id for s in shown)
    reader = db.session.get(ReportReader, user.id)
    if reader is None:
        db.session.add(ReportReader(user_id=user.id, seen_through_id=newest))
    else:
        reader.seen_through_id = max(reader.seen_through_id, newest)
    db.session.flush()
