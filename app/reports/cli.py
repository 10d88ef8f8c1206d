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
