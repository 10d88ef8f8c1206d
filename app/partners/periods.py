"""Reporting periods, derived from the project's start and phases (never stored)."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.formatting import format_short_month


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    return day.replace(year=day.year + month_index // 12, month=month_index % 12 + 1)


@dataclass(frozen=True)
class ReportingPeriod:
    number: int
    start: date  # first day
    end: date  # day after the last day
    phase: str

    @property
    def last_day(self) -> date:
        from datetime import timedelta

        return self.end - timedelta(days=1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    @property
    def label(self) -> str:
        """'Semester 3 (Jan 2020 – Jun 2020)', in the reader's language (or the forced one)."""
        start, last = format_short_month(self.start), format_short_month(self.last_day)
        # Translators: a reporting period (six months) and its first and last month
        return _(
            "Semester %(number)d (%(start)s – %(last)s)", number=self.number, start=start, last=last
        )
