"""Public holidays of the five demo partners' countries and regions, in every language."""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from app.errors import DomainError
from app.extensions import db
from app.holidays.services import holiday_warnings, holidays_between
from tests import factories

# country, region, day, language, a name the library gives that day
KNOWN_DAYS = [
    ("IT", "GE", date(2026, 6, 2), "it", "Festa della Repubblica"),
    ("IT", "GE", date(2026, 6, 2), "en", "Republic Day"),
    ("IT", "GE", date(2026, 6, 24), "it", "San Giovanni Battista"),
    ("GB", "ENG", date(2026, 8, 31), "en", "Late Summer Bank Holiday"),
    ("GB", "ENG", date(2026, 4, 6), "en", "Easter Monday"),
    ("SE", None, date(2026, 6, 6), "sv", "Nationaldagen"),
    ("SE", None, date(2026, 6, 19), "sv", "Midsommarafton"),
    ("SE", None, date(2026, 6, 19), "en", "Midsummer Eve"),
    ("EE", None, date(2026, 2, 24), "et", "iseseisvuspäev"),
    ("EE", None, date(2026, 6, 23), "et", "võidupüha"),
    ("EE", None, date(2026, 6, 24), "et", "jaanipäev"),
    ("EE", None, date(2026, 6, 24), "en", "Midsummer Day"),
    ("HU", None, date(2026, 8, 20), "hu", "Az államalapítás ünnepe"),
    ("HU", None, date(2026, 8, 20), "en", "State Foundation Day"),
    ("HU", None, date(2026, 10, 23), "hu", "Nemzeti ünnep"),
    # The reader's language where the country has no names in it: English.
    ("HU", None, date(2026, 8, 20), "it", "State Foundation Day"),
    ("IT", "GE", date(2026, 6, 2), "et", "Republic Day"),
]


def _partner(project, code, country, region):
    return factories.partner(project, code, city=code, country=country, region=region)


@pytest.mark.parametrize(("country", "region", "day", "lang", "name"), KNOWN_DAYS)
def test_known_holidays_by_country_region_and_language(app, country, region, day, lang, name):
    partner = _partner(factories.project(), "P1", country, region)
    found = holidays_between(partner, day, day, language=lang)
    assert found == {day: [name]} or name in found.get(day, []), found


# Days that are holidays only in a region, or only without the region's days.
@pytest.mark.parametrize(
    ("country", "region", "day", "is_holiday"),
    [
        ("IT", "GE", date(2026, 6, 24), True),  # Genoa's patron, Saint John the Baptist
        ("IT", None, date(2026, 6, 24), False),
        ("IT", "MI", date(2026, 6, 24), False),
        ("GB", "ENG", date(2026, 8, 31), True),
        ("GB", "SCT", date(2026, 8, 31), False),
        ("GB", None, date(2026, 8, 31), False),
        ("SE", None, date(2026, 6, 8), False),
    ],
)
def test_regional_holidays_follow_the_region(app, country, region, day, is_holiday):
    partner = _partner(factories.project(), "P1", country, region)
    assert bool(holidays_between(partner, day, day, language="en")) is is_holiday


def test_a_span_gives_every_holiday_in_it_across_years(app):
    partner = _partner(factories.project(), "P1", "EE", None)
    found = holidays_between(partner, date(2025, 12, 24), date(2026, 1, 1), language="en")
    assert sorted(found) == [
        date(2025, 12, 24),
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2026, 1, 1),
    ]


@pytest.mark.parametrize(
    ("given", "stored"), [("eng", "ENG"), ("GB-ENG", "ENG"), ("England", "ENG"), ("", None)]
)
def test_a_region_is_stored_as_the_library_code(app, given, stored):
    partner = _partner(factories.project(), "P2", "GB", given)
    assert partner.region == stored


@pytest.mark.parametrize(
    ("country", "region", "message"),
    [
        ("GB", "XYZ", "'XYZ' is not a region of GB"),
        ("SE", "X", "SE has no regions in the public-holiday calendar"),
    ],
)
def test_a_region_the_library_does_not_know_is_refused(app, country, region, message):
    project = factories.project()
    partner = _partner(project, "P1", country, None)
    with pytest.raises(DomainError) as refused:
        partner.region = region
    assert message in refused.value.message
    assert refused.value.field == "region"
    db.session.rollback()
    assert db.session.get(type(partner), partner.id).region is None


def test_the_warning_names_day_country_and_holiday_in_the_readers_language(app):
    project = factories.project()
    nyiregyhaza = factories.partner(project, "HU1", "Nyíregyháza", "Europe/Budapest", country="HU")
    day = datetime(2026, 8, 20, 8, tzinfo=UTC)
    with app.test_request_context():
        assert holiday_warnings([nyiregyhaza], day, None, "Europe/Budapest") == [
            "20 August 2026 is a public holiday in Hungary: State Foundation Day."
        ]
        with force_locale("hu"):
            (warning,) = holiday_warnings([nyiregyhaza], day, None, "Europe/Budapest")
    assert "Magyarország" in warning and "Az államalapítás ünnepe" in warning


def test_the_warning_covers_every_day_of_a_multi_day_event_once_per_country(app):
    project = factories.project()
    tartu = factories.partner(project, "P4", "Tartu", country="EE")
    voru = factories.partner(project, "P9", "Võru", country="EE")
    genoa = factories.partner(project, "GEN", "Genoa", "Europe/Rome", country="IT", region="GE")
    # 22 June 00:00 to 25 June 00:00 in Tallinn: the days 22, 23 and 24 June.
    starts = datetime(2026, 6, 21, 21, tzinfo=UTC)
    ends = datetime(2026, 6, 24, 21, tzinfo=UTC)
    with app.test_request_context():
        warnings = holiday_warnings([tartu, voru, genoa], starts, ends, "Europe/Tallinn")
    assert warnings == [
        "23 June 2026 is a public holiday in Estonia: Victory Day.",
        "24 June 2026 is a public holiday in Estonia: Midsummer Day.",
        "24 June 2026 is a public holiday in Italy: Saint John's Day.",
    ]


def test_days_are_the_events_own_in_its_zone(app):
    project = factories.project()
    birmingham = factories.partner(
        project, "P2", "Birmingham", "Europe/London", country="GB", region="ENG"
    )
    # 22:30 UTC on 30 August: 23:30 in London, already 31 August (bank holiday) in Tallinn.
    instant = datetime(2026, 8, 30, 22, 30, tzinfo=UTC)
    with app.test_request_context():
        assert holiday_warnings([birmingham], instant, None, "Europe/London") == []
        assert holiday_warnings([birmingham], instant, None, "Europe/Tallinn") == [
            "31 August 2026 is a public holiday in United Kingdom: Late Summer Bank Holiday."
        ]
