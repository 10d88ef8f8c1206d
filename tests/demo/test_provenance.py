"""Every demo fact says where it comes from; what no document says is marked as assumed,
on the pages, in the report and in the feeds."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect, select

from app.demo.models import FactSource
from app.demo.provenance import object_key
from app.events.models import Event
from app.extensions import db
from app.home.queries import the_project
from app.outcomes.models import Action, ActionPlan, Indicator, Outcome
from app.partners.models import Partner, Venue
from app.practices.models import GoodPractice
from app.reports.render import render_pdf
from app.reports.services import build_report
from tests import factories
from tests.reports.conftest import pdf_text, sign_in

#: Tables the app's machinery fills on any write (the activity log, the feeds' marker, the
#: search index), and the sources themselves: not facts of the partnership.
MACHINERY = {"fact_source", "activity_entry", "feed_state", "search_document"}


def _sources(obj, field: str | None = None) -> list[FactSource]:
    kind, key = object_key(obj)
    query = select(FactSource).where(FactSource.object_kind == kind, FactSource.object_key == key)
    if field is not None:
        query = query.where(FactSource.field == field)
    return list(db.session.scalars(query))


def test_every_demo_row_has_a_source_or_is_marked_assumed(demo):
    known = {(f.object_kind, f.object_key) for f in db.session.scalars(select(FactSource))}
    walked, missing = set(), []
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if model.__tablename__ in MACHINERY:
            continue
        for row in db.session.scalars(select(model)):
            walked.add(model.__tablename__)
            if object_key(row) not in known:
                missing.append(object_key(row))
    assert not missing, missing
    # The walk reached every kind of record the loader writes.
    assert walked >= {
        "project",
        "phase",
        "partner",
        "person",
        "good_practice",
        "event",
        "event_session",
        "practice_event",
        "transfer",
        "transfer_stage_change",
        "semester_plan",
        "indicator",
        "action_plan",
        "action_group",
        "action",
        "outcome",
        "venue",
    }


def test_every_source_names_its_document_and_words_or_its_reason(demo):
    for fact in db.session.scalars(select(FactSource)):
        if fact.kind == "assumed":
            assert fact.reason and not fact.quote, fact.id
        else:
            assert fact.document and fact.quote and fact.translation, fact.id
        if fact.kind == "document":
            assert re.fullmatch(r"00[0-3]_[0-9a-f]{16}\.txt", fact.document), fact.document


def test_the_quotes_are_the_documents_words(demo):
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the seed documents are not next to the worktree")
    texts = {p.name: re.sub(r"\s+", " ", p.read_text()) for p in seeds.glob("*.txt")}
    for fact in db.session.scalars(select(FactSource).where(FactSource.kind == "document")):
        for piece in re.split(r"\s*…\s*", fact.quote):
            words = re.sub(r"\s+", " ", piece).strip(" .-")
            words = words.replace('"', "").replace("*", "")
            document = texts[fact.document].replace('"', "").replace("*", "")
            assert words in document, (fact.document, words)


def test_kick_off_on_4_and_5_september_2019_in_genoa_from_the_public_record(demo):
    event = db.session.scalars(select(Event).where(Event.kind == "kick_off")).one()
    assert (event.timezone, event.all_day, event.host.city) == ("Europe/Rome", True, "Genoa")
    # Midnight to midnight in Genoa (CEST): 4 and 5 September.
    assert event.starts_at == datetime(2019, 9, 3, 22, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2019, 9, 5, 22, 0, tzinfo=UTC)
    assert len(event.participants) == 5
    assert "Liguria Digitale" in event.description
    record = [f for f in _sources(event) if f.kind == "public_record"]
    assert record and "4 and 5 September 2019" in record[0].quote


def test_each_citys_region_for_its_holidays_follows_from_its_public_location(demo):
    partners = {p.city: p for p in db.session.scalars(select(Partner))}
    assert {city: p.region for city, p in partners.items()} == {
        "Genoa": "GE",
        "Birmingham": "ENG",
        "Gävle": None,
        "Tartu": None,
        "Nyíregyháza": None,
    }
    for partner in partners.values():
        (fact,) = _sources(partner, "region")
        assert fact.kind == "public_record" and partner.city in fact.quote
        assert "ISO 3166-2" in fact.document


def test_the_mapping_of_summer_2020_counts_in_semester_2_and_says_it_is_assumed(demo):
    project = the_project()
    assert project.period_for(date(2020, 6, 1)).number == 2
    assert project.period_for(date(2020, 7, 31)).number == 2
    assert project.period_for(date(2020, 8, 1)).number == 3
    mapping = db.session.scalars(select(Action).where(Action.title == "Map public services")).one()
    assert (mapping.starts_on, mapping.ends_on) == (None, None)
    assert mapping.description == "Summer 2020."
    figures = {o.indicator.code: o for o in mapping.outcomes}
    assert {code: (o.value, o.period_number) for code, o in figures.items()} == {
        "SM": (440, 2),
        "SS": (700, 2),
    }
    reason = _sources(figures["SM"], "period_number")[0]
    assert reason.kind == "assumed" and "Summer 2020" in reason.reason


def test_gavles_practice_is_titled_by_the_documents_heading(demo):
    practice = db.session.scalars(
        select(GoodPractice).where(GoodPractice.owner.has(city="Gävle"))
    ).one()
    assert practice.title == "Service design and e-service development"
    assert "TEENUSEDISAIN JA E-TEENUSTE ARENDAMINE" in _sources(practice, "")[0].quote


def test_practices_carry_only_what_the_newsletter_says(demo):
    practices = {p.title: p for p in db.session.scalars(select(GoodPractice))}
    assert practices["Digital citizen folder"].summary == ""
    assert practices["Segnalaci"].summary == ""
    assert practices["LEGO Education Innovation Studio"].theme == ""
    assert practices["Digital citizen folder"].theme == "Digital services for citizens"


def test_partner_numbers_only_where_a_document_gives_them(demo):
    codes = {p.city: p for p in db.session.scalars(select(Partner))}
    assert {city: p.code for city, p in codes.items()} == {
        "Genoa": "GEN",
        "Birmingham": "P2",
        "Gävle": "P3",
        "Tartu": "P4",
        "Nyíregyháza": "NYI",
    }
    for city in ("Birmingham", "Gävle", "Tartu"):
        (source,) = _sources(codes[city], "code")
        assert source.kind == "document" and codes[city].code in source.quote
    for city in ("Genoa", "Nyíregyháza"):
        (source,) = _sources(codes[city], "code")
        assert source.kind == "assumed" and "partner number" in source.reason


def test_venue_price_is_the_lowest_rate(demo):
    venue = db.session.scalars(select(Venue)).one()
    assert venue.price_is_minimum
    assert venue.price_words == "from €50.00 per hour"


def test_thematic_event_3_as_the_newsletters_tell_it(demo):
    event = db.session.scalars(select(Event).where(Event.number == 3)).one()
    assert "stakeholder groups took part" in event.description
    assert "stakeholder representatives" in event.sessions[2].description
    assert [f.field for f in _sources(event) if f.kind == "assumed"] == [
        "revision",
        "participants",
    ]
    outcomes = db.session.scalars(select(Outcome).where(Outcome.event_id == event.id)).all()
    assert all("agreed" not in o.text for o in outcomes)
    assert any("were discussed" in o.text for o in outcomes)


def test_tartus_plan_invents_no_owner_link_or_instrument(demo):
    plan = db.session.scalars(select(ActionPlan)).one()
    assert plan.policy_instrument == ""
    actions = [a for g in plan.groups for a in g.actions]
    assert all(a.owner == "" and a.inspired_by_practice is None for a in actions)
    assert {a.status for a in actions} == {"done"}  # "What we have done…" (003)
    codes = {i.code for i in db.session.scalars(select(Indicator))}
    assert {"SS", "TD", "PP"} <= codes


def test_plans_say_what_the_fifteen_events_are_for(demo):
    from app.partners.models import SemesterPlan

    for plan in db.session.scalars(select(SemesterPlan)):
        assert "regional action plans" in plan.note


# --- What readers see


@pytest.fixture
def reader(demo, client):
    factories.user("funder@example.org", role="funder")
    sign_in(client, "funder@example.org")
    return client


def _visit(title_start: str) -> Event:
    return db.session.scalars(
        select(Event).where(Event.kind == "study_visit", Event.title.like(title_start + "%"))
    ).one()


def test_event_page_marks_the_assumed_format_and_lists_its_sources(demo, client):
    visit = _visit("Service design")
    html = client.get(f"/events/{visit.id}").get_data(as_text=True)
    assert 'class="fact-mark fact-assumed"' in html
    # Only its format and hours are assumed, not the visit: the mark says "partly".
    assert "partly assumed for the demo" in html
    assert "stored as online" in html  # the reason, readable without hovering
    assert "Sources" in html and "000_79a8f0556e985972.txt" in html
    assert "Korraldaja Gävle" in html


def test_event_page_in_estonian_translates_the_mark(demo, client):
    visit = _visit("Service design")
    html = client.get(f"/events/{visit.id}?lang=et").get_data(as_text=True)
    assert "assumed for the demo" not in html
    assert "osaliselt demo jaoks oletatud" in html
    assert 'class="fact-mark fact-assumed"' in html


def test_practice_page_marks_the_visits_assumptions(demo, client):
    practice = db.session.scalars(
        select(GoodPractice).where(GoodPractice.title == "Segnalaci")
    ).one()
    html = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "assumed for the demo" in html
    assert "“Segnalaci”" in html  # the sourced practice's English translation


def test_action_plan_page_marks_the_assumed_semesters(reader):
    html = reader.get("/action-plans/P4").get_data(as_text=True)
    assert "assumed for the demo" in html
    assert "where the summer begins" in html
    assert "What we have done within the BETTER action plan" in html


def test_a_page_without_demo_facts_has_no_sources_list(demo, client):
    html = client.get("/").get_data(as_text=True)
    assert 'id="fact-sources-heading"' not in html


def test_the_report_marks_what_is_assumed(demo):
    content = pdf_text(render_pdf(build_report(the_project(), 2)))
    assert "assumed for the demo: 003 dates the mapping only “Summer 2020”" in content
    assert "001 says “after several postponements”" in content


def test_a_feed_description_marks_what_is_assumed(demo, client):
    visit = _visit("Service design")
    body = client.get(f"/events/{visit.id}.ics").get_data(as_text=True)
    unfolded = re.sub(r"\r\n[ \t]", "", body)
    descriptions = [line for line in unfolded.splitlines() if line.startswith("DESCRIPTION")]
    assert any(
        "Assumed for the demo: 000 gives the day but not the hours" in d for d in descriptions
    )


def test_loading_twice_writes_no_second_source(demo):
    from app.demo.loader import load_demo

    before = db.session.scalar(select(db.func.count()).select_from(FactSource))
    assert load_demo() is False
    assert db.session.scalar(select(db.func.count()).select_from(FactSource)) == before
    assert inspect(FactSource).persist_selectable.name == "fact_source"


def test_indicators_page_marks_the_assumed_indicators_and_figures(reader):
    html = reader.get("/indicators?period=2").get_data(as_text=True)
    assert html.count('class="fact-mark fact-assumed"') >= 9 + 2  # nine indicators, SM, SS
    assert "The documents name no indicators" in html


def test_marks_cost_one_query_per_page_however_many_rows(demo, client):
    from sqlalchemy import event as sa_event

    statements = []

    def count(_conn, _cursor, statement, *_args):
        if "fact_source" in statement:
            statements.append(statement)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        thematic = db.session.scalars(select(Event).where(Event.number == 3)).one()
        html = client.get(f"/events/{thematic.id}").get_data(as_text=True)
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert html.count('href="#fact-') >= 4  # the event and its three sessions
    assert len(statements) == 1
