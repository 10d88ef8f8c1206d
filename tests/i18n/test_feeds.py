"""The home page, the dashboard, the error pages and the calendar feeds in the partners'
languages: a page speaks the reader's language; a feed speaks the language its URL names
(`?lang=xx`), else its owner's account language (private feed), else English, and its
cache and validators never hand one language's body to a request for another."""

import time
from datetime import UTC, datetime

import vobject
from flask import g, render_template_string
from flask_babel import refresh
from sqlalchemy import select
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.auth.models import User
from app.events.models import Event
from app.extensions import db
from tests import factories
from tests.feeds.parsers import read_both


def _signed_in(client, email="coordinator@example.org", role="coordinator", language=None):
    user = factories.user(email, role=role)
    if language:
        user.language = language
        db.session.commit()
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        factories.signed_in(session, user)
    return user


def _vcalendar(body: bytes):
    return vobject.readOne(body.decode("utf-8"))


def _unfolded(response) -> str:
    return response.get_data(as_text=True).replace("\r\n ", "")


def _entries(calendar) -> dict:
    return {str(e.uid.value): e for e in calendar.vevent_list}


def _setup():
    project = factories.project(acronym="DEMO", name="Demo partnership")
    tartu = factories.partner(project, "P4", city="Tartu", zone="Europe/Tallinn")
    genoa = factories.partner(project, "P1", city="Genoa", zone="Europe/Rome", country="IT")
    event = factories.event(
        project,
        tartu,
        datetime(2025, 5, 6, 10, 0),
        datetime(2025, 5, 6, 12, 0),
        title="Service design",
        participants=[genoa],
        format="hybrid",
        location="Tartu Science Park",
        online_platform="Zoom",
        online_url="https://meet.example.org/demo-7",
    )
    return project, tartu, event


# --- Pages -----------------------------------------------------------------------------


def test_the_home_page_and_the_dashboard_in_hungarian(demo, client):
    page = client.get("/?lang=hu").get_data(as_text=True)
    assert '<html lang="hu">' in page
    for words in ("Partnerek", "Város", "Időzóna", "Vezető partner", "Események félévenként"):
        assert words in page, words
    assert "5. félév (2021. aug. – 2022. jan.)" in page  # the semester label, by Babel
    assert "Vendéglátó: Genoa" in page  # the events list says it the same way
    for english in ("Events by semester", "Lead partner", "Host: ", "Semester 5"):
        assert english not in page, english

    _signed_in(client, role="funder", email="funder@example.org")
    page = client.get("/dashboard?semester=6&lang=hu").get_data(as_text=True)
    assert "Irányítópult: 6. félév" in page
    assert "Események a féléves tervhez képest" in page
    assert ">Megtartott<" in page and ">Elhalasztott<" in page and ">Összesen<" in page
    assert "0 / 5" in page  # held of planned import workshops
    assert "(finanszírozó)" in page  # the role beside the e-mail in the header
    assert "Events against" not in page and "Coming in the next" not in page


def test_the_404_page_in_estonian_and_the_405_page_in_italian(app, client):
    response = client.get("/no/such/page?lang=et")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<html lang="et">' in page
    assert "Lehte ei leitud" in page and "Sellel aadressil lehte ei ole." in page
    assert "Tagasi programmi juurde" in page and "Page not found" not in page

    client.delete_cookie("lang")  # the Estonian just chosen is remembered otherwise
    response = client.delete("/events", headers={"Accept-Language": "it"})
    page = response.get_data(as_text=True)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert "Metodo non consentito" in page and "Method Not Allowed" not in page
    # English is unchanged: werkzeug's own words.
    assert "Method Not Allowed" in client.delete("/events?lang=en").get_data(as_text=True)


def test_the_503_page_speaks_swedish_without_asking_the_database(app, client, monkeypatch):
    """While the database is away the page cannot read the signed-in account's language:
    it renders as a visitor's, in the cookie's language, and never asks for the account."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def unreachable():
        raise PoolTimeout("no connection")

    app.add_url_rule("/away", view_func=unreachable)
    user = _signed_in(client, language="hu")
    loads = []

    def _database_is_away(user_id):
        loads.append(user_id)
        raise PoolTimeout("no connection")

    # The login manager is shared by every app: monkeypatch puts its loader back.
    monkeypatch.setattr(app.login_manager, "_user_callback", _database_is_away)

    client.set_cookie("lang", "sv")
    response = client.get("/away")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "Tillfälligt otillgänglig" in page and "Databasen bakom den här webbplatsen" in page
    assert '<html lang="sv">' in page
    assert user.email not in page


def test_a_flash_and_a_refusal_in_the_readers_language(app, client):
    project, _, _ = _setup()
    _signed_in(client, language="et")
    page = client.post(
        "/account/calendar/reset",
        data={"confirm": "yes", "next": "/account/calendar"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Teie privaatsel kalendril on uus aadress." in page
    assert "Teie kalendritellimus" in page and "Hangi uus kalendriaadress" in page

    # A feed's refusal is in the feed's language, which its URL names.
    response = client.get("/calendar.ics?partner=P9&lang=hu")
    assert response.status_code == 404 and response.mimetype == "text/plain"
    assert "Egyik partner kódja sem 'P9'" in response.get_data(as_text=True)
    assert "No partner has the code 'P9'" in client.get("/calendar.ics?partner=P9").text


def test_subscribe_links_carry_the_readers_language(app, client):
    _, _, event = _setup()
    user = _signed_in(client)
    page = client.get("/account/calendar?lang=hu").get_data(as_text=True)
    private = f"/calendar/private/{user.feed_token}.ics?lang=hu"
    assert f"http://127.0.0.1:5000{private}" in page
    assert f"webcal://127.0.0.1:5000{private}" in page
    assert "http://127.0.0.1:5000/calendar.ics?lang=hu" in page
    with app.test_request_context("/?lang=sv"):
        refresh()  # the test's app context (and its g) outlives the client's requests
        html = render_template_string('{% include "feeds/_event_links.html" %}', event=event)
    assert f'href="/events/{event.id}.ics?lang=sv"' in html and "Lägg till i kalendern" in html
    assert 'href="/calendar.ics?lang=sv"' in html
    # English, the feeds' default, adds nothing: existing links stay as they were.
    page = client.get("/account/calendar?lang=en").get_data(as_text=True)
    assert f"/calendar/private/{user.feed_token}.ics?" not in page
    assert f"/calendar/private/{user.feed_token}.ics" in page


# --- Feeds -----------------------------------------------------------------------------


def test_a_private_feed_speaks_its_owners_account_language(app, client):
    _, _, event = _setup()
    owner = factories.user("tartu@example.org", role="coordinator")
    owner.language = "et"
    db.session.commit()
    url = f"/calendar/private/{owner.feed_token}.ics"

    # A calendar app: no cookie, no session, a browser language of its own.
    response = client.get(url, headers={"Accept-Language": "it"})
    assert response.status_code == 200
    calendar = _vcalendar(response.data)
    assert "X-WR-CALNAME:Projekti DEMO üritused, ka sisemised" in _unfolded(response)
    entry = _entries(calendar)[f"event-{event.id}@127.0.0.1"]
    description = entry.description.value
    assert "Aeg: 6. mai 2025 10:00–12:00 (Europe/Tallinn)" in description
    assert "Koht: Tartu Science Park ja veebis (Zoom)" in description
    assert "Veebilink: https://meet.example.org/demo-7" in description
    assert "Võõrustaja: City of Tartu (Tartu)" in description
    assert "Külalispartnerid: City of Genoa (Genoa)" in description
    assert f"Ürituse leht: http://127.0.0.1:5000/events/{event.id}" in description
    assert entry.location.value == "Tartu Science Park ja veebis (Zoom)"
    for english in ("When:", "Where:", "Host:", "Online link:", "Event page:"):
        assert english not in description, english
    assert "Service design" in entry.summary.value  # what users typed stays as typed

    # `?lang` wins over the account; the instants are the same in every language.
    english = client.get(url + "?lang=en")
    in_english = _entries(_vcalendar(english.data))[f"event-{event.id}@127.0.0.1"]
    assert "When: 6 May 2025, 10:00–12:00 (Europe/Tallinn)" in in_english.description.value

    def instants(body):
        return {uid: (e["start"], e["end"]) for uid, e in read_both(body).items()}

    assert instants(response.data) == instants(english.data)


def test_the_public_feed_in_italian_and_english_by_default(app, client):
    _, _, event = _setup()
    event.status = "cancelled"
    db.session.commit()
    response = client.get("/calendar.ics?lang=it")
    calendar = _vcalendar(response.data)
    assert calendar.contents["x-wr-calname"][0].value == "Eventi di DEMO"
    entry = _entries(calendar)[f"event-{event.id}@127.0.0.1"]
    assert entry.summary.value.startswith("Annullato: ")
    description = entry.description.value
    assert "Questo evento è annullato." in description
    assert "Quando: 6 maggio 2025" in description
    assert "Online — link per i partecipanti" in description  # no link in a public feed
    assert "meet.example.org" not in response.text
    # The feed's ?lang is not the reader's choice: nothing remembered, nothing varied.
    assert "Set-Cookie" not in response.headers
    assert "Accept-Language" not in response.headers.get("Vary", "")

    # Without ?lang: English, whatever the cookie or the browser ask for.
    client.set_cookie("lang", "hu")
    body = client.get("/calendar.ics", headers={"Accept-Language": "it"}).text
    assert "X-WR-CALNAME:DEMO events" in body and "Cancelled: " in body
    narrowed = client.get("/calendar.ics?partner=P4&kind=study_visit&lang=sv")
    assert "X-WR-CALNAME:DEMO-evenemang (med Tartu, studiebesök)" in _unfolded(narrowed)


def test_english_and_swedish_bodies_never_mix_in_the_cache_or_validators(app, client):
    _setup()
    english = client.get("/calendar.ics")
    swedish = client.get("/calendar.ics?lang=sv")
    assert "När: " in swedish.text and "When: " in english.text
    assert english.headers["ETag"] != swedish.headers["ETag"]

    # The other language's ETag is not this one's: a full body, in this language.
    again = client.get("/calendar.ics?lang=sv", headers={"If-None-Match": english.headers["ETag"]})
    assert again.status_code == 200 and again.data == swedish.data
    again = client.get("/calendar.ics", headers={"If-None-Match": swedish.headers["ETag"]})
    assert again.status_code == 200 and again.data == english.data
    # Each language's own ETag still answers 304, from the cache.
    for url, first in (("/calendar.ics", english), ("/calendar.ics?lang=sv", swedish)):
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        assert client.get(url).data == first.data


def test_an_account_language_change_reaches_its_private_feed_and_its_validators(app, client):
    _setup()
    owner = factories.user("tartu@example.org", role="coordinator")
    url = f"/calendar/private/{owner.feed_token}.ics"
    before = client.get(url)
    assert "When: " in before.text
    time.sleep(1.1)  # Last-Modified counts whole seconds

    owner = db.session.get(User, owner.id)
    owner.language = "sv"
    db.session.commit()
    after = client.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200 and "När: " in after.text
    stale = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 200 and stale.data == after.data


def test_a_hungarian_feed_read_by_vobject_and_icaljs_has_the_english_instants(demo, client):
    thematic = db.session.scalar(select(Event).where(Event.number == 3))
    english = read_both(client.get("/calendar.ics").data)
    hungarian_body = client.get("/calendar.ics?lang=hu").data
    hungarian = read_both(hungarian_body)
    assert set(hungarian) == set(english)
    for uid, reading in english.items():
        assert (hungarian[uid]["start"], hungarian[uid]["end"]) == (
            reading["start"],
            reading["end"],
        )
    entry = _entries(_vcalendar(hungarian_body))[f"event-{thematic.id}@127.0.0.1"]
    description = entry.description.value
    assert "Időpont: 2020. június 16. 9:30 – 2020. június 18. 11:00 (Europe/London)" in description
    assert "Program:\n1. 2020. június 16. 9:30–11:00 (Europe/London)" in description
    assert "szakértő: Lauri Sock (Tartu)" in description
    assert thematic.starts_at == datetime(2020, 6, 16, 8, 30, tzinfo=UTC)
