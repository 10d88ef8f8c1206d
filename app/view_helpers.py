"""Small pieces every area's views share."""

from flask import abort, flash

from app.errors import DomainError
from app.home.queries import the_project
from app.partners.models import Project
from app.versioning import LOST_RACE, StaleEdit, refusal, version_of


def project_or_404() -> Project:
    """The partnership the pages show; 404 before one is loaded."""
    project = the_project()
    if project is None:
        abort(404)
    return project


def field_error(form, error: DomainError) -> None:
    """Show a service's message next to its field, or as a flash when it names none."""
    field = getattr(form, error.field or "", None)
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [error.message]
    else:
        flash(error.message, "error")


def refuse(form, error: Exception, obj) -> bool:
    """After a rollback: show why nothing was saved. A stale form (or the loser of a race)
    gets the refusal naming what changed, keeps the user's input and takes the current
    version, so it saves once checked. True when it was stale (answer 409). `obj` is None
    for a form that creates: a lost race there is refused without naming fields."""
    if obj is None and not isinstance(error, DomainError):
        flash(str(LOST_RACE), "error")
        return True
    if obj is None:
        field_error(form, error)
        return False
    error = refusal(error, obj, form.version.data)
    if isinstance(error, StaleEdit):
        flash(error.message, "error")
        form.version.data = version_of(obj)
        return True
    field_error(form, error)
    return False
