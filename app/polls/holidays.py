"""Public holidays for the poll page, by partner and day.

The one place the polls area asks for holidays: `holidays_between` answers from the
holidays area (`app.holidays.services.holidays_between`) once that is in the code base;
until then it knows no holidays, so the page simply marks none.
"""

from datetime import date

from app.partners.models import Partner


def holidays_between(
    partner: Partner, first: date, last: date, language: str | None = None
) -> dict[date, list[str]]:
    """The partner's public holidays from `first` to `last` inclusive: day -> names."""
    return {}
