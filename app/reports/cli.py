"""`flask --app wsgi report semester N --output FILE.pdf [--lang et] [--format xlsx]`.

The command's own words stay English (a developers' tool); the report is in `--lang`."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import ngettext

from app.errors import DomainError
from app.formatting import DEFAULT_LANGUAGE
from app.i18n import LANGUAGES

report_cli = AppGroup("report", help="Semester reports.")


@report_cli.command("semester")
@click.argument("number", type=int)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the PDF (default: <ACRONYM>-semester-N.pdf, -N-xx.pdf in language xx).",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["pdf", "xlsx"]),
    default="pdf",
    show_default=True,
    help="pdf: the report; xlsx: its figures as a workbook, one sheet per table.",
)
@click.option(
    "--pdf-variant",
    default="pdf/ua-1",
    show_default=True,
    help="pdf/ua-1 (tagged, accessible) or an archival PDF/A: pdf/a-3b, pdf/a-2b, pdf/a-3u.",
)
@click.option(
    "--lang",
    "lang",
    type=click.Choice(list(LANGUAGES)),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The report's language (English is the programme's language).",
)
def semester(
    number: int, output: Path | None, file_format: str, pdf_variant: str, lang: str
) -> None:
    """Render semester NUMBER's progress report to a PDF (or its figures to a workbook)."""
    from flask_babel import force_locale

    from app.home.queries import the_project
    from app.reports.render import VARIANTS, render_pdf, report_filename
    from app.reports.services import build_report
    from app.reports.workbook import report_workbook

    project = the_project()
    if project is None:
        raise click.ClickException("No partnership is recorded yet (try `flask demo load`).")
    if pdf_variant not in VARIANTS:
        raise click.BadParameter(f"use one of {', '.join(VARIANTS)}", param_hint="--pdf-variant")
    try:
        report = build_report(project, number)
        if file_format == "xlsx":
            with force_locale(lang):
                body = report_workbook(report)
        else:
            body = render_pdf(report, pdf_variant, lang)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    target = output or Path(report_filename(project.acronym, number, lang, file_format))
    target.write_bytes(body)
    kind = "figures as a workbook" if file_format == "xlsx" else pdf_variant
    events = ngettext("%(num)d event", "%(num)d events", len(report.events))
    click.echo(
        f"Wrote {target} ({len(body) // 1024} KB, {kind}): {report.title}, {events}.",
        file=sys.stdout,
    )


@report_cli.command("submit")
@click.argument("number", type=int)
@click.option(
    "--lang",
    "lang",
    type=click.Choice(list(LANGUAGES)),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The report's language (English is the programme's language).",
)
def submit(number: int, lang: str) -> None:
    """Submit semester NUMBER's report: store the PDF as rendered now as its next version
    and tell the funders by e-mail."""
    from app.extensions import db
    from app.home.queries import the_project
    from app.reports.submissions import submit_report

    project = the_project()
    if project is None:
        raise click.ClickException("No partnership is recorded yet (try `flask demo load`).")
    try:
        submission = submit_report(project, number, None, lang)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(
        f"Submitted semester {number} as version {submission.version} "
        f"({submission.size_bytes // 1024} KB, SHA-256 {submission.sha256}); "
        f"kept until {submission.retain_until.isoformat()}."
    )


@report_cli.command("versions")
@click.argument("number", type=int)
def versions(number: int) -> None:
    """List the submitted versions of semester NUMBER's report."""
    from app.home.queries import the_project
    from app.reports.submissions import versions_of

    project = the_project()
    if project is None:
        raise click.ClickException("No partnership is recorded yet (try `flask demo load`).")
    try:
        project.period(number)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    found = versions_of(project, number)
    if not found:
        click.echo(f"Semester {number} has not been submitted yet.")
        return
    for item in reversed(found):
        click.echo(
            f"v{item.version}  {item.submitted_at.isoformat(timespec='seconds')}  "
            f"{item.submitted_by_name}  {item.language}  {item.sha256}  "
            f"app {item.app_version}  kept until {item.retain_until.isoformat()}"
        )


@report_cli.command("verify")
def verify() -> None:
    """Recompute every stored report's checksum; exit 1 naming each missing or changed file."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.reports.models import ReportSubmission
    from app.reports.submissions import verify_all

    problems = verify_all()
    checked = db.session.scalar(select(func.count()).select_from(ReportSubmission))
    for submission, message in problems:
        click.echo(
            f"FAILED semester {submission.period_number} v{submission.version} "
            f"({submission.stored_name}): {message}",
            err=True,
        )
    if problems:
        raise SystemExit(1)
    if checked == 1:
        click.echo("The 1 stored report matches its checksum.")
    else:
        click.echo(f"All {checked} stored reports match their checksums.")
