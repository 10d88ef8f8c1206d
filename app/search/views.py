"""`/search`: the header box's results, grouped by kind."""

from flask import Blueprint, render_template, request, url_for

from app.errors import DomainError
from app.input_rules import db_id
from app.search import services
from app.view_helpers import project_or_404

bp = Blueprint("search", __name__)


@bp.get("/search", endpoint="results")
def results():
    project = project_or_404()
    q = request.args.get("q", "").strip()
    kind = request.args.get("kind", "")
    kind = kind if kind in services.readable_kinds() else ""
    page = max(request.args.get("page", type=db_id) or 1, 1)
    error, groups = None, []
    try:
        groups = services.search_for_reader(project, q, kind or None, page)
    except DomainError as exc:
        error = exc.message
    return render_template(
        "search/results.html",
        project=project,
        q=q,
        kind=kind,
        page=page,
        groups=groups,
        error=error,
        per_page=services.PER_PAGE,
        searched=bool(services.query_words(q)) and error is None,
        page_url=lambda group, number: url_for("search.results", q=q, kind=group.kind, page=number),
    )
