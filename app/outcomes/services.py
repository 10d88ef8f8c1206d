"""Indicator figures, computed from recorded outcomes (never typed twice)."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.outcomes.models import Indicator, Outcome
from app.partners.models import Project


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    this_period: Decimal
    to_date: Decimal

    @property
    def share_of_target(self) -> Decimal | None:
        target = self.indicator.target
        if not target:
            return None
        return (self.to_date / target * 100).quantize(Decimal("1"))


def indicator_table(project: Project, period_number: int) -> list[IndicatorRow]:
    """Each indicator's target, achieved in `period_number`, and achieved up to and in it."""
    project.period(period_number)  # UnknownPeriod for a semester that does not exist
    value = func.coalesce(func.sum(Outcome.value), 0)
    this_period = dict(
        db.session.execute(
            select(Outcome.indicator_id, value)
            .where(Outcome.kind == "figure", Outcome.period_number == period_number)
            .group_by(Outcome.indicator_id)
        ).all()
    )
    to_date = dict(
        db.session.execute(
            select(Outcome.indicator_id, value)
            .where(Outcome.kind == "figure", Outcome.period_number <= period_number)
            .group_by(Outcome.indicator_id)
        ).all()
    )
    indicators = db.session.scalars(
        select(Indicator).where(Indicator.project_id == project.id).order_by(Indicator.code)
    )
    return [
        IndicatorRow(
            indicator=i,
            this_period=Decimal(this_period.get(i.id, 0)),
            to_date=Decimal(to_date.get(i.id, 0)),
        )
        for i in indicators
    ]
