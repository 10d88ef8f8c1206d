"""The home page shows the partnership read-only: partners, and the current and next
semester's events with links to the others."""

from datetime import UTC, date, datetime, timedelta

from app.extensions import db
from tests import factories


def test_home_lists_partners_and_links_every_semester(demo, client):
    page = client.get("/").get_data(as_text=True)
    for city in ("Genoa", "Birmingham", "Gävle", "Tartu", "Nyíregyháza"):
        assert city in page
    # BETTER has ended: its last two semesters with events are shown, the others linked.
    assert "<h3>Semester 5 (Aug 2021 – Jan 2022)" in page  # its last events: Oct 2021
    assert "Semester 2 (Feb 2020 – Jul 2020)" in page
    assert "/events?semester=2&amp;when=all" in page
    listed = client.get("/events?semester=2&when=all").get_data(as_text=True)
    assert "Thematic event #3" in listed
    # Anonymous readers see the event's local time with its zone named.
    assert "16 Jun 2020, 09:30 BST (Europe/London)" in listed


def _running_project():
    """A project whose current semester holds today, and a next one."""
    today = datetime.now(UTC).date()
    return factories.project(start_date=date(today.year - 1, 8, 1), years=4)


def test_internal_events_are_not_public_and_titles_are_escaped(app, client):
    project = _running_project()
    host = factories.partner(project, "P4")
    soon = (datetime.now(UTC) + timedelta(days=1)).replace(tzinfo=None, microsecond=0)
    factories.event(
        project, host, soon, soon + timedelta(hours=2), title="Secret steering", is_public=False
    )
    factories.event(
        project, host, soon, soon + timedelta(hours=2), title="<script>alert(1)</script>"
    )
    page = client.get("/").get_data(as_text=True)
    assert "Secret steering" not in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    db.session.rollback()


def test_home_shows_the_current_and_next_semester_and_no_more_than_a_few_rows(app, client):
    from app.home.views import HOME_EVENTS_PER_SEMESTER

    project = _running_project()
    host = factories.partner(project, "P4")
    today = datetime.now(UTC).date()
    current = project.period_for(today)
    following = project.period(current.number + 1)
    earlier = project.period(current.number - 1)
    for period, title in ((earlier, "Earlier"), (current, "Current"), (following, "Next")):
        day = datetime.combine(period.start + timedelta(days=40), datetime.min.time())
        factories.event(project, host, day.replace(hour=9), day.replace(hour=11), title=title)
    start = datetime.combine(following.start + timedelta(days=50), datetime.min.time())
    for i in range(HOME_EVENTS_PER_SEMESTER + 3):
        at = start + timedelta(days=i, hours=9)
        factories.event(project, host, at, at + timedelta(hours=1), title=f"Many {i:02d}")
    page = client.get("/").get_data(as_text=True)
    assert current.label in page and following.label in page
    assert "Current" in page and "Next" in page and "Earlier" not in page
    assert page.count('class="event"') == 1 + HOME_EVENTS_PER_SEMESTER
    total = HOME_EVENTS_PER_SEMESTER + 4
    assert f"All {total} events of this semester" in page
    assert f"/events?semester={following.number}&amp;when=all" in page
    assert f"/events?semester={earlier.number}&amp;when=all" in page  # among the others
