"""The events area in the partners' languages: the list, the calendar, an event's page, the
forms' refusals, the enum labels and the time-zone messages read as each language writes
them; what the database keeps stays English."""

import html
import re
from datetime import date, datetime

import pytest
from flask_babel import force_locale

from app.enums import ActionStatus, EventKind, EventStatus, SessionKind, TransferStage
from app.errors import DomainError
from app.events import services
from app.events.models import Event, kind_title
from app.extensions import db
from app.timezones import choose_fold, local_to_utc
from app.versioning import version_of
from tests import factories
from tests.events.test_concurrency import _edit
from tests.events.test_event_pages import event_form, sign_in


@pytest.fixture
def world(app):
    project = factories.project(years=8, acronym="BETTER")
    tartu = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    genoa = factories.partner(project, "P1", "Genoa", "Europe/Rome", country="IT")
    event = factories.event(
        project,
        genoa,
        datetime(2026, 3, 5, 10),
        datetime(2026, 3, 5, 16),
        participants=[tartu],
        title="Open data",
    )
    services.add_session(
        event,
        title="Data platforms",
        kind="site_visit",
        start=datetime(2026, 3, 5, 10, 30),
        end=datetime(2026, 3, 5, 12),
    )
    db.session.commit()
    coordinator = factories.user("coord@example.org", "coordinator", genoa)
    return {
        "project": project,
        "tartu": tartu,
        "genoa": genoa,
        "event": event,
        "coordinator": coordinator,
    }


def _text(response) -> str:
    """The page's words, tags dropped and whitespace collapsed."""
    body = re.sub(r"<script.*?</script>", " ", response.get_data(as_text=True), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True)).group(1)


def test_the_event_list_in_hungarian(world, client):
    response = client.get("/events?when=all&lang=hu")
    assert response.status_code == 200 and _lang(response) == "hu"
    page = _text(response)
    for words in (
        "Események",
        "Típus",  # the filters
        "Bármilyen típus",
        "Tanulmányút",  # a kind in the filter
        "Tervezett",  # the status badge
        "Közelgő",
        "Szűrés",
        "Események: 1–1, összesen 1.",
        "Tanulmányút: Open data",  # the kind in Hungarian, the title as typed
        "Genoa Résztvevők: Tartu",  # the host, and the visiting partners
        "CSV letöltése",  # the downloads
    ):
        assert words in page, words
    for english in ("Any kind", "Study visit", "Planned", "Host", "Events 1", "Download"):
        assert english not in page, english


def test_the_event_page_in_estonian(world, client):
    response = client.get(f"/events/{world['event'].id}?lang=et")
    assert response.status_code == 200 and _lang(response) == "et"
    page = _text(response)
    for words in (
        "Õppevisiit: Open data",
        "Kavandatud",
        "Millal",
        "Kus",
        "Võõrustaja",
        "Külalispartnerid",
        "Päevakava",
        "Data platforms Kohapealne külastus",  # the session as typed, its kind in Estonian
        "5. märts 2026",  # Babel's date
    ):
        assert words in page, words
    for english in ("When", "Where", "Agenda", "Study visit", "Site visit"):
        assert english not in page, english


def test_the_english_pages_read_as_before(world, client):
    page = _text(client.get(f"/events/{world['event'].id}?lang=en"))
    assert "Study visit: Open data" in page and "Agenda" in page and "Site visit" in page
    page = _text(client.get("/events?when=all&lang=en"))
    assert "Events 1–1 of 1." in page and "Genoa With: Tartu" in page


def test_the_calendar_in_swedish_names_its_days_and_kinds(world, client):
    page = _text(client.get("/events/calendar?month=2026-03&lang=sv"))
    assert "mån tis ons tors fre lör sön" in page
    assert "mars 2026" in page and "Studiebesök: Open data" in page
    assert "Dagar och tider i varje evenemangs lokala tid." in page


def test_a_kind_label_in_swedish_and_english_outside_a_request(app):
    with force_locale("sv"):
        assert EventKind.STUDY_VISIT.label == "Studiebesök"
        assert EventKind.THEMATIC_EVENT.label == "Temaevenemang"
        assert EventStatus.CANCELLED.label == "Inställt"
        assert SessionKind.SITE_VISIT.label == "Platsbesök"
        assert TransferStage.IN_ACTION_PLAN.label == "I handlingsplanen"
    with force_locale("it"):  # the same English word, each with its own ending
        assert (EventStatus.PLANNED.label, ActionStatus.PLANNED.label) == (
            "Pianificato",
            "Pianificata",
        )
    assert EventKind.STUDY_VISIT.label == "Study visit"
    assert isinstance(EventKind.STUDY_VISIT.label, str)


def test_a_numbered_title_is_written_as_each_language_numbers_it(app):
    typed = "Thematic event #3: Open data"  # typed in English, shown in the reader's words
    assert kind_title("thematic_event", 3, typed) == "Thematic event #3: Open data"
    with force_locale("hu"):
        assert kind_title("thematic_event", 3, typed) == "3. Tematikus Esemény: Open data"
        assert kind_title("thematic_event", None, "Tematikus Esemény") == "Tematikus Esemény"
    with force_locale("et"):
        assert kind_title("thematic_event", 3, "Open data") == "Temaatiline üritus nr 3: Open data"
        assert kind_title("study_visit", None, "Study visit to Gävle") == "Study visit to Gävle"


def test_a_refused_edit_in_italian_names_what_someone_else_changed(world, client):
    sign_in(client, world["coordinator"])
    seen = version_of(world["event"])
    services.update_event(world["event"], title="Dati aperti")
    db.session.commit()
    response = client.post(
        f"/events/{world['event'].id}/edit?lang=it", data=_edit(world, "Mio", seen)
    )
    assert response.status_code == 409
    page = _text(response)
    assert (
        "Qualcun altro ha modificato questo evento dopo che hai aperto il modulo: titolo. "
        "I tuoi dati sono qui sotto: controllali e salva di nuovo."
    ) in page
    assert 'value="Mio"' in response.get_data(as_text=True)


def test_a_refused_status_change_flashes_in_italian(world, client):
    sign_in(client, world["coordinator"])
    event = world["event"]
    services.cancel(event)
    db.session.commit()
    response = client.post(
        f"/events/{event.id}/cancel?lang=it",
        data={"version": version_of(event)},
        follow_redirects=True,
    )
    page = _text(response)
    assert "L'evento è già annullato." in page
    assert "Annullato" in page  # the status badge


def test_form_messages_and_warnings_in_italian(world, client):
    sign_in(client, world["coordinator"])
    response = client.post(
        "/events/new?lang=it",
        data=event_form(host=str(world["genoa"].id), start_time="09:00", end_time=""),
    )
    assert response.status_code == 400
    assert (
        "Indica sia l'ora di inizio sia quella di fine, oppure nessuna delle due per un "
        "evento di un'intera giornata."
    ) in _text(response)
    # The same day as the event: Genoa is busy, and the form asks before saving.
    response = client.post(
        "/events/new?lang=it",
        data=event_form(
            host=str(world["genoa"].id),
            start_date="2026-03-05",
            end_date="2026-03-05",
        ),
    )
    assert response.status_code == 409
    page = _text(response)
    assert "Prima di salvare:" in page
    assert "Genoa ha già un evento sovrapposto: Visita di studio: Open data (5 marzo 2026)." in page
    assert "Salva comunque" in page


def test_the_dst_gap_is_named_in_estonian(app):
    with force_locale("et"), pytest.raises(DomainError) as refused:
        local_to_utc(datetime(2026, 3, 29, 3, 30), "Europe/Tallinn", "start_time")
    assert refused.value.message == (
        "Tallinn: kellaaega 03:30 kuupäeval 29. märts 2026 ei ole olemas, sest kellad "
        "keeratakse 03:00 pealt 04:00 peale."
    )
    with pytest.raises(DomainError, match="03:30 does not exist in Tallinn on 29 March 2026"):
        local_to_utc(datetime(2026, 3, 29, 3, 30), "Europe/Tallinn")


def test_the_repeated_hour_is_asked_about_in_hungarian_with_the_city_in_hungarian(app):
    with force_locale("hu"), pytest.raises(DomainError) as asked:
        choose_fold(datetime(2026, 10, 25, 2, 30), "Europe/Rome", None)
    assert asked.value.message == (
        "Róma: 2026. október 25. napján 2:30 kétszer fordul elő, mert az órákat "
        "visszaállítják. Válassza a korábbit (CEST, UTC+2) vagy a későbbit (CET, UTC+1)."
    )


def test_the_form_refuses_the_gap_in_estonian(world, client):
    sign_in(client, world["coordinator"])
    response = client.post(
        "/events/new?lang=et",
        data=event_form(
            host=str(world["tartu"].id),
            start_date="2026-03-29",
            start_time="03:30",
            end_date="2026-03-29",
            end_time="05:00",
        ),
    )
    assert response.status_code == 400
    assert "kellaaega 03:30 kuupäeval 29. märts 2026 ei ole olemas" in _text(response)


def test_a_flash_and_the_stored_place_after_a_swedish_reader_postpones(world, client):
    event = world["event"]
    services.move_online(event, "Zoom", "https://meet.example.org/x")
    db.session.commit()
    sign_in(client, world["coordinator"])
    response = client.post(
        f"/events/{event.id}/postpone?lang=sv",
        data={"version": version_of(event), "submit": "Skjut upp"},
        follow_redirects=True,
    )
    page = _text(response)
    assert "Uppskjutet. Var och när det ursprungligen planerades sparas." in page
    assert "Digitalt (Zoom)" in page  # where it is held now, in Swedish
    stored = db.session.get(Event, event.id)
    assert stored.status == "postponed"
    # What the database keeps stays English, whoever wrote it.
    assert stored.original_location in ("Genoa", "Online (Zoom)")
    assert "Digitalt" not in stored.original_location


def test_a_period_warning_in_hungarian(world):
    with force_locale("hu"):
        (warning,) = services.period_warnings(
            world["project"], datetime(2030, 1, 10, 9, tzinfo=None).astimezone(), "Europe/Rome"
        )
    assert warning.startswith("2030. január 10. kívül esik a projekt (BETTER) jelentési")


@pytest.mark.parametrize("lang", ["et", "hu", "it", "sv"])
def test_every_events_page_speaks_the_language(world, client, lang):
    """No English left on the events screens a coordinator meets (user data aside)."""
    sign_in(client, world["coordinator"])
    event_id = world["event"].id
    session_id = world["event"].sessions[0].id
    english = re.compile(
        r"\b(Schedule an event|Postpone|Move online|Attendance|Save|Back|Edit|"
        r"Where|When|Host|Kind|Title|First day|Last day|Cancel the event|Add a session|"
        r"Mark as held|Experts?|Local stakeholders|Staff)\b"
    )
    for url in (
        "/events",
        "/events/calendar?month=2026-03",
        f"/events/{event_id}",
        "/events/new",
        f"/events/{event_id}/edit",
        f"/events/{event_id}/postpone",
        f"/events/{event_id}/move-online",
        f"/events/{event_id}/sessions/{session_id}/edit",
    ):
        response = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        assert response.status_code == 200, url
        main = response.get_data(as_text=True).split('id="main"', 1)[-1]
        # The panels other areas include on the event page speak for themselves.
        main = re.sub(r'<p class="calendar-links">.*?</p>', " ", main, flags=re.S)
        main = re.split(r'<section class="(?:panel|history)"', main)[0]
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())
        found = english.findall(words.replace("Open data", "").replace("Data platforms", ""))
        assert found == [], (url, found)


def test_the_period_warning_stays_english_outside_a_request(world):
    (warning,) = services.period_warnings(
        world["project"], datetime(2030, 1, 10, 9).astimezone(), "Europe/Rome"
    )
    assert warning.startswith("10 Jan 2030 is outside BETTER's reporting periods")


def test_dates_in_the_events_own_zone_hint_are_translated(world, client):
    sign_in(client, world["coordinator"])
    page = _text(client.get(f"/events/{world['event'].id}/postpone?lang=hu"))
    assert "Dátumok és időpontok az esemény időzónájában (Europe/Rome)." in page
    assert date(2026, 3, 5)  # the event's day shows as Hungarian writes it
    assert "2026. március 5." in page


def test_the_activity_log_keeps_english_labels_whatever_the_editors_language(world, client):
    from app.activity.models import ActivityEntry

    sign_in(client, world["coordinator"])
    event = world["event"]
    response = client.post(
        f"/events/{event.id}/edit?lang=hu",
        data=_edit(world, "Nyílt adatok", version_of(event)),
    )
    assert response.status_code == 302
    entry = db.session.scalars(
        db.select(ActivityEntry).order_by(ActivityEntry.id.desc()).limit(1)
    ).one()
    assert entry.label == "Study visit: Nyílt adatok"
