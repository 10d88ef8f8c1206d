"""Small pieces every area's views share."""

from flask import abort, flash

from app.errors import DomainError
from app.home.queries import the_project
from app.partners.models import Project


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
