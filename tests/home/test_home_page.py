"""The home page shows the partnership read-only: partners, and events by semester."""

from datetime import datetime

from app.extensions import db
from tests import factories


def test_home_lists_partners_and_events_by_semester(demo, client):
    page = client.get("/").get_data(as_text=True)
    for city in ("Genoa", "Birmingham", "Gävle", "Tartu", "Nyíregyháza"):
        assert city in page
    assert "Semester 2 (Feb 2020 – Jul 2020)" in page
    assert page.index("Semester 2") < page.index("Thematic event #3") < page.index("Semester 4")
    # Anonymous readers see the event's local time with its zone named.
    assert "16 Jun 2020, 09:30 BST (Europe/London)" in page


def test_internal_events_are_not_public_and_titles_are_escaped(app, client):
    project = factories.project()
    host = factories.partner(project, "P4")
    factories.event(
        project,
        host,
        datetime(2026, 3, 5, 10),
        datetime(2026, 3, 5, 12),
        title="Secret steering",
        is_public=False,
    )
    factories.event(
        project,
        host,
        datetime(2026, 3, 6, 10),
        datetime(2026, 3, 6, 12),
        title="<script>alert(1)</script>",
    )
    page = client.get("/").get_data(as_text=True)
    assert "Secret steering" not in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    db.session.rollback()
