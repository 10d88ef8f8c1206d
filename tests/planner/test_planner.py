"""The semester planner: the demo's semesters as partners by weeks, bars with host and
visitors, holidays shaded per partner, the plan's targets; who sees what; fixed queries."""

import html
import re
from datetime import date, datetime

import pytest
from flask import g
from sqlalchemy import event as sa_event
from sqlalchemy import select

from app.extensions import db
from app.partners.models import Partner, Project
from tests import factories


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def _bars(page: str) -> list[str]:
    """Each bar's text alternative (its link's hidden words), in page order."""
    links = re.findall(r'<a class="bar [^"]*"[^>]*>(.*?)</a>', page, re.S)
    return [re.search(r'<span class="visually-hidden">(.*?)</span>', a).group(1) for a in links]


def _rows(page: str) -> list[str]:
    return re.findall(r'<th scope="row"[^>]*><a href="/partners/[^"]+/holidays">([^<]+)</a>', page)


def test_a_demo_semester_at_a_glance(demo, client):
    page = _page(client, "/planner?semester=5")
    assert "Semester planner: Semester 5 (Aug 2021 – Jan 2022)" in page
    # Partners as rows, by code; the ISO weeks of the semester as columns, with their dates.
    assert _rows(page) == ["Genoa", "Nyíregyháza", "Birmingham", "Gävle", "Tartu"]
    weeks = re.findall(r'<abbr title="([^"]+)">W(\d+)</abbr><span class="week-day">([^<]+)<', page)
    assert weeks[0] == ("Week 30: 26 Jul 2021 – 1 Aug 2021", "30", "26 Jul")
    assert weeks[1][1:] == ("31", "2 Aug")
    assert weeks[-1][1:] == ("5", "31 Jan")
    assert len(weeks) == 28
    # The 2021 study visits of 000, each hosted by one city and visited by the others.
    lego = "Study visit: LEGO Education Innovation Studio and Digital Tree, 13 Sep 2021"
    design = "Study visit: Service design and e-service development, 27 Oct 2021"
    assert sorted(_bars(page)) == sorted(
        [
            f"{lego}, Genoa visits",
            f"{lego}, Nyíregyháza hosts",
            f"{lego}, Birmingham visits",
            f"{lego}, Gävle visits",
            f"{design}, Genoa visits",
            f"{design}, Birmingham visits",
            f"{design}, Gävle hosts",
            f"{design}, Tartu visits",
        ]
    )
    assert page.count("bar kind-study_visit role-host") == 2
    assert page.count("bar kind-study_visit role-visitor") == 6
    # Holidays shaded in each partner's own row, named in words.
    assert "Public holiday, 20 Aug 2021: State Foundation Day" in page  # Nyíregyháza
    assert "Public holiday, 23 Oct 2021: National Day" in page
    assert "Public holiday, 30 Aug 2021: Late Summer Bank Holiday" in page  # Birmingham, ENG
    assert "Public holiday, 24 Dec 2021: Christmas Eve" in page  # Gävle and Tartu
    nyiregyhaza = page[page.index(">Nyíregyháza</a>") : page.index(">Birmingham</a>")]
    assert "State Foundation Day" in nyiregyhaza and "Late Summer Bank Holiday" not in nyiregyhaza
    assert "Study visit: 2 scheduled" in page
    assert 'href="/planner?semester=4" rel="prev"' in page
    assert 'href="/planner?semester=6" rel="next"' in page


def test_the_plans_targets_against_what_is_scheduled(demo, client):
    page = _page(client, "/planner?semester=6")
    for kind in ("Study visit", "Import workshop", "Local stakeholder event"):
        assert f"{kind}: 0 of 5 planned" in page
    project = db.session.scalar(select(Project))
    genoa, tartu = (
        db.session.scalar(select(Partner).where(Partner.city == city))
        for city in ("Genoa", "Tartu")
    )
    for day in (10, 17, 24):
        factories.event(
            project,
            tartu,
            datetime(2022, 3, day, 10),
            datetime(2022, 3, day, 12),
            participants=[genoa],
        )
    page = _page(client, "/planner?semester=6")
    assert "Study visit: 3 of 5 planned" in page
    assert page.count('<li class="behind">') == 3  # all three kinds behind their plan


def test_the_default_semester_is_the_current_one(demo, client):
    # The demo ended in July 2023: its last semester is the one shown.
    assert "Semester 8 (Feb 2023 – Jul 2023)" in _page(client, "/planner").split("</h1>")[0]


@pytest.mark.parametrize("number", ["99", "0", "x", "-1", "１"])
def test_an_unknown_semester_is_404(demo, client, number):
    assert client.get(f"/planner?semester={number}").status_code == 404


@pytest.fixture
def small(app):
    project = factories.project(start_date=date(2025, 8, 1))
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT", region="GE")
    return {"project": project, "tartu": tartu, "genoa": genoa}


def test_internal_events_only_for_signed_in_readers(small, client):
    factories.event(
        small["project"],
        small["tartu"],
        datetime(2026, 3, 9, 10),
        datetime(2026, 3, 9, 12),
        title="Partners only",
        is_public=False,
        kind="meeting",
    )
    page = _page(client, "/planner?semester=2")
    assert "Partners only" not in page and "Steering meeting: 1 scheduled" not in page
    user = factories.user("editor@example.org", "partner", small["genoa"])
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)
    page = _page(client, "/planner?semester=2")
    assert "Steering meeting: Partners only, 9 Mar 2026, Tartu hosts" in _bars(page)
    assert "Steering meeting: 1 scheduled" in page


def test_a_multi_day_event_is_one_bar_over_its_days_and_cancelled_ones_are_left_out(small, client):
    from app.events.services import cancel

    factories.event(
        small["project"],
        small["genoa"],
        date(2026, 6, 22),
        date(2026, 6, 26),
        participants=[small["tartu"]],
        title="Long visit",
    )
    dropped = factories.event(
        small["project"], small["genoa"], date(2026, 7, 1), date(2026, 7, 1), title="Dropped"
    )
    cancel(dropped)
    db.session.commit()
    page = _page(client, "/planner?semester=2")
    assert re.findall(r'<td colspan="(\d+)" class="bar-cell', page) == ["5", "5"]
    assert "Dropped" not in page
    assert "Cancelled events are not shown." in page


def _statements(client, url: str) -> int:
    count = 0

    def counter(*_args, **_kwargs):
        nonlocal count
        count += 1

    client.get(url)
    db.session.remove()
    sa_event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", counter)
    return count


def test_the_query_count_does_not_grow_with_events(small, client):
    ids = small["project"].id, small["tartu"].id, small["genoa"].id

    def add(n: int) -> None:
        project, tartu, genoa = (
            db.session.get(m, i) for m, i in zip((Project, Partner, Partner), ids, strict=True)
        )
        for i in range(n):
            day = 2 + i % 25
            factories.event(
                project,
                tartu,
                datetime(2026, 3, day, 9),
                datetime(2026, 3, day, 11),
                participants=[genoa],
            )

    add(2)
    few = _statements(client, "/planner?semester=2")
    add(20)
    assert _statements(client, "/planner?semester=2") == few
