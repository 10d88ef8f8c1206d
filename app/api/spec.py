"""The OpenAPI document, generated from the API's views by SpecTree (pydantic models in,
OpenAPI 3.1 out), and the one shape every API error has."""

from flask import abort, jsonify, make_response
from pydantic import BaseModel, Field, ValidationError
from spectree import SecurityScheme, SpecTree

API_PREFIX = "/api/v1"


class ApiErrorBody(BaseModel):
    """What every refusal says: a sentence a person can read, and the field it is about."""

    message: str
    field: str | None = None
    status: int


def api_error(status: int, message: str, field: str | None = None, headers=None):
    """Stop the request with a JSON error (never an HTML page)."""
    response = make_response(
        jsonify({"message": str(message), "field": field, "status": status}), status
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    abort(response)


def _field_of(error: dict) -> str | None:
    location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    return ".".join(location) or None


def _refuse_invalid(_request, _response, error: ValidationError | None, _instance) -> None:
    """Request validation failed: say the first problem, with its field, as a 400."""
    if error is None:
        return
    first = error.errors(include_url=False)[0]
    field = _field_of(first)
    message = first.get("msg", "Invalid value")
    api_error(400, f"{field}: {message}" if field else message, field)


api = SpecTree(
    "flask",
    title="Interreg partnership programme API",
    version="1.0.0",
    description=(
        "Read the partnership's programme (partners, events with sessions, good practices, "
        "transfers, semesters and indicators) and schedule, edit, postpone and cancel "
        "events. Instants are UTC (ISO 8601 with Z) with the event's IANA zone beside them. "
        "Authenticate with a personal API token from the account page "
        "(Authorization: Bearer ipp_…); without one you read what the public reads."
    ),
    # Only the views decorated with `api.validate` are in the document; its own address is
    # served by the API blueprint, so SpecTree registers no routes (and no CDN pages).
    mode="strict",
    path="api/v1/_spectree",
    page_templates={},
    before=_refuse_invalid,
    validation_error_status=400,
    validation_error_model=ApiErrorBody,
    security_schemes=[
        SecurityScheme(
            name="token",
            data={"type": "http", "scheme": "bearer", "description": "A personal API token"},
        )
    ],
    security=[{}, {"token": []}],
    # Plain model names ("EventOut"), the same for a model wherever it is used.
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)

#: Responses every operation may give besides its success.
ERRORS = {
    "HTTP_400": ApiErrorBody,
    "HTTP_401": ApiErrorBody,
    "HTTP_404": ApiErrorBody,
}
WRITE_ERRORS = ERRORS | {
    "HTTP_403": ApiErrorBody,
    "HTTP_409": ApiErrorBody,
    "HTTP_412": ApiErrorBody,
}


class Paging(BaseModel):
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last page."
    )
    limit: int
