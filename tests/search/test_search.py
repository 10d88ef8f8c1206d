"""/search: accents and case ignored, what each role may read and nothing more, ranked and
highlighted, the index kept in step with every change, and a fixed number of queries."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, insert, select
from sqlalchemy import event as sa_event

from app.events.models import Event
from app.events.services import add_session, remove_session, update_event
from app.extensions import db
from app.people.services import create_person, erase_person, update_person
from app.search.documents import rebuild
from app.search.models import SearchDocument
from app.search.services import PER_PAGE, matching_ids
from app.versioning import version_of
from tests.search.conftest import as_user

SECTION = re.compile(
    r'<section class="search-group" aria-labelledby="results-(\w+)">(.*?)</section>', re.S
)
HIT = re.compile(r'<li>\s*<a href="([^"]+)">(.*?)</a>', re.S)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def hits(client, q: str, **params) -> dict[str, list[str]]:
    """The page's hits by kind: kind -> the titles shown, in order."""
    response = client.get("/search", query_string={"q": q, **params})
    assert response.status_code == 200
    return {
        kind: [_text(title) for _url, title in HIT.findall(body)]
        for kind, body in SECTION.findall(response.text)
    }


# --- Accents and case, in the partnership's languages -----------------------------------

ACCENTS = [
    ("gavle", "Study visit: Service design in Gävle"),
    ("GÄVLE", "Study visit: Service design in Gävle"),
    ("Gavle", "Study visit: Service design in Gävle"),
    ("nyiregyhaza", "Study visit: LEGO Education Innovation Studio"),  # in the description
    ("NYÍREGYHÁZA", "Study visit: LEGO Education Innovation Studio"),
    ("nyireg", "Study visit: LEGO Education Innovation Studio"),  # a word's beginning is enough
    ("oppevisiit", "Local stakeholder event: Õppevisiit Tartu ettevõtetesse"),
    ("õppevisiit", "Local stakeholder event: Õppevisiit Tartu ettevõtetesse"),
    ("ettevotetesse", "Local stakeholder event: Õppevisiit Tartu ettevõtetesse"),
    ("tartu", "Local stakeholder event: Õppevisiit Tartu ettevõtetesse"),
    ("rossi", "Study visit: Service design in Gävle"),  # the session's expert
    ("municipal innovation", "Study visit: Service design in Gävle"),  # the session's title
]


@pytest.mark.parametrize(("q", "title"), ACCENTS)
def test_accents_and_case_do_not_matter(world, client, q, title):
    assert title in hits(client, q).get("event", [])


def test_study_visits_are_found_by_their_kind_in_any_language(world, client):
    # "Õppevisiit" is how the Estonian interface names a study visit.
    assert (
        hits(client, "oppevisiit")["event"][0]
        == "Local stakeholder event: Õppevisiit Tartu ettevõtetesse"
    )
    assert "Study visit: Service design in Gävle" in hits(client, "oppevisiit")["event"]
    assert "Study visit: Service design in Gävle" in hits(client, "studiebesok")["event"]
    assert "Study visit: Service design in Gävle" in hits(client, "tanulmanyut")["event"]


def test_every_word_must_match(world, client):
    assert hits(client, "gavle lego") == {}
    assert hits(client, "lego nyiregyhaza")["event"] == [
        "Study visit: LEGO Education Innovation Studio"
    ]


# --- What each role finds -------------------------------------------------------------


def test_the_public_finds_published_events_and_practices_only(world, client):
    found = hits(as_user(client, None), "nyiregyhaza")
    assert found == {"event": ["Study visit: LEGO Education Innovation Studio"]}
    assert hits(as_user(client, None), "gavle").keys() == {"event"}  # not the internal practice
    assert hits(as_user(client, None), "citizen folder") == {"practice": ["Digital citizen folder"]}
    assert hits(as_user(client, None), "tamm") == {}  # people: signed-in readers only
    assert hits(as_user(client, None), "owners") == {}  # outcomes: signed-in readers only
    assert hits(as_user(client, None), "hidden") == {}  # an internal practice


@pytest.mark.parametrize("role", ["coordinator", "partner", "funder"])
def test_signed_in_readers_find_internal_events_outcomes_and_people(world, client, role):
    reader = as_user(client, world.users[role])
    assert hits(reader, "nyiregyhaza")["event"] == [
        "Steering meeting: Budget talks in Nyíregyháza",  # in its title: first
        "Study visit: LEGO Education Innovation Studio",
    ]
    assert hits(reader, "owners") == {"outcome": ["Study visit: Service design in Gävle"]}
    assert hits(reader, "tamm") == {"person": ["Mari Tamm"]}
    assert hits(reader, "project manager")["person"] == ["Mari Tamm"]  # a function
    assert hits(reader, "hidden") == {"practice": ["Gävle's hidden draft"]}


@pytest.mark.parametrize("role", [None, "coordinator", "partner", "funder"])
def test_an_email_address_is_never_found_nor_shown(world, client, role):
    reader = as_user(client, world.users[role] if role else None)
    for q in ("mari.tamm@example.org", "tamm@example.org", "example.org", "example"):
        assert "person" not in hits(reader, q), q
    page = reader.get("/search?q=tamm").text + reader.get("/search?q=rossi").text
    assert "mari.tamm@" not in page and "anna.rossi@" not in page
    assert not db.session.scalars(
        select(SearchDocument).where(SearchDocument.body.contains("@"))
    ).all()


def test_a_kind_the_reader_may_not_read_is_not_searched(world, client):
    assert hits(as_user(client, None), "tamm", kind="person") == {}


# --- Ranking, highlighting, escaping ---------------------------------------------------


def test_a_title_match_ranks_above_a_description_match(world, client):
    from tests import factories

    factories.event(
        world.project,
        world.tartu,
        datetime(2020, 1, 6, 9),
        datetime(2020, 1, 6, 12),
        title="Partners meet",
        description="An afternoon hackathon on open data.",
    )
    factories.event(
        world.project,
        world.tartu,
        datetime(2024, 1, 6, 9),
        datetime(2024, 1, 6, 12),
        title="Hackathon on open data",
    )
    assert hits(client, "hackathon")["event"] == [
        "Study visit: Hackathon on open data",
        "Study visit: Partners meet",
    ]


def test_matched_words_are_highlighted(world, client):
    page = client.get("/search?q=gavle+service").text
    assert "<mark>Service</mark> design in <mark>Gävle</mark>" in page
    page = client.get("/search?q=nyireg").text
    assert '<p class="search-excerpt"><mark>Nyíregyháza</mark> shows its studio' in page


def test_a_title_with_markup_stays_escaped(world, client):
    from tests import factories

    factories.event(
        world.project,
        world.tartu,
        datetime(2024, 2, 6, 9),
        datetime(2024, 2, 6, 12),
        title="<script>alert(1)</script> Tartu <b>bold</b>",
    )
    page = client.get("/search?q=alert").text
    assert "<script>alert" not in page and "<b>bold" not in page
    assert (
        "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt; Tartu &lt;b&gt;bold&lt;/b&gt;" in page
    )
    page = client.get("/search", query_string={"q": "<script>x</script>"}).text
    assert "<script>x" not in page


# --- The page's messages ---------------------------------------------------------------


def test_an_empty_query_no_results_and_too_long_a_query_are_said(world, client):
    assert "Type a word or a name" in client.get("/search").text
    assert "Type a word or a name" in client.get("/search?q=+%21%3F+").text
    page = client.get("/search?q=zzzqqq").text
    assert "Nothing matches “zzzqqq”" in page
    assert 'value="zzzqqq"' in page  # the query stays in the boxes
    page = client.get("/search", query_string={"q": "x" * 201}).text
    assert "Search for at most 200 characters." in page
    page = client.get("/search", query_string={"q": " ".join(f"w{i}" for i in range(11))}).text
    assert "Search for at most 10 words." in page


def test_every_page_has_the_search_box_in_its_header(world, client):
    page = client.get("/events").text
    box = re.search(r'<form class="header-search" role="search".*?</form>', page, re.S).group()
    assert 'action="/search"' in box
    assert '<label for="header-search-q" class="visually-hidden">' in box
    assert 'value=""' in box
    assert 'value="gavle"' in client.get("/search?q=gavle").text.split("</header>")[0]


def test_hits_link_to_their_pages(world, client):
    reader = as_user(client, world.users["funder"])
    page = reader.get("/search?q=gavle").text
    assert f'href="/events/{world.visit.id}"' in page
    assert f'href="/events/{world.visit.id}/outcomes"' in page
    assert reader.get(f"/events/{world.visit.id}").status_code == 200
    page = reader.get("/search?q=rossi").text
    assert f'href="/people?partner={world.genoa.id}"' in page


# --- The index follows every change ----------------------------------------------------


def test_the_index_follows_a_person_created_renamed_and_erased(world, client):
    reader = as_user(client, world.users["coordinator"])
    person = create_person(world.gavle, "Sven Öberg", function="Digital strategist")
    db.session.commit()
    assert hits(reader, "oberg") == {"person": ["Sven Öberg"]}
    update_person(person, {"name": "Sven Åkesson"}, version_of(person))
    db.session.commit()
    assert hits(reader, "oberg") == {}
    assert hits(reader, "akesson") == {"person": ["Sven Åkesson"]}
    erase_person(person, version_of(person))
    db.session.commit()
    assert hits(reader, "akesson") == {}
    assert hits(reader, "strategist") == {}
    assert hits(reader, "former participant") == {}


def test_an_erased_expert_no_longer_finds_their_sessions(world, client):
    reader = as_user(client, world.users["coordinator"])
    assert "Study visit: Service design in Gävle" in hits(reader, "anna rossi")["event"]
    erase_person(world.anna, version_of(world.anna))
    db.session.commit()
    assert hits(reader, "rossi") == {}


def test_the_index_follows_events_and_their_agenda(world, client):
    update_event(
        world.lego, title="Study visit: Robotics studio", seen_version=version_of(world.lego)
    )
    db.session.commit()
    assert hits(client, "lego") == {}
    assert hits(client, "robotics")["event"] == ["Study visit: Robotics studio"]
    session = add_session(
        world.lego,
        title="Drones for schools",
        start=datetime(2021, 9, 13, 10),
        end=datetime(2021, 9, 13, 11),
        seen_version=version_of(world.lego),
    )
    db.session.commit()
    assert hits(client, "drones")["event"] == ["Study visit: Robotics studio"]
    remove_session(world.lego, session, seen_version=version_of(session))
    db.session.commit()
    assert hits(client, "drones") == {}
    update_event(world.lego, is_public=False, seen_version=version_of(world.lego))
    db.session.commit()
    assert hits(client, "robotics") == {}  # now internal
    db.session.delete(world.internal)
    db.session.commit()
    reader = as_user(client, world.users["funder"])
    assert hits(reader, "budget") == {}
    assert hits(reader, "robotics")["event"] == ["Study visit: Robotics studio"]


def test_a_rolled_back_change_leaves_the_index_as_it_was(world, client):
    world.lego.title = "Never saved"
    db.session.flush()
    db.session.rollback()
    assert hits(client, "never") == {}
    assert hits(client, "lego")["event"] == ["Study visit: LEGO Education Innovation Studio"]


def test_reindex_writes_the_index_again(world, client, runner):
    db.session.execute(delete(SearchDocument))
    db.session.commit()
    assert hits(client, "gavle") == {}
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed" in result.output
    assert "Study visit: Service design in Gävle" in hits(client, "gavle")["event"]


def test_matching_ids_serves_other_lists(world):
    ids = db.session.scalars(select(Event.id).where(Event.id.in_(matching_ids("event", "GÄVLE"))))
    assert set(ids) == {world.visit.id}
    assert (
        db.session.scalars(select(Event.id).where(Event.id.in_(matching_ids("event", "")))).all()
        == []
    )


# --- Pages and query counts ------------------------------------------------------------


def _add_events(world, first: int, count: int) -> None:
    """`count` public events sharing the word "exchange", written in bulk (Core inserts
    bypass the listeners: the index is then rebuilt, as the CLI does)."""
    start = datetime(2023, 1, 2, 8, tzinfo=UTC)
    rows = [
        dict(
            project_id=world.project.id,
            kind="study_visit",
            title=f"Exchange {n} on e-services",
            description="Agenda and aims.",
            host_partner_id=world.tartu.id,
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, minutes=90),
            timezone="Europe/Tallinn",
            all_day=False,
            format="in_person",
            location="City hall",
            online_platform="",
            online_url="",
            status="planned",
            original_all_day=False,
            original_location="",
            is_public=True,
            revision=1,
            created_at=start,
            updated_at=start,
        )
        for n in range(first, first + count)
    ]
    db.session.execute(insert(Event.__table__), rows)
    rebuild(db.session.connection())
    db.session.commit()


def _statements(client, url: str) -> int:
    client.get(url)  # warm: the signed-in user, the schema check
    seen = []

    def count(*_args):
        seen.append(1)

    sa_event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_query_count_does_not_grow_with_the_rows(world, client):
    reader = as_user(client, world.users["coordinator"])
    _add_events(world, 1, 10)
    few = (
        _statements(reader, "/search?q=exchange"),
        _statements(reader, "/search?q=exchange&kind=event"),
    )
    _add_events(world, 11, 990)
    many = (
        _statements(reader, "/search?q=exchange"),
        _statements(reader, "/search?q=exchange&kind=event"),
    )
    assert few == many


def test_a_kind_pages_on_with_a_more_link(world, client):
    _add_events(world, 1, 45)
    page = client.get("/search?q=exchange").text
    found = hits(client, "exchange")["event"]
    assert len(found) == PER_PAGE
    assert "Events (45)" in page
    assert f"More: {PER_PAGE} of 45 shown" in page
    assert "/search?q=exchange&amp;kind=event&amp;page=2" in page
    second = client.get("/search?q=exchange&kind=event&page=2").text
    assert "Page 2 of 3" in second and 'start="21"' in second
    assert len(hits(client, "exchange", kind="event", page=3)["event"]) == 5
    past = client.get("/search?q=exchange&kind=event&page=9").text
    assert "Events (45)" in past and "No more results here." in past
