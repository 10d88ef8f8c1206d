"""A submitted semester report: the PDF as it was sent, kept unchanged until its retention date."""

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db_types import UTCDateTime, utcnow
from app.errors import DomainError
from app.extensions import db


class ReportSubmission(db.Model):
    """Version `version` of semester `period_number`'s report: written once, never updated.

    The file lives under the upload storage as `stored_name`; `sha256` is checked whenever
    it is read (app.reports.submissions)."""

    __tablename__ = "report_submission"
    __table_args__ = (
        UniqueConstraint(
            "project_id", "period_number", "version", name="uq_report_submission_version"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="RESTRICT"))
    period_number: Mapped[int]
    version: Mapped[int]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The zone the submitter read times in, to show the instant as they saw it.
    submitted_zone: Mapped[str] = mapped_column(String(64))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The name as it was: the record still reads right after the account changes or goes.
    submitted_by_name: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    app_version: Mapped[str] = mapped_column(String(64))
    # The report's summary figures when submitted, compared with today's on the page.
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    retain_until: Mapped[date]

    submitted_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ReportSubmission semester {self.period_number} v{self.version}>"


@event.listens_for(ReportSubmission, "before_update")
def _never_updated(_mapper, _connection, _target) -> None:
    """What was submitted stays as it was submitted, whoever tries to change the row."""
    raise DomainError(
        _("A submitted report is never changed: submit a new version instead."), "version"
    )


class ReportReader(db.Model):
    """How far a funder account has been shown the submitted versions: the reports page
    names the versions newer than `seen_through_id` once, then moves it on."""

    __tablename__ = "report_reader"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    seen_through_id: Mapped[int] = mapped_column(default=0)
