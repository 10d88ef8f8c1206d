"""Submitted reports: stored once as rendered, checked on every read, kept until their
retention date; later changes are shown, and a new version can be submitted."""

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.activity.models import ActivityEntry
from app.auth.models import User
from app.enums import EventStatus
from app.errors import DomainError
from app.events.models import Event
from app.events.services import set_attendance
from app.extensions import db
from app.home.queries import the_project
from app.mail.delivery import as_email, deliver_due
from app.mail.models import OutboxMessage
from app.reports.models import ReportSubmission
from app.reports.submissions import delete_submission, record_submission, retention_date
from tests import factories
from tests.mail.conftest import smtp  # noqa: F401  (the real SMTP server, aiosmtpd)
from tests.reports.conftest import sign_in

SEMESTER = 5


def _held_event_in(number: int) -> Event:
    project = the_project()
    period = project.period(number)
    events = db.session.scalars(select(Event).where(Event.status == EventStatus.HELD.value))
    return next(e for e in events if period.contains(e.local_start.date()))


def _record_late_attendance(number: int) -> Event:
    """The host's head count, recorded after the report went out: 3 staff, 4 stakeholders."""
    event = _held_event_in(number)
    set_attendance(event, event.host, 3, 4)
    db.session.commit()
    return event


def _stored_files(app) -> set[Path]:
    return set(Path(app.config["UPLOAD_DIR"]).glob("report-*.pdf"))


def test_submitting_stores_the_pdf_then_marks_later_changes_and_takes_a_second_version(
    coordinator_client, app, runner
):
    factories.user("funder-et@example.org", role="funder")
    db.session.scalar(select(User).where(User.email == "funder-et@example.org")).language = "et"
    factories.user("funder@example.org", role="funder")
    db.session.commit()

    response = coordinator_client.post(f"/reports/semester/{SEMESTER}/submit")
    assert response.status_code == 302
    first = db.session.scalar(select(ReportSubmission))
    assert (first.period_number, first.version) == (SEMESTER, 1)
    assert first.submitted_by_name == "coordinator@example.org"
    assert first.app_version and first.app_version == app.config["APP_VERSION"]
    assert first.retain_until == retention_date(the_project())
    files = _stored_files(app)
    assert len(files) == 1
    stored = files.pop().read_bytes()
    assert stored.startswith(b"%PDF-")
    assert hashlib.sha256(stored).hexdigest() == first.sha256
    assert first.figures["participants"] == 0  # the demo records no attendance

    # The funders are told through the outbox, each in their language, with no attachment.
    messages = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(messages) == {"funder-et@example.org", "funder@example.org"}
    assert messages["funder-et@example.org"].language == "et"
    assert messages["funder-et@example.org"].subject.startswith("BETTER: ")
    assert messages["funder-et@example.org"].subject != messages["funder@example.org"].subject
    link = f"/reports/semester/{SEMESTER}/v1.pdf"
    assert all(link in m.body and m.kind == "report" for m in messages.values())
    email = as_email(messages["funder@example.org"], "coordinator@better.example", None)
    assert not email.is_multipart() and link in email.get_content()
    shown = coordinator_client.get(f"/outbox/{messages['funder@example.org'].id}")
    assert shown.status_code == 200 and link in shown.text
    assert "Calendar attachment" not in shown.text
    assert (
        coordinator_client.get(f"/outbox/{messages['funder@example.org'].id}.ics").status_code
        == 404
    )

    # The submission is in the activity log.
    logged = db.session.scalar(
        select(ActivityEntry).where(ActivityEntry.object_kind == "report_submission")
    )
    assert (logged.action, logged.scope_id) == ("created", SEMESTER)

    page = coordinator_client.get("/reports/").text
    assert "changed since submission" not in page
    assert "Version 1 (PDF)" in page

    before = first.figures["participants"]
    event = _record_late_attendance(SEMESTER)
    page = coordinator_client.get("/reports/").text
    assert "changed since submission" in page
    assert f"Attendance of {event.host.city}" in page
    versions_page = coordinator_client.get(f"/reports/semester/{SEMESTER}/versions").text
    assert f"Participants: {before} → {before + 7}" in versions_page

    # The stored file did not change with the data.
    download = coordinator_client.get(link)
    assert download.status_code == 200 and download.data == stored

    coordinator_client.post(f"/reports/semester/{SEMESTER}/submit")
    second = db.session.scalar(select(ReportSubmission).where(ReportSubmission.version == 2))
    assert second.figures["participants"] == before + 7
    assert second.sha256 != first.sha256
    page = coordinator_client.get("/reports/").text
    assert "changed since submission" not in page and "Version 2 (PDF)" in page
    for submission in (first, second):
        data = coordinator_client.get(f"/reports/semester/{SEMESTER}/v{submission.version}.pdf")
        assert hashlib.sha256(data.data).hexdigest() == submission.sha256

    result = runner.invoke(args=["report", "versions", str(SEMESTER)])
    assert result.exit_code == 0 and "v1 " in result.output and "v2 " in result.output
    result = runner.invoke(args=["report", "verify"])
    assert result.exit_code == 0, result.output
    assert "All 2 stored reports match" in result.output

    # Tampering with a stored file: verify names it and fails; the download refuses it.
    path = Path(app.config["UPLOAD_DIR"]) / first.stored_name
    path.write_bytes(stored + b"% changed\n")
    result = runner.invoke(args=["report", "verify"])
    assert result.exit_code == 1
    assert f"semester {SEMESTER} v1" in result.output and "v2" not in result.output
    refused = coordinator_client.get(link)
    assert refused.status_code == 409 and "has changed since it was submitted" in refused.text
    path.unlink()
    result = runner.invoke(args=["report", "verify"])
    assert result.exit_code == 1 and "is missing" in result.output


def _fake_submission(number: int = SEMESTER) -> ReportSubmission:
    submission = record_submission(
        the_project(), number, b"%PDF-1.7 test\n", {"participants": 1}, None
    )
    db.session.commit()
    return submission


def test_versions_number_on_per_semester_and_refuse_what_is_not_a_pdf(demo, app):
    assert [_fake_submission(5).version, _fake_submission(5).version] == [1, 2]
    assert _fake_submission(4).version == 1
    with pytest.raises(DomainError):
        record_submission(the_project(), 5, b"not a pdf", {}, None)
    with pytest.raises(DomainError):
        record_submission(the_project(), 99, b"%PDF-1.7", {}, None)
    assert len(_stored_files(app)) == 3


def test_a_stored_version_is_never_changed(demo, app):
    submission = _fake_submission()
    submission.sha256 = "0" * 64
    with pytest.raises(DomainError, match="never changed"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(ReportSubmission, submission.id).sha256 != "0" * 64


def test_the_reports_page_asks_as_many_queries_whatever_the_versions_and_changes(
    coordinator_client, app
):
    from sqlalchemy import event as sa_event

    def queries() -> int:
        seen = []

        def count(*_args) -> None:
            seen.append(1)

        sa_event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert coordinator_client.get("/reports/").status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    _fake_submission(5)
    queries()  # the first request also reads what later ones keep
    few = queries()
    _fake_submission(4)
    _fake_submission(2)
    _record_late_attendance(5)
    _record_late_attendance(4)
    assert queries() == few


def test_nothing_is_deleted_before_its_retention_date(demo, app):
    submission = _fake_submission()
    path = Path(app.config["UPLOAD_DIR"]) / submission.stored_name
    with pytest.raises(DomainError, match="cannot be deleted"):
        delete_submission(submission, today=submission.retain_until)
    db.session.rollback()
    assert path.is_file() and db.session.get(ReportSubmission, submission.id) is not None
    delete_submission(submission, today=submission.retain_until + timedelta(days=1))
    db.session.commit()
    assert not path.exists() and db.session.scalar(select(ReportSubmission)) is None


def test_retention_is_programme_closure_plus_the_configured_years(demo, app):
    project = the_project()
    assert retention_date(project) == date(project.end_date.year + 1 + 5, 12, 31)
    app.config.update(PROGRAMME_CLOSURE_DATE="2031-12-31", REPORT_RETENTION_YEARS=10)
    assert retention_date(project) == date(2041, 12, 31)


def test_funders_are_offered_the_submitted_version_and_the_draft_marked_as_one(
    funder_client, client
):
    _fake_submission()
    page = client.get("/reports/").text
    assert f'href="/reports/semester/{SEMESTER}/v1.pdf" download>Version 1 (PDF)' in page
    assert "Draft (not submitted)" in page
    assert "Submit version" not in page
    assert client.get(f"/reports/semester/{SEMESTER}/v1.pdf").data == b"%PDF-1.7 test\n"
    assert client.post(f"/reports/semester/{SEMESTER}/submit").status_code == 403
    assert len(db.session.scalars(select(ReportSubmission)).all()) == 1


def test_a_funder_is_told_once_of_versions_submitted_since_the_last_visit(funder_client, client):
    assert "Submitted since your last visit" not in client.get("/reports/").text
    _fake_submission()
    _fake_submission()
    page = client.get("/reports/").text
    assert "Submitted since your last visit" in page
    assert "Semester 5, version 1 (PDF)" in page and "Semester 5, version 2 (PDF)" in page
    assert "Submitted since your last visit" not in client.get("/reports/").text
    _fake_submission()
    page = client.get("/reports/").text
    assert "Semester 5, version 3 (PDF)" in page and "version 2 (PDF)" not in page


def test_partner_editors_get_no_submitted_version(demo, client):
    _fake_submission()
    partner = the_project().partners[0]
    factories.user("editor@example.org", role="partner", partner=partner)
    sign_in(client, "editor@example.org")
    assert client.get(f"/reports/semester/{SEMESTER}/v1.pdf").status_code == 403
    assert client.get(f"/reports/semester/{SEMESTER}/versions").status_code == 403
    assert client.post(f"/reports/semester/{SEMESTER}/submit").status_code == 403


def test_the_funders_message_reaches_a_real_smtp_server_with_nothing_attached(
    demo,
    app,
    smtp,  # noqa: F811
):
    funder = factories.user("funder-it@example.org", role="funder")
    funder.language = "it"
    db.session.commit()
    _fake_submission()
    done = deliver_due()
    assert done.sent == 1
    [message] = smtp.to("funder-it@example.org")
    assert message["Subject"] == ("BETTER: la versione 1 della relazione del semestre 5 è pronta")
    assert not message.is_multipart()
    assert f"/reports/semester/{SEMESTER}/v1.pdf" in message.get_content()
