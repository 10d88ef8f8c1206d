"""Accounts and the activity log speak the reader's language: the sign-in page and its
refusals, the throttle's wait with its plural, the account page, the session-expired
notice, and the log, whose actors and field names are stored in English and translated
only when read."""

import json
import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import inspect, select

from app.activity.models import ActivityEntry
from app.activity.security import UNKNOWN_ACCOUNT, record
from app.activity.tracking import TRACKED, _recorded
from app.activity.views import FIELD_LABELS
from app.auth import sign_ins, throttle
from app.auth.models import User
from app.db_types import utcnow
from app.extensions import db
from app.versioning import version_of
from tests import factories

FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _text(response) -> str:
    """The page's text with its whitespace collapsed."""
    return " ".join(response.get_data(as_text=True).split())


def _login(client, email, password, lang=None, **kwargs):
    g.pop("_login_user", None)
    url = f"/login?lang={lang}" if lang else "/login"
    return client.post(url, data={"email": email, "password": password}, **kwargs)


@pytest.mark.parametrize(
    ("lang", "heading", "label", "refusal"),
    [
        ("hu", "Bejelentkezés", "Jelszó", "Hibás e-mail-cím vagy jelszó."),
        ("et", "Logi sisse", "Parool", "E-posti aadress või parool on vale."),
    ],
)
def test_the_sign_in_page_and_a_wrong_password_in_the_readers_language(
    app, client, lang, heading, label, refusal
):
    factories.user("anna@example.org")
    page = client.get(f"/login?lang={lang}")
    assert f'<html lang="{lang}"' in page.get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in _text(page) and f">{label}</label>" in _text(page)

    refused = _login(client, "anna@example.org", "wrong guess", lang)
    assert refused.status_code == 400
    assert refusal in _text(refused)
    assert "E-mail or password is wrong." not in _text(refused)
    # An empty form: the validators' messages too.
    empty = _login(client, "", "", lang)
    assert empty.status_code == 400
    expected = {"hu": "Adja meg az e-mail-címét.", "et": "Sisestage oma e-posti aadress."}
    assert expected[lang] in _text(empty)


def test_the_throttled_sign_in_says_the_wait_in_swedish_with_its_plural(app, client, clock):
    factories.user("anna@example.org")
    client.set_cookie("lang", "sv")
    for _ in range(throttle.MAX_FAILURES):
        assert _login(client, "anna@example.org", "guess").status_code == 400
    first = _login(client, "anna@example.org", "correct horse battery")
    assert first.status_code == 429  # the status comes from the refusal, not its words
    assert first.headers["Retry-After"] == "60"
    assert "För många inloggningsförsök härifrån. Försök igen om 1 minut." in _text(first)

    clock.move(seconds=61)
    assert _login(client, "anna@example.org", "guess").status_code == 400  # a wait of 2
    second = _login(client, "anna@example.org", "correct horse battery")
    assert second.status_code == 429
    assert "Försök igen om 2 minuter." in _text(second)
    assert "Try again" not in _text(second)


def test_the_account_page_in_italian(app, client):
    factories.user("anna@example.org")
    g.pop("_login_user", None)
    client.post(
        "/login",
        data={"email": "anna@example.org", "password": "correct horse battery"},
        headers={"User-Agent": FIREFOX_ON_LINUX},
    )
    page = _text(client.get("/account?lang=it", headers={"User-Agent": FIREFOX_ON_LINUX}))
    for text in (
        "<h1>Il tuo account</h1>",
        "Coordinatore",
        "Cambia la tua password",
        "Ripeti la nuova password",
        "Secondo fattore",
        "Dove hai effettuato l'accesso",
        "Firefox su Linux",  # stored as "Firefox on Linux", read in Italian
        "(questo browser)",
        "Esci ovunque",
    ):
        assert text in page, text
    assert "Your account" not in page and "Where you are signed in" not in page

    # The language stays on the account: a refusal on the next form is Italian too.
    refused = client.post(
        "/account",
        data={
            "current_password": "not it",
            "new_password": "a new long password",
            "confirm": "a new long password",
            "version": version_of(db.session.scalar(select(User))),
        },
    )
    assert refused.status_code == 400
    assert "La tua password attuale è errata." in _text(refused)


def test_a_session_ended_for_idleness_says_so_in_hungarian(app, client, clock):
    factories.user("anna@example.org")
    factories.sign_in(client, "anna@example.org")
    assert client.get("/account?lang=hu").status_code == 200
    clock.move(minutes=sign_ins.DEFAULT_IDLE_MINUTES + 1)
    g.pop("_login_user", None)
    response = client.get("/account", follow_redirects=True)
    assert "30 perc tétlenség után kijelentkeztettük. Jelentkezzen be újra." in _text(response)


def test_flask_logins_sign_in_notice_is_translated(app, client):
    response = client.get("/account?lang=et", follow_redirects=True)
    assert "Selle lehe nägemiseks logige sisse." in _text(response)


def test_the_activity_log_in_estonian_translates_stored_english_when_read(app, client):
    coordinator = factories.user("coord@example.org", role="coordinator")
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        record("sign_in_failed", coordinator)
        record("sign_in_failed", None)
        record("unlocked", coordinator, actor="Command line", detail="1 sign-in counter cleared")
    db.session.commit()
    stored = db.session.scalars(
        select(ActivityEntry)
        .where(ActivityEntry.action.in_(["sign_in_failed", "unlocked"]))
        .order_by(ActivityEntry.id)
    ).all()
    # Stored in English, whatever language the page is read in.
    assert [e.actor for e in stored] == ["Sign-in form", "Sign-in form", "Command line"]
    assert stored[1].label == UNKNOWN_ACCOUNT

    factories.sign_in(client, "coord@example.org")
    page = _text(client.get("/activity?lang=et"))
    assert "<h1>Tegevuslogi</h1>" in page
    assert (
        "<strong>Sisselogimisvorm</strong>: ebaõnnestunud sisselogimine kontole "
        "„coord@example.org“" in page
    )
    assert "„(selle e-posti aadressiga kontot ei ole)“" in page
    assert "<strong>Käsurida</strong> eemaldas konto „coord@example.org“ sisselogimispiirangu" in (
        page
    )
    assert "Kliendi aadress: 203.0.113.7" in page
    assert '<option value="account" >Konto</option>' in page  # the "What" filter
    for english in ("Sign-in form", "Command line", "failed to sign in", "Client address"):
        assert english not in page, english


def test_the_history_panel_in_hungarian_names_the_fields_and_the_kind(app, client):
    project = factories.project()
    host = factories.partner(project, "P4", "Tartu", "Europe/Tallinn")
    factories.user("coord@example.org", role="coordinator")
    event = factories.event(
        project, host, utcnow() + timedelta(days=30), utcnow() + timedelta(days=31)
    )
    factories.sign_in(client, "coord@example.org")
    page = _text(client.get(f"/events/{event.id}?lang=hu"))
    history = page.split('id="history"', 1)[1]
    assert "Előzmények" in history
    assert re.search(r"létrehozta: esemény „[^”]+”", history), history[:600]
    assert "Vendéglátó partner: Tartu" in history
    assert "created event" not in history


def test_an_entry_escapes_its_actor_and_label_inside_a_translation(app, client):
    coordinator = factories.user("coord@example.org", role="coordinator")
    db.session.add(
        ActivityEntry(
            actor="<b>Eve</b>",
            action="changed",
            object_kind="account",
            object_id=coordinator.id,
            scope_kind="account",
            scope_id=coordinator.id,
            label="<script>x</script>",
            changes=json.dumps({}),
        )
    )
    db.session.commit()
    factories.sign_in(client, "coord@example.org")
    page = client.get("/activity?lang=sv").get_data(as_text=True)
    assert (
        "<strong>&lt;b&gt;Eve&lt;/b&gt;</strong> ändrade: konto ”&lt;script&gt;x&lt;/script&gt;”"
        in (" ".join(page.split()))
    )
    assert "<script>x</script>" not in page


def test_every_logged_field_has_a_translatable_name():
    names = {"client address", "detail"}
    for model, spec in TRACKED.items():
        for prop in inspect(model).column_attrs:
            if _recorded(spec, prop.key):
                names.add(spec.secret.get(prop.key, prop.key))
        names.update(spec.collections)
    assert names - set(FIELD_LABELS) == set()
