"""Good-practice pages: who reads, who edits, what is refused, filters, query counts."""

from contextlib import contextmanager

from sqlalchemy import event, func, select

from app.extensions import db
from app.practices import services
from app.practices.models import GoodPractice
from app.versioning import version_of
from tests import factories
from tests.practices.world import sign_in, study_visit

FIELDS = {
    "title": "Open data portal",
    "location": "Gävle, Sweden",
    "theme": "Data culture",
    "summary": "Publishes the municipality's data.",
    "problem": "Data locked in departments.",
    "resources": "Two developers for a year.",
    "evidence_of_success": "120 data sets published.",
    "transfer_potential": "Any city with a data team.",
    "started_on": "2018-01-15",
    "ended_on": "",
    "links": "https://example.org/portal",
    "is_public": "y",
}


def _form(world, **changes):
    data = {**FIELDS, "owner_partner_id": str(world.gavle.id)}
    data.update(changes)
    return data


def _count_practices() -> int:
    return db.session.scalar(select(func.count()).select_from(GoodPractice))


def test_anonymous_reads_public_practices_only(world, client):
    hidden = GoodPractice(project=world.project, owner=world.gavle, title="Draft idea")
    hidden.is_public = False
    db.session.add(hidden)
    db.session.commit()
    listing = client.get("/practices").get_data(as_text=True)
    assert "Municipal innovation unit" in listing
    assert "Draft idea" not in listing
    assert client.get(f"/practices/{world.practice.id}").status_code == 200
    assert client.get(f"/practices/{hidden.id}").status_code == 404
    sign_in(client, "funder@example.org")
    assert "Draft idea" in client.get("/practices").get_data(as_text=True)
    assert client.get(f"/practices/{hidden.id}").status_code == 200


def test_owner_editor_records_a_practice_with_the_funders_fields(world, client):
    sign_in(client, "gavle@example.org")
    response = client.post("/practices/new", data=_form(world))
    assert response.status_code == 302
    practice = db.session.scalar(
        select(GoodPractice).where(GoodPractice.title == "Open data portal")
    )
    assert practice.owner_partner_id == world.gavle.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for text in (
        "Gävle, Sweden",
        "Data locked in departments.",
        "Two developers for a year.",
        "120 data sets published.",
        "Any city with a data team.",
        "15 Jan 2018",
        "ongoing",
        'href="https://example.org/portal"',
    ):
        assert text in page


def test_title_over_the_programmes_limit_is_refused_and_nothing_saved(world, client):
    sign_in(client, "gavle@example.org")
    before = _count_practices()
    response = client.post("/practices/new", data=_form(world, title="x" * 101))
    assert response.status_code == 400
    assert "at most 100" in response.get_data(as_text=True)
    assert _count_practices() == before
    ok = client.post("/practices/new", data=_form(world, title="y" * 100))
    assert ok.status_code == 302


def test_bad_dates_and_links_are_refused_and_leave_the_practice_as_it_was(world, client):
    sign_in(client, "gavle@example.org")
    url = f"/practices/{world.practice.id}/edit"
    backwards = client.post(
        url,
        data=_form(
            world,
            title="Renamed",
            started_on="2020-05-01",
            ended_on="2019-01-01",
            version=version_of(world.practice),
        ),
    )
    assert backwards.status_code == 400
    assert "end date is before the start date" in backwards.get_data(as_text=True)
    bad_link = client.post(
        url,
        data=_form(
            world,
            title="Renamed",
            links="javascript:alert(1)",
            version=version_of(world.practice),
        ),
    )
    assert bad_link.status_code == 400
    assert "not a web address" in bad_link.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GoodPractice, world.practice.id).title == "Municipal innovation unit"


def test_only_the_owners_editors_and_coordinators_edit(world, client):
    url = f"/practices/{world.practice.id}/edit"
    assert client.get(url).status_code == 302  # anonymous: to sign-in
    for email, status in (
        ("tartu@example.org", 403),
        ("funder@example.org", 403),
        ("gavle@example.org", 200),
        ("coord@example.org", 200),
    ):
        sign_in(client, email)
        assert client.get(url).status_code == status, email
        client.post("/logout")
    sign_in(client, "tartu@example.org")
    response = client.post(url, data=_form(world, title="Taken over"))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(GoodPractice, world.practice.id).title == "Municipal innovation unit"


def test_an_editor_cannot_record_a_practice_for_another_partner(world, client):
    before = _count_practices()
    sign_in(client, "funder@example.org")
    assert client.post("/practices/new", data=_form(world)).status_code == 403
    client.post("/logout")
    sign_in(client, "tartu@example.org")
    response = client.post("/practices/new", data=_form(world))  # owner: Gävle
    assert response.status_code == 400
    assert _count_practices() == before


def test_filters_by_theme_owner_and_stage(world, client):
    other = GoodPractice(
        project=world.project, owner=world.tartu, title="Tartu geoHUB", theme="Maps"
    )
    db.session.add(other)
    db.session.commit()
    services.create_transfer(world.practice, world.tartu, stage="studied")
    db.session.commit()

    def titles(query):
        page = client.get("/practices" + query).get_data(as_text=True)
        return {t for t in ("Municipal innovation unit", "Tartu geoHUB") if t in page}

    assert titles("") == {"Municipal innovation unit", "Tartu geoHUB"}
    assert titles("?theme=Maps") == {"Tartu geoHUB"}
    assert titles(f"?owner={world.gavle.id}") == {"Municipal innovation unit"}
    assert titles("?stage=studied") == {"Municipal innovation unit"}
    assert titles("?stage=implemented") == set()


@contextmanager
def count_queries():
    queries = []

    def record(_conn, _cursor, statement, *_args):
        queries.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield queries
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_practice_page_query_count_does_not_grow_with_transfers_and_events(world, client):
    sign_in(client, "coord@example.org")
    more = [factories.partner(world.project, f"X{i}", f"City {i}") for i in range(4)]

    def visit(title, participants):
        held = study_visit(world, title=title, participants=participants)
        services.link_practice_to_event(world.practice, held, "studied")
        services.on_event_held(held)
        db.session.commit()

    visit("Visit A", [world.tartu])
    visit("Visit B", more[:2])
    url = f"/practices/{world.practice.id}"
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    visit("Visit C", more[2:])
    visit("Visit D", [world.genoa])
    client.get(url)  # as before the first count: the signed-in user is loaded
    with count_queries() as many:
        page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Gävle → City 3" in text and "Gävle → Genoa" in text
    listed = text.split('id="history"')[0]  # the history panel names the visits again
    assert listed.count("Visit D") == 2  # listed, and in Genoa's timeline
    assert len(many) == len(few), "\n\n".join(many)
    client.get("/practices")
    with count_queries() as listing_many:
        client.get("/practices")
    for i in range(4):
        db.session.add(GoodPractice(project=world.project, owner=more[i], title=f"Extra {i}"))
    db.session.commit()
    client.get("/practices")
    with count_queries() as listing_more:
        client.get("/practices")
    assert len(listing_more) == len(listing_many)
