"""Load BETTER: facts from the seed newsletters and presentations, entered in English.

Sources (shared/seeds): 000 Tartu newsletter on the 2021 study visits (Estonian);
001/002 Tartu and Nyíregyháza newsletters on thematic event #3 (Estonian, Hungarian);
003 Tartu's action-plan presentation and a venue page; the public record for the
project's dates, Genoa as lead and the kick-off. No contact details are entered.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from app.enums import (
    ActionStatus,
    EventFormat,
    EventKind,
    EventStatus,
    OutcomeKind,
    PracticeRole,
    SessionKind,
    TransferStage,
)
from app.events.models import EventSession
from app.events.services import create_event
from app.extensions import db
from app.outcomes.models import Action, ActionGroup, ActionPlan, Indicator, Outcome
from app.partners.models import Partner, Person, Phase, Project, SemesterPlan, Venue
from app.practices.models import GoodPractice, PracticeEvent, Transfer, TransferStageChange
from app.practices.services import on_event_held
from app.timezones import local_to_utc

ACRONYM = "BETTER"

PARTNERS = [
    # code, name, city, country, zone, language, lead
    ("P1", "Municipality of Genoa", "Genoa", "IT", "Europe/Rome", "it", True),
    ("P2", "Birmingham City Council", "Birmingham", "GB", "Europe/London", "en", False),
    ("P3", "Gävle Municipality", "Gävle", "SE", "Europe/Stockholm", "sv", False),
    ("P4", "Tartu City Government", "Tartu", "EE", "Europe/Tallinn", "et", False),
    # Nyíregyháza's partner number is not in the documents, so its code says so.
    ("NYI", "Municipality of Nyíregyháza", "Nyíregyháza", "HU", "Europe/Budapest", "hu", False),
]

INDICATORS = [
    # code, name, unit, target (targets are not in the documents: left empty)
    ("GP", "Good practices identified", "practices"),
    (
        "PC",
        "People with increased professional capacity due to participation in "
        "interregional cooperation activities",
        "people",
    ),
    ("AP", "Action plans developed", "plans"),
    ("PI", "Policy instruments improved", "instruments"),
    ("PE", "Participants in events", "people"),
    ("SM", "Public services mapped", "services"),
]


def load_demo() -> bool:
    """Load BETTER into an empty database. Returns False (and changes nothing) if present."""
    if db.session.scalar(select(Project).where(Project.acronym == ACRONYM)):
        return False
    project = _project()
    partners = _partners(project)
    people = _people(partners)
    practices = _practices(project, partners)
    _kick_off(project, partners)
    _thematic_event_3(project, partners, people)
    _study_visits_2021(project, partners, practices)
    _plans(project)
    indicators = _indicators(project)
    _tartu_action_plan(partners, practices, indicators)
    _venue()
    db.session.commit()
    return True


def _project() -> Project:
    project = Project(
        acronym=ACRONYM,
        name="BETTER: improving regional innovation strategies through e-government",
        programme="Interreg Europe",
        description=(
            "Five city governments improve their regional innovation strategies "
            "through e-government: better, user-centric public e-services."
        ),
        start_date=date(2019, 8, 1),
        website="https://www.interregeurope.eu/better/",
    )
    project.phases = [
        Phase(
            number=1,
            name="Phase 1: interregional learning",
            start_date=date(2019, 8, 1),
            end_date=date(2022, 8, 1),
        ),
        Phase(
            number=2,
            name="Phase 2: monitoring",
            start_date=date(2022, 8, 1),
            end_date=date(2023, 8, 1),
        ),
    ]
    db.session.add(project)
    return project


def _partners(project: Project) -> dict[str, Partner]:
    partners = {}
    for code, name, city, country, zone_name, language, lead in PARTNERS:
        partners[city] = Partner(
            project=project,
            code=code,
            name=name,
            city=city,
            country=country,
            timezone=zone_name,
            language=language,
            is_lead=lead,
        )
        db.session.add(partners[city])
    return partners


def _people(partners: dict[str, Partner]) -> dict[str, Person]:
    people = {
        "Sock": Person(
            partner=partners["Tartu"],
            name="Lauri Sock",
            function="Expert, seminar 1 of thematic event #3",
        ),
        "Mazzanti": Person(
            partner=partners["Gävle"],
            name="Henrik Mazzanti",
            function="Expert, workshop 2 of thematic event #3",
        ),
        "Harding": Person(
            partner=partners["Birmingham"],
            name="Dr Steve Harding",
            function="Expert, workshop 3 of thematic event #3",
        ),
        "Säälik": Person(
            partner=partners["Tartu"],
            name="Anneli Säälik",
            function="Presented Tartu's action-plan results",
        ),
    }
    db.session.add_all(people.values())
    return people


def _practices(project: Project, partners: dict[str, Partner]) -> dict[str, GoodPractice]:
    def practice(key, owner, title, theme, summary, newsletter_name=""):
        note = f" Named in Tartu's newsletter as “{newsletter_name}”." if newsletter_name else ""
        return key, GoodPractice(
            project=project,
            owner=partners[owner],
            title=title,
            theme=theme,
            location=f"{owner}, {partners[owner].country}",
            summary=summary + note,
        )

    rows = [
        practice(
            "folder",
            "Genoa",
            "Digital citizen folder",
            "Digital services for citizens",
            "A digital folder where citizens find their documents and dealings with "
            "the municipality.",
            "Digitaalne kodaniku kaust",
        ),
        practice(
            "segnalaci",
            "Genoa",
            "Segnalaci",
            "Digital services for citizens",
            "Genoa's service for citizens to report issues to the municipality.",
        ),
        practice(
            "labour",
            "Genoa",
            "Labour policy platform",
            "Digital services for businesses",
            "A platform for labour policy services.",
            "Tööpoliitika platvorm",
        ),
        practice(
            "police",
            "Genoa",
            "Technological innovation of the local police control centre",
            "Security and resilience",
            "Technological renewal of the municipal police's control centre.",
            "Kohaliku politsei juhtimiskeskuse tehnoloogiline uuendus",
        ),
        practice(
            "rain",
            "Genoa",
            "Digital model of rain and hydrometric level data",
            "Security and resilience",
            "A digital model of rainfall and hydrometric level data.",
            "Vihma ja hüdromeetrilise taseme andmete digitaalmudel",
        ),
        practice(
            "lego",
            "Nyíregyháza",
            "LEGO Education Innovation Studio",
            "Education and talent development",
            "Using LEGO® tools for education and the development of talent.",
            "LEGO hariduse innovatsioonistuudio",
        ),
        practice(
            "tree",
            "Nyíregyháza",
            "Digital Tree – habitat of innovation",
            "Data culture and innovation",
            "Developing a culture around big data, machine learning and data science.",
            "Digitaalne puu – innovatsiooni elupaik",
        ),
        practice(
            "gavle",
            "Gävle",
            "Digitalisation of municipal services and the municipal innovation unit",
            "Service design and e-service development",
            "Gävle Municipality's digitalisation of its services, its principles for "
            "developing e-services, and its innovation unit.",
            "Teenusedisain ja e-teenuste arendamine",
        ),
    ]
    practices = dict(rows)
    db.session.add_all(practices.values())
    return practices


def _kick_off(project, partners) -> None:
    # Public record: kick-off meeting in Genoa on 5 September 2019 (hours not known).
    create_event(
        project,
        kind=EventKind.KICK_OFF,
        title="Kick-off meeting",
        host=partners["Genoa"],
        start=date(2019, 9, 5),
        end=date(2019, 9, 5),
        timezone="Europe/Rome",
        participants=list(partners.values()),
        status=EventStatus.HELD,
        location="Genoa",
    )


def _thematic_event_3(project, partners, people) -> None:
    # 001 (Tartu, EEST) gives 11:30–13:00; 002 (Nyíregyháza, CEST) gives 10:30–12:00.
    # Both are 08:30–10:00 UTC, 09:30–11:00 in Birmingham (BST), the host.
    london = "Europe/London"
    event = create_event(
        project,
        kind=EventKind.THEMATIC_EVENT,
        number=3,
        title="Thematic event #3",
        host=partners["Birmingham"],
        start=datetime(2020, 6, 16, 9, 30),
        end=datetime(2020, 6, 18, 11, 0),
        timezone=london,
        participants=list(partners.values()),
        format=EventFormat.ONLINE,
        online_platform="Webex",
        status=EventStatus.HELD,
        description=(
            "Planned as a meeting in person in Birmingham in March 2020; postponed "
            "because of COVID-19 and held online on Webex in three sessions, each led "
            "by an expert of a partner city. Topics and presentations were shared "
            "beforehand in Google Classroom, and participants could put questions to "
            "the experts before and after the sessions."
        ),
        original_starts_at=local_to_utc(datetime(2020, 3, 1), london),
        original_ends_at=local_to_utc(datetime(2020, 4, 1), london),
        original_all_day=True,
        original_location="Birmingham, United Kingdom (in person, March 2020)",
        revision=3,  # postponed, then moved online
    )
    sessions = [
        (
            16,
            "Seminar 1: Building partnerships for data collection: examples of how to "
            "foster successful cooperation between the public and private sectors",
            SessionKind.SEMINAR,
            "Sock",
            "How to connect public and private stakeholders in collecting data for a "
            "greater purpose, so that everyone wins.",
        ),
        (
            17,
            "Workshop 2: Data visualisation as a method of engaging citizens and the "
            "public and private sectors",
            SessionKind.WORKSHOP,
            "Mazzanti",
            "Urban platforms that use existing big data, and how visualised data helps "
            "decision-making.",
        ),
        (
            18,
            "Workshop 3: Public sector reform: how to use data to support public "
            "sector goals and foster more integrated working and governance models",
            SessionKind.WORKSHOP,
            "Harding",
            "How design thinking, as a cognitive, strategic and practical process, works "
            "and when to apply it in the public sector.",
        ),
    ]
    for day, title, kind, expert, summary in sessions:
        event.sessions.append(
            EventSession(
                title=title,
                kind=kind,
                description=summary,
                starts_at=local_to_utc(datetime(2020, 6, day, 9, 30), london),
                ends_at=local_to_utc(datetime(2020, 6, day, 11, 0), london),
                experts=[people[expert]],
            )
        )
    event_outcomes = [
        (
            OutcomeKind.LESSON,
            "The seminars were judged a success: they helped the partners "
            "refine their action plans and identify their learning needs.",
        ),
        (
            OutcomeKind.DECISION,
            "The activities of the next period, from August 2020, and the "
            "changes due to the emergency situation were agreed.",
        ),
    ]
    for kind, text in event_outcomes:
        db.session.add(Outcome(event=event, kind=kind, text=text))


def _study_visits_2021(project, partners, practices) -> None:
    # 000: dates, hosts ("Korraldaja") and visitors ("Osalesid"); hours not given.
    # The format is not stated; in 2021 partners met in person only where travel
    # restrictions allowed, so the visits are recorded as online.
    visits = [
        (
            date(2021, 7, 17),
            "Genoa",
            ["Birmingham", "Gävle", "Nyíregyháza"],
            "Genoa's e-government practices",
            ["folder", "segnalaci", "labour", "police", "rain"],
        ),
        (
            date(2021, 9, 13),
            "Nyíregyháza",
            ["Genoa", "Birmingham", "Gävle"],
            "Innovation in education and data culture in Nyíregyháza",
            ["lego", "tree"],
        ),
        (
            date(2021, 10, 27),
            "Gävle",
            ["Tartu", "Birmingham", "Genoa"],
            "Service design and e-service development in Gävle",
            ["gavle"],
        ),
    ]
    for day, host, visitors, title, studied in visits:
        event = create_event(
            project,
            kind=EventKind.STUDY_VISIT,
            title=title,
            host=partners[host],
            start=day,
            end=day,
            timezone=partners[host].timezone,
            participants=[partners[v] for v in visitors],
            status=EventStatus.HELD,
            format=EventFormat.ONLINE,
        )
        for key in studied:
            db.session.add(
                PracticeEvent(practice=practices[key], event=event, role=PracticeRole.STUDIED)
            )
        db.session.flush()
        # Each visiting partner studied the host's practices: the rule that marking a
        # visit held applies on the screens gives each of them a transfer at "studied".
        on_event_held(event)


def _plans(project) -> None:
    # 000: "five more study visits, five import workshops and five local events"
    # in the coming months, i.e. the last semester of phase 1 (semester 6).
    for kind in (EventKind.STUDY_VISIT, EventKind.IMPORT_WORKSHOP, EventKind.LOCAL_EVENT):
        db.session.add(
            SemesterPlan(
                project=project,
                period_number=6,
                kind=kind,
                planned_count=5,
                note="Planned in the newsletter on the fifth semester; meetings in person "
                "only when travel and entry restrictions no longer apply.",
            )
        )


def _indicators(project) -> dict[str, Indicator]:
    indicators = {
        code: Indicator(project=project, code=code, name=name, unit=unit)
        for code, name, unit in INDICATORS
    }
    db.session.add_all(indicators.values())
    return indicators


def _tartu_action_plan(partners, practices, indicators) -> None:
    tartu = partners["Tartu"]
    plan = ActionPlan(
        partner=tartu,
        title="Tartu regional action plan",
        policy_instrument="Tartu's regional innovation strategy (e-government)",
        objective="Better and user-centric public (e-)services.",
    )
    internal = ActionGroup(
        position=1,
        title="Internal processes: improve internal skills and processes",
        objective="Develop and pilot the internal “supporting package” to achieve service "
        "design skill growth and more effective process management of "
        "development projects.",
        inspired_by="Good practices of Gävle and Birmingham",
    )
    engagement = ActionGroup(
        position=2,
        title="Digital engagement: engage citizens and stakeholder groups",
        objective="Harmonise and develop e-engagement to increase citizens' participation "
        "and its efficiency.",
        inspired_by="Good practices of Gävle and Nyíregyháza",
    )
    plan.groups = [internal, engagement]
    done = ActionStatus.DONE
    internal.actions = [
        Action(
            position=1,
            title="Establish the public service development team",
            starts_on=date(2020, 5, 1),
            ends_on=date(2020, 5, 31),
            status=done,
            owner="Tartu City Government",
        ),
        Action(
            position=2,
            title="Map public services",
            starts_on=date(2020, 6, 1),
            ends_on=date(2020, 8, 31),
            status=done,
            results="More than 440 public services; about 700 with the subdivisions "
            "(schools, kindergartens, museums, cemeteries etc.).",
            owner="Public service development team",
        ),
        Action(
            position=3,
            title="Service development proposal template",
            status=ActionStatus.IN_PROGRESS,
        ),
        Action(
            position=4,
            title="Implement the “service owner principle”",
            status=ActionStatus.IN_PROGRESS,
        ),
        Action(
            position=5,
            title="Service design training programme for service owners",
            inspired_by_practice=practices["gavle"],
            status=done,
            results="12 service owners and members of the public service development "
            "team; 7 training days with problem detection and prototyping; "
            "3 selected problems with prototyped ideas.",
            owner="Public service development team",
        ),
        Action(
            position=6,
            title="Share and introduce service design sample processes and "
            "projects within the organisation",
            inspired_by_practice=practices["gavle"],
            status=ActionStatus.IN_PROGRESS,
        ),
    ]
    engagement.actions = [
        Action(
            position=1,
            title="geoHUB as public engagement and collaboration platform: "
            "promotion activities and sample projects",
            status=ActionStatus.IN_PROGRESS,
        ),
    ]
    db.session.add(plan)
    db.session.flush()

    mapping, training = internal.actions[1], internal.actions[4]
    # The mapping ran in summer 2020 (semester 3). The training is reported in 003,
    # Tartu's results of action-plan implementation, without a date: implementation
    # is phase 2, so its figure counts for the first monitoring semester (7).
    db.session.add_all(
        [
            Outcome(
                action=mapping,
                kind=OutcomeKind.FIGURE,
                indicator=indicators["SM"],
                value=Decimal(440),
                period_number=3,
                text="Public services mapped in Tartu (about 700 with subdivisions).",
            ),
            Outcome(
                action=training,
                kind=OutcomeKind.FIGURE,
                indicator=indicators["PC"],
                value=Decimal(12),
                period_number=7,
                text="Service owners and team members trained in service design.",
            ),
        ]
    )
    # The action plan includes the Gävle practice: the transfer's stage moves on.
    transfer = db.session.scalar(
        select(Transfer).where(Transfer.practice == practices["gavle"], Transfer.importer == tartu)
    )
    transfer.stage = TransferStage.IN_ACTION_PLAN
    transfer.history.append(
        TransferStageChange(
            stage=TransferStage.IN_ACTION_PLAN,
            action=training,
            changed_at=datetime(2022, 7, 31, 12, 0, tzinfo=UTC),
            reason="Tartu's action plan, due at the end of phase 1, includes the service "
            "design training programme inspired by Gävle.",
        )
    )


def _venue() -> None:
    # 003: a room from Tartu's room-booking site (contact details deliberately left out).
    db.session.add(
        Venue(
            name="Auditorium",
            organisation="Hugo Treffner Gymnasium",
            address="Munga tn 12, Tartu",
            city="Tartu",
            capacity=100,
            area_m2=212,
            bookable_hours="Mon–Fri 17:00–21:00",
            price_per_hour=Decimal("50.00"),
        )
    )
