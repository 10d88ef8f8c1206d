"""The API blueprint (/api/v1): who calls (app.api.auth), conditional answers, the OpenAPI
document and its docs page. The operations are in `read_views` and `write_views`."""

from flask import Blueprint, render_template, request

from app.api.auth import authenticate
from app.api.docs import operations_by_tag
from app.api.spec import API_PREFIX, api
from app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
# Tokens, not cookies: a cross-site form cannot act with a browser's session (app.api.auth).
csrf.exempt(bp)


@bp.before_request
def _caller() -> None:
    authenticate()


@bp.after_request
def _conditional(response):
    """Readers get an ETag on every successful read and 304 when theirs still holds."""
    response.headers.setdefault("Cache-Control", "private, no-cache")
    response.vary.add("Authorization")
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
    return response


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document, generated from the views below."""
    return api.spec


@bp.get("/docs")
def docs():
    """A page that reads the OpenAPI document: every operation, its parameters and answers."""
    spec = api.spec
    return render_template(
        "api/docs.html", spec=spec, operations=operations_by_tag(spec), prefix=API_PREFIX
    )


from app.api import read_views, write_views  # noqa: E402, F401  (their routes, on this blueprint)
