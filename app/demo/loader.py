"""Load BETTER: facts from the seed documents, entered in English, each with its source.

Sources (../shared/seeds): 000 Tartu's newsletter on the 2021 study visits and the plan
for the coming months (Estonian); 001 and 002 Tartu's and Nyíregyháza's newsletters on
thematic event #3 (Estonian, Hungarian); 003 Tartu's action-plan presentation and a venue
page from Tartu's room-booking site (English, Estonian); BETTER's project page on the
Interreg Europe website (the public record: the project's dates, Genoa as lead, the
kick-off). 004 is Võru county's innovation strategy, not BETTER's nor a partner's: the
demo takes no fact from it. No contact details are entered.

Every object the loader creates gets `FactSource` rows (app/demo/models.py): the file and
the original words with an English translation, or the public record's words, or, where
the documents are silent but the app needs a value, the mark "assumed" with the reason.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from app.demo.provenance import Ledger
from app.enums import (
    ActionStatus,
    EventFormat,
    EventKind,
    EventStatus,
    OutcomeKind,
    PersonKind,
    PracticeRole,
    SessionKind,
)
from app.events.models import EventSession
from app.events.services import create_event
from app.extensions import db
from app.outcomes.models import Action, ActionGroup, ActionPlan, Indicator, Outcome
from app.partners.models import Partner, Person, Phase, Project, SemesterPlan, Venue
from app.practices.models import GoodPractice, PracticeEvent
from app.practices.services import on_event_held
from app.timezones import local_to_utc

ACRONYM = "BETTER"

D000 = "000_79a8f0556e985972.txt"
D001 = "001_30634da747d3021a.txt"
D002 = "002_e22bd886a1fe9cd2.txt"
D003 = "003_b30a3ca7edd60d59.txt"
RECORD = "BETTER's project page, https://www.interregeurope.eu/better/ (not among the seeds)"

#: Where a city lies is public: its country's ISO 3166-2 subdivisions.
LOCATION = "ISO 3166-2, the subdivisions of each country (the city's public location)"
#: Each city's region for its public holidays (the `holidays` library's subdivision code,
#: None where the country's holidays are national), with the public words it follows from.
REGIONS = {
    "Genoa": (
        "GE",
        "Genoa is in the Metropolitan City of Genoa (IT-GE), in Liguria; the public-holiday "
        "calendar knows Italy by province, and Genoa keeps its patron's day, 24 June.",
    ),
    "Birmingham": (
        "ENG",
        "Birmingham is in England (GB-ENG), whose bank holidays differ from Scotland's "
        "and Northern Ireland's.",
    ),
    "Gävle": (
        None,
        "Gävle is in Gävleborg County (SE-X); Sweden's public holidays are the same in "
        "every county.",
    ),
    "Tartu": (
        None,
        "Tartu is in Tartu County (EE-78); Estonia's public holidays are national.",
    ),
    "Nyíregyháza": (
        None,
        "Nyíregyháza is in Szabolcs-Szatmár-Bereg County (HU-SZ); Hungary's public "
        "holidays and rest days are national.",
    ),
}

FIVE_CITIES = (
    "viis kohalikku omavalitsust (Genoa Itaaliast, Gävle Rootsist, Birmingham "
    "Suurbritanniast, Tartu Eestist, Nyíregyháza Ungarist)"
)
FIVE_CITIES_EN = (
    "five local governments (Genoa from Italy, Gävle from Sweden, Birmingham from the "
    "United Kingdom, Tartu from Estonia, Nyíregyháza from Hungary)"
)

# Partner codes: a P-number only where a document gives it (001 names P2 Birmingham,
# P3 Gävle, P4 Tartu); Genoa and Nyíregyháza, whose numbers no document gives, get a
# code made from the city's name. Genoa's being P1 as lead partner would be an inference.
PARTNERS = [
    # code, name, city, country, zone, language, lead, where the code comes from
    ("GEN", "Municipality of Genoa", "Genoa", "IT", "Europe/Rome", "it", True, None),
    (
        "P2",
        "Birmingham City Council",
        "Birmingham",
        "GB",
        "Europe/London",
        "en",
        False,
        "Dr Steve Harding (P2 Birmingham)",
    ),
    (
        "P3",
        "Gävle Municipality",
        "Gävle",
        "SE",
        "Europe/Stockholm",
        "sv",
        False,
        "Henrik Mazzanti (P3 Gavle)",
    ),
    (
        "P4",
        "Tartu City Government",
        "Tartu",
        "EE",
        "Europe/Tallinn",
        "et",
        False,
        "Lauri Sock (P4 Tartu)",
    ),
    (
        "NYI",
        "Municipality of Nyíregyháza",
        "Nyíregyháza",
        "HU",
        "Europe/Budapest",
        "hu",
        False,
        None,
    ),
]

INDICATORS = [
    # code, name, unit (targets are not in the documents: left empty)
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
    ("SS", "Public services mapped, with the subdivisions", "services"),
    ("TD", "Training days held", "days"),
    ("PP", "Problems with prototyped ideas", "problems"),
]
INDICATORS_ASSUMED = (
    "The documents name no indicators: the demo sets up indicators of the kind the "
    "programme asks for, to hold the figures 003 gives; targets are left empty."
)


def load_demo() -> bool:
    """Load BETTER into an empty database. Returns False (and changes nothing) if present."""
    if db.session.scalar(select(Project).where(Project.acronym == ACRONYM)):
        return False
    ledger = Ledger()
    project = _project(ledger)
    partners = _partners(project, ledger)
    people = _people(partners, ledger)
    practices = _practices(project, partners, ledger)
    _kick_off(project, partners, ledger)
    _thematic_event_3(project, partners, people, ledger)
    _study_visits_2021(project, partners, practices, ledger)
    _plans(project, ledger)
    indicators = _indicators(project, ledger)
    _tartu_action_plan(partners, indicators, ledger)
    _venue(ledger)
    ledger.write()
    db.session.commit()
    return True


def _project(ledger: Ledger) -> Project:
    project = Project(
        acronym=ACRONYM,
        name="BETTER: improving regional innovation strategies through e-government",
        programme="Interreg Europe",
        description=(
            "Five city governments look for a common answer to one challenge: how to "
            "support the public sector in developing regional innovation strategies "
            "through better e-government solutions."
        ),
        start_date=date(2019, 8, 1),
        website="https://www.interregeurope.eu/better/",
    )
    ledger.doc(
        project,
        D001,
        "BETTER on Interreg Europe projekt, kus osalevad viis linnavalitsust (…), kes "
        "otsivad lahendust ühisele väljakutsele - kuidas toetada avalikku sektorit "
        "regionaalsete innovatsioonistrateegiate arendamisel läbi paremate "
        "e-valitsemise lahenduste.",
        "BETTER is an Interreg Europe project of five city governments (…) looking for an "
        "answer to a common challenge: how to support the public sector in developing "
        "regional innovation strategies through better e-government solutions.",
    )
    ledger.doc(
        project,
        D000,
        "Lisainfo saamiseks külasta https://www.interregeurope.eu/better/",
        "For more information visit https://www.interregeurope.eu/better/",
        field="website",
    )
    ledger.record(
        project,
        RECORD,
        "The project started in August 2019.",
        field="start_date",
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
    ledger.doc(
        project.phases[0],
        D000,
        "BETTER jõuab peagi oma kolmeaastase rahvusvahelise õppefaasi viimasesse semestrisse.",
        "BETTER will soon reach the last semester of its three-year interregional learning phase.",
    )
    ledger.record(
        project.phases[0], RECORD, "Phase 1, interregional learning: August 2019 to July 2022."
    )
    ledger.record(project.phases[1], RECORD, "Phase 2, monitoring: August 2022 to July 2023.")
    db.session.add(project)
    return project


def _partners(project: Project, ledger: Ledger) -> dict[str, Partner]:
    partners = {}
    for code, name, city, country, zone_name, language, lead, numbered in PARTNERS:
        partner = Partner(
            project=project,
            code=code,
            name=name,
            city=city,
            country=country,
            timezone=zone_name,
            language=language,
            is_lead=lead,
            region=REGIONS[city][0],
        )
        partners[city] = partner
        db.session.add(partner)
        ledger.doc(
            partner,
            D000,
            FIVE_CITIES,
            FIVE_CITIES_EN + " (the zone and language follow from the city).",
        )
        if numbered:
            ledger.doc(partner, D001, numbered, numbered, field="code")
        else:
            ledger.assume(
                partner,
                f"No document gives {city}'s partner number: its code is made from the "
                "city's name (P-numbers only where 001 gives them).",
                field="code",
            )
        if lead:
            ledger.record(
                partner, RECORD, "The Municipality of Genoa is the lead partner.", field="is_lead"
            )
        ledger.record(partner, LOCATION, REGIONS[city][1], field="region")
    return partners


def _people(partners: dict[str, Partner], ledger: Ledger) -> dict[str, Person]:
    experts = [
        (
            "Sock",
            "Tartu",
            "Lauri Sock",
            "seminar 1",
            "16 Juuni, 11:30 – 13:00 Seminar 1 … Lauri Sock (P4 Tartu)",
            "16 June, 11:30–13:00, seminar 1 … Lauri Sock (P4 Tartu)",
        ),
        (
            "Mazzanti",
            "Gävle",
            "Henrik Mazzanti",
            "workshop 2",
            "17 Juuni, 11:30 – 13:00 Workshop 2 … Henrik Mazzanti (P3 Gavle)",
            "17 June, 11:30–13:00, workshop 2 … Henrik Mazzanti (P3 Gävle)",
        ),
        (
            "Harding",
            "Birmingham",
            "Dr Steve Harding",
            "workshop 3",
            "18 Juuni, 11:30 – 13:00 Workshop 3 … Dr Steve Harding (P2 Birmingham)",
            "18 June, 11:30–13:00, workshop 3 … Dr Steve Harding (P2 Birmingham)",
        ),
    ]
    people = {}
    for key, city, name, session, quote, translation in experts:
        people[key] = Person(
            partner=partners[city],
            name=name,
            function=f"Expert, {session} of thematic event #3",
            kind=PersonKind.EXPERT.value,  # 001: "ekspertidele" (questions to the experts)
        )
        ledger.doc(people[key], D001, quote, translation)
    people["Säälik"] = Person(
        partner=partners["Tartu"],
        name="Anneli Säälik",
        function="Presented Tartu's action-plan results",
    )
    ledger.doc(
        people["Säälik"],
        D003,
        "PARTNERS' CORNER Tartu City Results and findings of BETTER action plan "
        "implementation … Thank you! Anneli Säälik",
        "Partners' corner, Tartu City: results and findings of BETTER action plan "
        "implementation … Thank you! Anneli Säälik (the presentation is signed by her; "
        "her e-mail address is left out)",
    )
    db.session.add_all(people.values())
    return people


#: The practices studied in 2021 (000), under the headings the newsletter gives them.
PRACTICES = [
    # key, owner, title, theme, summary, the newsletter's words, their translation
    (
        "folder",
        "Genoa",
        "Digital citizen folder",
        "Digital services for citizens",
        "",
        "DIGITEENUSED KODANIKELE - “Digitaalne kodaniku kaust”",
        "DIGITAL SERVICES FOR CITIZENS - “Digital citizen folder”",
    ),
    (
        "segnalaci",
        "Genoa",
        "Segnalaci",
        "Digital services for citizens",
        "",
        'DIGITEENUSED KODANIKELE - “Digitaalne kodaniku kaust” - "Segnalaci"',
        "DIGITAL SERVICES FOR CITIZENS - “Digital citizen folder” - “Segnalaci”",
    ),
    (
        "labour",
        "Genoa",
        "Labour policy platform",
        "Digital services for businesses",
        "",
        "DIGITEENUSED ETTEVÕTETELE - “Tööpoliitika platvorm”",
        "DIGITAL SERVICES FOR BUSINESSES - “Labour policy platform”",
    ),
    (
        "police",
        "Genoa",
        "Technological innovation of the local police control centre",
        "Security and resilience",
        "",
        "TURVALISUS JA VASTUPIDAVUS - “Kohaliku politsei juhtimiskeskuse tehnoloogiline uuendus”",
        "SECURITY AND RESILIENCE - “Technological innovation of the local police control centre”",
    ),
    (
        "rain",
        "Genoa",
        "Digital model of rain and hydrometric level data",
        "Security and resilience",
        "",
        "TURVALISUS JA VASTUPIDAVUS - … “Vihma ja hüdromeetrilise taseme andmete digitaalmudel”",
        "SECURITY AND RESILIENCE - … “Digital model of rain and hydrometric level data”",
    ),
    (
        "lego",
        "Nyíregyháza",
        "LEGO Education Innovation Studio",
        "",
        "Ways of using LEGO® tools for education and for developing talent.",
        "LEGO HARIDUSE INNOVATSIOONISTUUDIO- LEGO® töövahendite kasutamise võimalused "
        "hariduslikel ja andekuse arendamise eesmärkidel",
        "LEGO EDUCATION INNOVATION STUDIO - ways of using LEGO® tools for education and "
        "for developing talent",
    ),
    (
        "tree",
        "Nyíregyháza",
        "Digital Tree – habitat of innovation",
        "",
        "Developing a culture of big data, machine learning and data science.",
        "DIGITAALNE PUU – Innovatsiooni elupaik – suurandmete, masinõppe ja "
        "andmeteadustega seotud kultuuri arendamine",
        "DIGITAL TREE – habitat of innovation – developing a culture of big data, machine "
        "learning and data science",
    ),
    (
        "gavle",
        "Gävle",
        "Service design and e-service development",
        "",
        "Gävle Municipality's digitalisation of its services, its principles of e-service "
        "development, and the municipal innovation unit.",
        "TEENUSEDISAIN JA E-TEENUSTE ARENDAMINE – Gävle omavalitsuse teenuste "
        "digitaliseerimine, e-teenuste arendamise põhimõtted ja omavalitsuse "
        "innovatsiooniüksus",
        "SERVICE DESIGN AND E-SERVICE DEVELOPMENT – the digitalisation of Gävle "
        "Municipality's services, the principles of e-service development and the "
        "municipal innovation unit",
    ),
]

#: Each host's line in 000's table: its practices are the ones studied on its visit.
HOST_LINES = {
    "Genoa": (
        "17 juuli 2021 … Korraldaja Genoa Osalesid Birmingham Gävle Nyíregyháza",
        "17 July 2021 … Host: Genoa. Took part: Birmingham, Gävle, Nyíregyháza.",
    ),
    "Nyíregyháza": (
        "13 september 2021 … Korraldaja Nyíregyháza Osalesid Genoa Birmingham Gävle",
        "13 September 2021 … Host: Nyíregyháza. Took part: Genoa, Birmingham, Gävle.",
    ),
    "Gävle": (
        "27 oktoober 2021 … Korraldaja Gävle Osalesid Tartu Birmingham Genoa",
        "27 October 2021 … Host: Gävle. Took part: Tartu, Birmingham, Genoa.",
    ),
}


def _practices(project, partners, ledger: Ledger) -> dict[str, GoodPractice]:
    practices = {}
    for key, owner, title, theme, summary, quote, translation in PRACTICES:
        practice = GoodPractice(
            project=project,
            owner=partners[owner],
            title=title,
            theme=theme,
            location=f"{owner}, {partners[owner].country}",
            summary=summary,
        )
        practices[key] = practice
        ledger.doc(practice, D000, quote, translation)
        line, line_en = HOST_LINES[owner]
        ledger.doc(
            practice,
            D000,
            line,
            line_en + f" The practices studied on {owner}'s visit are taken as {owner}'s.",
            field="owner_partner_id",
        )
    db.session.add_all(practices.values())
    return practices


def _kick_off(project, partners, ledger: Ledger) -> None:
    event = create_event(
        project,
        kind=EventKind.KICK_OFF,
        title="Kick-off meeting",
        host=partners["Genoa"],
        start=date(2019, 9, 4),
        end=date(2019, 9, 5),
        timezone="Europe/Rome",
        participants=list(partners.values()),
        status=EventStatus.HELD,
        location="Genoa",
        description="All partners took part. On the second day a delegation visited "
        "Liguria Digitale's headquarters.",
    )
    ledger.record(
        event,
        RECORD,
        "Genoa hosted the kick-off meeting on 4 and 5 September 2019, with all partners; "
        "a delegation visited Liguria Digitale's headquarters on the second day. (A "
        "partner's press release gives only 5 September.)",
    )
    ledger.assume(
        event,
        "No source gives the hours: stored as an all-day event on 4 and 5 September.",
        field="all_day",
    )


#: Each session's row in 001 (Tartu, EEST) and 002 (Nyíregyháza, CEST): both are
#: 08:30–10:00 UTC, 09:30–11:00 in Birmingham (BST), the host.
SESSIONS = [
    (
        16,
        "Seminar 1: Building partnerships for data collection: examples of how to "
        "foster successful cooperation between the public and private sectors",
        SessionKind.SEMINAR,
        "Sock",
        "How to connect public and private stakeholders in collecting data for a "
        "greater purpose, so that everyone wins.",
        '16 Juuni, 11:30 – 13:00 Seminar 1: "Partnerluse kujundamine andmete kogumiseks: '
        'näited, kuidas soodustada edukat koostööd avaliku ja erasektori vahel." … '
        "Seminaril 1 uurisid osalejad, kuidas ühendada avaliku ja erasektori huvigruppe "
        "andmete kogumiseks suurema eesmärgi nimel ning saavutada võit-võit olukord.",
        "16 June, 11:30–13:00 (Tartu time) Seminar 1: “Building partnerships for data "
        "collection: examples of how to foster successful cooperation between the public "
        "and private sectors.” … In seminar 1 participants explored how to connect public "
        "and private stakeholders in collecting data for a greater purpose and reach a "
        "win-win situation.",
        "Június 16, 10:30 – 12:00 1. Workshop",
        "16 June, 10:30–12:00 (Nyíregyháza time), workshop 1",
    ),
    (
        17,
        "Workshop 2: Data visualisation as a method of engaging citizens and the "
        "public and private sectors",
        SessionKind.WORKSHOP,
        "Mazzanti",
        "Urban platforms that use existing big data, and how visualised data helps "
        "decision-making.",
        '17 Juuni, 11:30 – 13:00 Workshop 2: "Andmete visualiseerimine: meetodid '
        'kaasamiseks linnaelanikke ja avalikku ning erasektorit." … Seminaril 2 juhtisid '
        "eksperdid arutelu linnaplatvormide näitel, mis rakendavad olemasolevaid "
        "suurandmeid ja tutvustasid, kuidas visualiseeritud andmed saavad olla abiks "
        "otsuste tegemise protsessides.",
        "17 June, 11:30–13:00 (Tartu time) Workshop 2: “Data visualisation: methods of "
        "engaging city residents and the public and private sectors.” … In seminar 2 the "
        "experts led a discussion on urban platforms that use existing big data and "
        "showed how visualised data can help decision-making.",
        "Június 17, 10:30 – 12:00 2. Workshop",
        "17 June, 10:30–12:00 (Nyíregyháza time), workshop 2",
    ),
    (
        18,
        "Workshop 3: Public sector reform: how to use data to support public "
        "sector goals and foster more integrated working and governance models",
        SessionKind.WORKSHOP,
        "Harding",
        "Project partners and stakeholder representatives discussed how design "
        "thinking, as a cognitive, strategic and practical process, works and when to "
        "apply it in the public sector.",
        '18 Juuni, 11:30 – 13:00 Workshop 3: "Avaliku sektori reform: …" … Seminaril 3 '
        "arutlesid projekti partnerid ja huvirühmade esindajad, kuidas disainmõtlemine kui "
        "tunnetuslik, strateegiline ja praktiline protsess toimib ning kuidas ja millal "
        "seda rakendada avalikus sektoris.",
        "18 June, 11:30–13:00 (Tartu time) Workshop 3: “Public sector reform: …” … In "
        "seminar 3 the project partners and stakeholder representatives discussed how "
        "design thinking, as a cognitive, strategic and practical process, works, and how "
        "and when to apply it in the public sector.",
        "Június 18, 10:30 – 12:00 3. Workshop … A harmadik Workshopon a BETTER csapata és "
        "az érdekelt felek megvitatták …",
        "18 June, 10:30–12:00 (Nyíregyháza time), workshop 3 … In the third workshop the "
        "BETTER team and the stakeholders discussed …",
    ),
]


def _thematic_event_3(project, partners, people, ledger: Ledger) -> None:
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
            "Planned as a meeting in person in Birmingham in March 2020; after several "
            "postponements, because of COVID-19, held online on Webex in three sessions, "
            "each led by an expert of a partner city. Project partners and representatives "
            "of stakeholder groups took part. Topics and presentations were shared "
            "beforehand in Google Classroom, and participants could put questions to the "
            "experts before and after the sessions."
        ),
        # 001 says only "in March 2020": stored as the whole month, shown as "March 2020".
        original_starts_at=local_to_utc(datetime(2020, 3, 1, 0, 0), london),
        original_ends_at=local_to_utc(datetime(2020, 4, 1, 0, 0), london),
        original_all_day=True,
        original_location="Birmingham, United Kingdom (in person)",
        revision=3,
    )
    ledger.doc(
        event,
        D001,
        "BETTER projekti kolmas temaatiline üritus toimus Covid-19 põhjustatud olukorrast "
        "tingituna virtuaalselt. Algselt juba märtsis 2020.a Inglismaal Birminghamis "
        "kavandatud traditsiooniline kokkusaamine leidis aset aga alles juunis. Pärast "
        "mitmeid edasilükkasimisi ja põhjalikku eeltööd otsustati virtuaalse kogemuste "
        "jagamise kasuks …",
        "BETTER's third thematic event was held virtually because of the situation caused "
        "by Covid-19. The traditional meeting, first planned for March 2020 in Birmingham, "
        "England, only took place in June. After several postponements and thorough "
        "preparation, a virtual exchange of experience was chosen …",
    )
    ledger.doc(
        event,
        D002,
        "Az esemény eredetileg Birminghamben (Egyesült Királyság) került volna "
        "megrendezésre egy személyes találkozó formájában. … A résztvevők a WEBEX "
        "platformot használták.",
        "The event was originally to be held in Birmingham (United Kingdom) as a meeting in "
        "person. … The participants used the WEBEX platform.",
    )
    ledger.doc(
        event,
        D001,
        "Kolm sessiooni toimusid Webex platvormi vahendusel, kusjuures kõik teemad ja "
        "ettekanded olid eelnevalt kõigile osalejatele kättesaadavad veebikeskkonnas "
        "(google classroom). Samas oli enne ja pärast seminare võimalik ekspertidele "
        "esitada küsimusi ja saada ka vastuseid.",
        "The three sessions took place on the Webex platform, and all topics and "
        "presentations were available to all participants beforehand online (Google "
        "Classroom). Questions could be put to the experts, and answered, before and "
        "after the seminars.",
        field="description",
    )
    ledger.doc(
        event,
        D001,
        "Seminaril 3 arutlesid projekti partnerid ja huvirühmade esindajad …",
        "In seminar 3 the project partners and stakeholder representatives discussed …",
        field="description",
    )
    ledger.assume(
        event,
        "001 says “after several postponements” without a count: the revision counts two "
        "postponements and the move online, the fewest “several” allows.",
        field="revision",
    )
    ledger.assume(
        event,
        "The newsletters name experts of Tartu, Gävle and Birmingham and “the project "
        "partners”; that all five partners took part is assumed.",
        field="participants",
    )
    for day, title, kind, expert, summary, quote, translation, quote_hu, hu_en in SESSIONS:
        session = EventSession(
            title=title,
            kind=kind,
            description=summary,
            starts_at=local_to_utc(datetime(2020, 6, day, 9, 30), london),
            ends_at=local_to_utc(datetime(2020, 6, day, 11, 0), london),
            experts=[people[expert]],
        )
        event.sessions.append(session)
        ledger.doc(session, D001, quote, translation)
        ledger.doc(session, D002, quote_hu, hu_en, field="starts_at")
    lesson = Outcome(
        event=event,
        kind=OutcomeKind.LESSON,
        text="The seminars were judged a success: they helped the partners refine their "
        "action plans and identify their learning needs.",
    )
    ledger.doc(
        lesson,
        D001,
        "Seminarid hinnati edukaks. Need toetasid oluliselt partnerite tegevusplaanide "
        "täpsustamist ja õppimisvajaduste välja selgitamist",
        "The seminars were judged a success. They considerably helped the partners refine "
        "their action plans and identify their learning needs",
    )
    discussed = Outcome(
        event=event,
        kind=OutcomeKind.LESSON,
        text="The activities of the next period, from August 2020, and the changes due to "
        "the emergency situation were discussed.",
    )
    ledger.doc(
        discussed,
        D001,
        "samuti räägiti läbi järgmise perioodi - alates augustist 2020 - tegevused ja "
        "muudatused seoses eriolukorraga.",
        "the activities of the next period, from August 2020, and the changes due to the "
        "emergency situation were also discussed.",
    )
    ledger.assume(
        discussed,
        "001 says the next period's activities were discussed, not decided: recorded as a "
        "lesson rather than a decision.",
        field="kind",
    )
    db.session.add_all([lesson, discussed])


#: 000's three study visits: day, host, visitors, the title made of the newsletter's
#: headings for what was studied, the practices.
VISITS = [
    (
        date(2021, 7, 17),
        "Genoa",
        ["Birmingham", "Gävle", "Nyíregyháza"],
        "Digital services for citizens and for businesses; security and resilience",
        ["folder", "segnalaci", "labour", "police", "rain"],
        "DIGITEENUSED KODANIKELE … DIGITEENUSED ETTEVÕTETELE … TURVALISUS JA VASTUPIDAVUS",
        "DIGITAL SERVICES FOR CITIZENS … DIGITAL SERVICES FOR BUSINESSES … SECURITY AND RESILIENCE",
    ),
    (
        date(2021, 9, 13),
        "Nyíregyháza",
        ["Genoa", "Birmingham", "Gävle"],
        "LEGO Education Innovation Studio and Digital Tree",
        ["lego", "tree"],
        "LEGO HARIDUSE INNOVATSIOONISTUUDIO … DIGITAALNE PUU",
        "LEGO EDUCATION INNOVATION STUDIO … DIGITAL TREE",
    ),
    (
        date(2021, 10, 27),
        "Gävle",
        ["Tartu", "Birmingham", "Genoa"],
        "Service design and e-service development",
        ["gavle"],
        "TEENUSEDISAIN JA E-TEENUSTE ARENDAMINE",
        "SERVICE DESIGN AND E-SERVICE DEVELOPMENT",
    ),
]


def _study_visits_2021(project, partners, practices, ledger: Ledger) -> None:
    for day, host, visitors, title, studied, headings, headings_en in VISITS:
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
        line, line_en = HOST_LINES[host]
        ledger.doc(
            event,
            D000,
            "Möödunud poolaastal korraldasid partnerlinnad kolm õppevisiiti: … " + line,
            "In the past half-year the partner cities organised three study visits: … " + line_en,
        )
        ledger.doc(event, D000, headings, headings_en, field="title")
        ledger.assume(
            event,
            "000 gives the day but not the hours: stored as an all-day event.",
            field="all_day",
        )
        ledger.assume(
            event,
            "000 does not say whether the visit met in person or online (its sentence on "
            "meetings in person concerns the coming months): stored as online.",
            field="format",
        )
        links = []
        for key in studied:
            link = PracticeEvent(practice=practices[key], event=event, role=PracticeRole.STUDIED)
            db.session.add(link)
            links.append(link)
            ledger.doc(
                link,
                D000,
                line,
                line_en + " Practices studied ("
                "“Uuritud head praktikad”): " + practices[key].title + ".",
            )
        db.session.flush()
        # Each visiting partner studied the host's practices: the rule that marking a
        # visit held applies on the screens gives each of them a transfer at "studied".
        for transfer in on_event_held(event):
            why = (
                line_en + " The visiting partners studied the host's practices (the "
                "app's rule for a study visit held)."
            )
            ledger.doc(transfer, D000, line, why)
            for step in transfer.history:
                ledger.doc(step, D000, line, why)


def _plans(project, ledger: Ledger) -> None:
    for kind in (EventKind.STUDY_VISIT, EventKind.IMPORT_WORKSHOP, EventKind.LOCAL_EVENT):
        plan = SemesterPlan(
            project=project,
            period_number=6,
            kind=kind,
            planned_count=5,
            note="Planned in the newsletter on the fifth semester for the coming months, "
            "the last semester of the learning phase: all to design, complete and "
            "disseminate the partners' regional action plans, drawn up to implement "
            "their innovation strategies. Meetings in person only when travel and entry "
            "restrictions no longer apply.",
        )
        db.session.add(plan)
        ledger.doc(
            plan,
            D000,
            "BETTER jõuab peagi oma kolmeaastase rahvusvahelise õppefaasi viimasesse "
            "semestrisse. Järgmised kuud on kindlasti projekti kõige töömahukam etapp. "
            "Muude tegevuste hulgas korraldavad partnerlinnad veel viis õppekülastust, viis "
            "import-töötuba ja viis kohalikku üritust – kõik selleks, et kujundada, viia "
            "lõpule ja levitada oma piirkondlikke tegevuskavasid, mis koostatakse "
            "innovatsioonistrateegiate rakendamiseks. COVID-19-ga seotud jätkuvate "
            "probleemide tõttu toimuvad mittevirtuaalsed koosolekud ainult juhul, kui "
            "reisimis- ja sisenemispiirangud enam ei kehti.",
            "BETTER will soon reach the last semester of its three-year interregional "
            "learning phase. The coming months will surely be the project's busiest stage. "
            "Among other activities the partner cities will hold five more study visits, "
            "five import workshops and five local events – all to design, complete and "
            "disseminate their regional action plans, drawn up to implement the innovation "
            "strategies. Because of the continuing COVID-19 problems, meetings in person "
            "take place only when travel and entry restrictions no longer apply.",
        )


def _indicators(project, ledger: Ledger) -> dict[str, Indicator]:
    indicators = {
        code: Indicator(project=project, code=code, name=name, unit=unit)
        for code, name, unit in INDICATORS
    }
    db.session.add_all(indicators.values())
    for indicator in indicators.values():
        ledger.assume(indicator, INDICATORS_ASSUMED)
    return indicators


DONE = "What we have done within the BETTER action plan and next to that?"
DONE_NOTE = DONE + " (003's heading above every action listed.)"


def _tartu_action_plan(partners, indicators, ledger: Ledger) -> None:
    plan = ActionPlan(
        partner=partners["Tartu"],
        title="Tartu regional action plan",
        objective="Better and user-centric public (e-)services.",
    )
    ledger.doc(
        plan,
        D003,
        "TARTU RAP … Objective: BETTER and USER-CENTRIC PUBLIC (e-)SERVICES",
        "Tartu's regional action plan … Objective: better and user-centric public (e-)services",
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
    ledger.doc(
        internal,
        D003,
        "Two action groups: - to improve internal skills and processes … INTERNAL "
        'PROCESSES (BPs of Gävle, Birmingham) develop and pilot the internal "supporting '
        'package" to achieve the service design skill growth and more effective process '
        "management of development projects",
        "Two action groups: to improve internal skills and processes … internal processes "
        "(good practices of Gävle, Birmingham): develop and pilot the internal “supporting "
        "package” to achieve service design skill growth and more effective process "
        "management of development projects",
    )
    ledger.doc(
        engagement,
        D003,
        "2. to engage citizens and stakeholder groups more effectively … DIGITAL "
        "ENGAGEMENT (BPs of Gävle, Nyiregyhaza) harmonize and develop eengagement to "
        "increase citizens participation and it's efficiency.",
        "2. to engage citizens and stakeholder groups more effectively … digital engagement "
        "(good practices of Gävle, Nyíregyháza): harmonise and develop e-engagement to "
        "increase citizens' participation and its efficiency.",
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
        ),
        Action(
            position=2,
            title="Map public services",
            description="Summer 2020.",
            status=done,
            results="More than 440 public services; about 700 with the subdivisions "
            "(schools, kindergartens, museums, cemeteries etc.).",
        ),
        Action(position=3, title="Service development proposal template", status=done),
        Action(position=4, title="Implement the “service owner principle”", status=done),
        Action(
            position=5,
            title="Service design training programme for service owners",
            status=done,
            results="12 service owners and members of the public service development "
            "team; 7 training days with problem detection and prototyping; "
            "3 selected problems with prototyped ideas from the local government area.",
        ),
        Action(
            position=6,
            title="Share and introduce service design sample processes and "
            "projects within the organisation",
            status=done,
        ),
    ]
    engagement.actions = [
        Action(
            position=1,
            title="geoHUB as public engagement and collaboration platform: "
            "promotion activities and sample projects",
            status=done,
        ),
    ]
    action_words = [
        "develop internal processes: - public service development team establishing (May 2020)",
        "develop internal processes: … - mapping public services (Summer 2020) … Mapping "
        "results of public services - In Tartu we provide more than 440 public services "
        "- With the subdivisions (schools, kindergartens, museums, cemeteries etc) there "
        "are about 700 public services",
        "develop internal processes: … - service development proposal template",
        'develop internal processes: … - implement the "service owner principle"',
        "improve internal skills: service design training programme for service owners … "
        "- 12 service owners and members of public service development team - 7 training "
        "days with problem detection and prototyping - 3 selected problems and prototyped "
        "ideas from local government area",
        "improve internal skills: Share and introduce service design sample processes and "
        "projects within organisation",
    ]
    for action, words in zip(internal.actions, action_words, strict=True):
        ledger.doc(action, D003, words, words)  # English in the original
        ledger.doc(action, D003, DONE, DONE_NOTE, field="status")
    geohub = engagement.actions[0]
    ledger.doc(
        geohub,
        D003,
        "Improve digital engagement: geoHUB as public engagement and collaboration platform "
        "- promotion activities - sample projects in the platform",
        "Improve digital engagement: geoHUB as public engagement and collaboration platform "
        "- promotion activities - sample projects in the platform",
    )
    ledger.doc(geohub, D003, DONE, DONE_NOTE, field="status")
    db.session.add(plan)
    db.session.flush()
    mapping, training = internal.actions[1], internal.actions[4]
    summer = (
        "003 dates the mapping only “Summer 2020”: June and July 2020 are in semester 2, "
        "August in semester 3; counted in semester 2, where the summer begins."
    )
    undated = (
        "003 reports the training among the results of action-plan implementation without a "
        "date: counted in the first monitoring semester (7)."
    )
    figures = [
        (
            mapping,
            "SM",
            440,
            2,
            "More than 440 public services provided in Tartu.",
            "In Tartu we provide more than 440 public services",
            summer,
        ),
        (
            mapping,
            "SS",
            700,
            2,
            "About 700 public services with the subdivisions (schools, "
            "kindergartens, museums, cemeteries etc.).",
            "With the subdivisions (schools, kindergartens, museums, cemeteries etc) there are "
            "about 700 public services",
            summer,
        ),
        (
            training,
            "PC",
            12,
            7,
            "Service owners and members of the public service "
            "development team trained in service design.",
            "12 service owners and members of public service development team",
            undated,
        ),
        (
            training,
            "TD",
            7,
            7,
            "Training days with problem detection and prototyping.",
            "7 training days with problem detection and prototyping",
            undated,
        ),
        (
            training,
            "PP",
            3,
            7,
            "Selected problems with prototyped ideas from the local government area.",
            "3 selected problems and prototyped ideas from local government area",
            undated,
        ),
    ]
    for action, code, value, period, text, words, when in figures:
        outcome = Outcome(
            action=action,
            kind=OutcomeKind.FIGURE,
            indicator=indicators[code],
            value=Decimal(value),
            period_number=period,
            text=text,
        )
        db.session.add(outcome)
        ledger.doc(outcome, D003, words, words)
        ledger.assume(outcome, when, field="period_number")


def _venue(ledger: Ledger) -> None:
    venue = Venue(
        name="Auditorium",
        organisation="Hugo Treffner Gymnasium",
        address="Munga tn 12, Tartu",
        city="Tartu",
        capacity=100,
        area_m2=212,
        bookable_hours="Mon–Fri 17:00–21:00",
        price_per_hour=Decimal("50.00"),
        price_is_minimum=True,
    )
    db.session.add(venue)
    ledger.doc(
        venue,
        D003,
        "Auditoorium Alates 50.00€ tund Broneeritavad ajad: E-R 17:00 - 21:00 … Hugo "
        "Treffneri Gümnaasium … Munga tn 12, Tartu linn, Tartu maakond … 212m2 / 100 "
        "inimest",
        "Auditorium. From €50.00 per hour. Bookable hours: Mon–Fri 17:00–21:00. Hugo "
        "Treffner Gymnasium … Munga tn 12, Tartu … 212 m² / 100 people (the page's "
        "contact details are left out)",
    )
