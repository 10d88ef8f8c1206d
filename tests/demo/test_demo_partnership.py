"""The demo partnership holds the facts of the seed documents."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from app.demo.loader import load_demo
from app.events.models import Event
from app.extensions import db
from app.outcomes.models import Action, ActionPlan, Outcome
from app.partners.models import Partner, Project, SemesterPlan, Venue
from app.practices.models import GoodPractice, Transfer


def _event(kind: str, **where) -> Event:
    query = select(Event).where(Event.kind == kind)
    for column, value in where.items():
        query = query.where(getattr(Event, column) == value)
    return db.session.scalars(query).one()


def _cities(partners) -> list[str]:
    return sorted(p.city for p in partners)


def test_five_partners_in_five_zones(demo):
    partners = {p.city: p for p in db.session.scalars(select(Partner))}
    assert {city: p.timezone for city, p in partners.items()} == {
        "Genoa": "Europe/Rome",
        "Birmingham": "Europe/London",
        "Gävle": "Europe/Stockholm",
        "Tartu": "Europe/Tallinn",
        "Nyíregyháza": "Europe/Budapest",
    }
    assert [p.city for p in partners.values() if p.is_lead] == ["Genoa"]
    assert (partners["Birmingham"].code, partners["Gävle"].code, partners["Tartu"].code) == (
        "P2",
        "P3",
        "P4",
    )


def test_periods_follow_the_phases(demo):
    project = db.session.scalars(select(Project)).one()
    periods = project.periods()
    assert len(periods) == 8
    assert (periods[0].start, periods[0].last_day) == (date(2019, 8, 1), date(2020, 1, 31))
    assert (periods[5].start, periods[5].last_day) == (date(2022, 2, 1), date(2022, 7, 31))
    assert periods[6].phase == "Phase 2: monitoring"


def test_thematic_event_3_postponed_then_held_online(demo):
    event = _event("thematic_event", number=3)
    assert event.host.city == "Birmingham"
    assert event.status == "held" and event.format == "online"
    assert event.online_platform == "Webex"
    assert event.original_location == "Birmingham, United Kingdom (in person)"
    # 001 says only "in March 2020": the whole month, in the host's zone (BST from 29 March).
    assert event.original_starts_at == datetime(2020, 3, 1, tzinfo=UTC)
    assert event.original_ends_at == datetime(2020, 3, 31, 23, tzinfo=UTC)
    assert event.revision > 1


def test_thematic_event_3_sessions_at_the_instants_both_newsletters_give(demo):
    event = _event("thematic_event", number=3)
    # Tartu's newsletter: 11:30-13:00 (EEST); Nyíregyháza's: 10:30-12:00 (CEST).
    for day, session in zip((16, 17, 18), event.sessions, strict=True):
        assert session.starts_at == datetime(2020, 6, day, 8, 30, tzinfo=UTC)
        assert session.ends_at == datetime(2020, 6, day, 10, 0, tzinfo=UTC)
    experts = [[p.name for p in s.experts] for s in event.sessions]
    assert experts == [["Lauri Sock"], ["Henrik Mazzanti"], ["Dr Steve Harding"]]
    assert [s.experts[0].partner.city for s in event.sessions] == ["Tartu", "Gävle", "Birmingham"]


def test_three_study_visits_of_2021_with_hosts_and_visitors(demo):
    visits = db.session.scalars(
        select(Event).where(Event.kind == "study_visit").order_by(Event.starts_at)
    ).all()
    facts = [(v.local_start.date(), v.host.city, _cities(v.visiting_partners)) for v in visits]
    assert facts == [
        (date(2021, 7, 17), "Genoa", ["Birmingham", "Gävle", "Nyíregyháza"]),
        (date(2021, 9, 13), "Nyíregyháza", ["Birmingham", "Genoa", "Gävle"]),
        (date(2021, 10, 27), "Gävle", ["Birmingham", "Genoa", "Tartu"]),
    ]
    assert all(v.all_day for v in visits)


def test_each_event_counts_for_its_semester(demo):
    project = db.session.scalars(select(Project)).one()
    semesters = {
        e.display_title: project.period_for(e.local_start.date()).number
        for e in db.session.scalars(select(Event))
    }
    assert semesters["Kick-off meeting"] == 1
    assert semesters["Thematic event #3"] == 2
    by_host = {
        e.host.city: project.period_for(e.local_start.date()).number
        for e in db.session.scalars(select(Event).where(Event.kind == "study_visit"))
    }
    assert by_host == {"Genoa": 4, "Nyíregyháza": 5, "Gävle": 5}


def test_practices_studied_on_the_visits(demo):
    genoa_visit = _event(
        "study_visit",
        title="Digital services for citizens and for businesses; security and resilience",
    )
    studied = db.session.scalars(
        select(GoodPractice.title)
        .join(GoodPractice.event_links)
        .where(GoodPractice.event_links.any(event_id=genoa_visit.id))
    ).all()
    assert "Digital citizen folder" in studied and "Segnalaci" in studied
    assert len(studied) == 5


def test_tartu_action_plan_with_results_in_figures(demo):
    plan = db.session.scalars(select(ActionPlan)).one()
    assert plan.partner.city == "Tartu"
    assert len(plan.groups) == 2
    training = db.session.scalars(
        select(Action).where(Action.title.like("Service design training%"))
    ).one()
    # 003 names the partners whose practices a group adopts, never one practice.
    assert training.inspired_by_practice is None
    assert "12 service owners" in training.results and "7 training days" in training.results
    figures = {
        o.indicator.code: (o.value, o.period_number)
        for o in db.session.scalars(select(Outcome).where(Outcome.kind == "figure"))
    }
    assert figures == {"SM": (440, 2), "SS": (700, 2), "PC": (12, 7), "TD": (7, 7), "PP": (3, 7)}


def test_tartu_studied_gavles_practice_and_no_document_puts_it_in_the_plan(demo):
    tartu = db.session.scalars(select(Partner).where(Partner.city == "Tartu")).one()
    transfer = db.session.scalars(select(Transfer).where(Transfer.importer == tartu)).one()
    assert (transfer.practice.owner.city, transfer.importer.city) == ("Gävle", "Tartu")
    assert [c.stage for c in transfer.history] == ["studied"]
    assert transfer.history[0].event.display_title.startswith("Study visit: Service design")
    assert transfer.stage == "studied"


def test_visitors_studied_the_hosts_practices(demo):
    flows = {}
    for transfer in db.session.scalars(select(Transfer)):
        pair = (transfer.practice.owner.city, transfer.importer.city)
        flows[pair] = flows.get(pair, 0) + 1
    assert flows == {
        **{("Genoa", city): 5 for city in ("Birmingham", "Gävle", "Nyíregyháza")},
        **{("Nyíregyháza", city): 2 for city in ("Genoa", "Birmingham", "Gävle")},
        **{("Gävle", city): 1 for city in ("Tartu", "Birmingham", "Genoa")},
    }


def test_plan_for_the_following_months_and_the_venue(demo):
    plans = {p.kind: p.planned_count for p in db.session.scalars(select(SemesterPlan))}
    assert plans == {"study_visit": 5, "import_workshop": 5, "local_event": 5}
    venue = db.session.scalars(select(Venue)).one()
    assert (venue.capacity, venue.area_m2, venue.city) == (100, 212, "Tartu")


def test_no_contact_details_entered(demo):
    from app.partners.models import Person

    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Person)
            .where((Person.email.is_not(None)) | (Person.phone.is_not(None)))
        )
        == 0
    )


def test_loading_twice_changes_nothing(demo):
    def counts():
        return [
            db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables
        ]

    before = counts()
    assert load_demo() is False
    assert counts() == before


def test_demo_load_command(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and "Loaded" in first.output
    assert second.exit_code == 0 and "already loaded" in second.output
