"""Writing partners and reading periods; the CLI and the screens call these."""

from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.partners.models import Partner, Project


def require_project() -> Project:
    project = db.session.scalar(select(Project).order_by(Project.id).limit(1))
    if project is None:
        raise DomainError(_("No project yet: load one with `flask --app wsgi demo load`."))
    return project


def add_partner(
    project: Project,
    *,
    code: str,
    name: str,
    city: str,
    country: str,
    timezone: str,
    language: str,
    is_lead: bool = False,
) -> Partner:
    """Add a partner, refusing a code in use, an unknown zone or a bad country code."""
    code = code.strip()
    if not code:
        raise DomainError(_("A partner needs a code such as P5."), "code")
    taken = db.session.scalar(
        select(Partner).where(Partner.project_id == project.id, Partner.code == code)
    )
    if taken:
        raise DomainError(
            _("The code %(code)s is used already, by %(partner)s.", code=code, partner=taken.name),
            "code",
        )
    try:
        partner = Partner(
            project=project,
            code=code,
            name=name,
            city=city,
            country=country,
            timezone=timezone,
            language=language,
            is_lead=is_lead,
        )
    except DomainError:
        db.session.rollback()
        raise
    db.session.add(partner)
    db.session.commit()
    return partner
