"""A partner's public holidays and region: read by everyone, the region set by coordinators.

Views are thin: parse, authorize (app/auth/permissions), call app/holidays/services, render.
"""

from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth import permissions as can
from app.errors import DomainError
from app.extensions import db
from app.formatting import country_name, format_weekday_date
from app.holidays import queries, services
from app.holidays.forms import RegionForm
from app.holidays.regions import region_names, subdivisions
from app.partners.models import Partner
from app.view_helpers import field_error, project_or_404

bp = Blueprint("holidays", __name__)
bp.add_app_template_filter(country_name, "country")
bp.add_app_template_filter(format_weekday_date, "weekday_date")

#: How far ahead a partner's page lists its holidays.
DAYS_AHEAD = 365
#: How far ahead the dashboard looks for holidays that touch planned events.
DASHBOARD_DAYS = 30


def today() -> date:
    """Today in UTC, the partnership's common clock (tests move it)."""
    return datetime.now(UTC).date()


def coming_holidays(project, days: int = DASHBOARD_DAYS) -> list[services.EventHoliday]:
    """The public holidays of the coming `days` (from today) that planned events fall on,
    for the dashboard's block (templates/holidays/_dashboard.html)."""
    first = today()
    last = first + timedelta(days=days - 1)
    events = queries.events_to_happen(project, first, last, can.can_see_internal())
    return services.event_holidays(events, first, last)


@bp.app_context_processor
def _holiday_helpers():
    return {"coming_holidays": coming_holidays}


def _partner_or_404(code: str) -> Partner:
    project = project_or_404()
    partner = db.session.scalar(
        select(Partner).where(Partner.project_id == project.id, Partner.code == code)
    )
    if partner is None:
        abort(404)
    return partner


@bp.route("/partners/<code>/holidays", methods=["GET", "POST"])
def partner_holidays(code: str):
    partner = _partner_or_404(code)
    can.require(can.can_view_partner_holidays(partner))
    form = RegionForm(data={"region": partner.region or ""})
    form.offer(partner.country)
    may_edit = can.can_edit_partner_region(partner)
    status = 200
    if request.method == "POST":
        can.require(may_edit)
        if form.validate_on_submit():
            try:
                changed = services.set_region(partner, form.region.data)
            except DomainError as exc:
                db.session.rollback()
                field_error(form, exc)
                status = 400
            else:
                db.session.commit()
                if changed:
                    flash(_("Region saved: the holidays below follow it."), "success")
                return redirect(url_for("holidays.partner_holidays", code=partner.code))
        else:
            status = 400
    first = today()
    found = services.holidays_between(partner, first, first + timedelta(days=DAYS_AHEAD))
    return (
        render_template(
            "holidays/partner.html",
            partner=partner,
            form=form,
            may_edit=may_edit and bool(subdivisions(partner.country)),
            region_name=region_names(partner.country).get(partner.region or ""),
            holidays=sorted(found.items()),
            supported=services.country_supported(partner.country),
        ),
        status,
    )
