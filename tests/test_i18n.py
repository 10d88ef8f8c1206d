"""The interface speaks the reader's language: how it is chosen, the switch in the header,
dates as each language writes them, and catalogs that compile and are complete."""

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from app import formatting
from app.auth.models import User
from app.extensions import db
from app.i18n import LANGUAGES
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
TRANSLATED = ("et", "hu", "it", "sv")  # English is the source: its msgstr may stay empty


def _html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True))
    assert match, "no <html lang>"
    return match.group(1)


# --- Choosing the language ------------------------------------------------------------

# (what the URL asks, the account's choice, the cookie, Accept-Language) -> the language.
CHOICES = [
    (None, None, None, None, "en"),
    (None, None, None, "hu-HU,hu;q=0.9,en;q=0.5", "hu"),
    (None, None, None, "de-DE,fr;q=0.8", "en"),  # nothing we speak: English
    (None, None, "et", "hu", "et"),  # the cookie beats the browser
    (None, None, "xx", "it", "it"),  # an unknown cookie is ignored
    (None, "sv", "et", "hu", "sv"),  # the account beats the cookie
    ("it", "sv", "et", "hu", "it"),  # the URL beats everything
    ("xx", None, "et", "hu", "et"),  # an unknown code in the URL is ignored
    ("xx", None, None, None, "en"),
]


@pytest.mark.parametrize(("param", "account", "cookie", "accept", "expected"), CHOICES)
def test_the_language_is_chosen_url_account_cookie_browser_english(
    app, client, param, account, cookie, accept, expected
):
    if account:
        factories.user("reader@example.org")
        db.session.execute(db.update(User).values(language=account))
        db.session.commit()
        factories.sign_in(client, "reader@example.org")
    if cookie:
        client.set_cookie("lang", cookie)
    headers = {"Accept-Language": accept} if accept else {}
    url = f"/login?lang={param}" if param else "/login"
    if account:
        url = url.replace("/login", "/account")
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert _html_lang(response) == expected


def test_a_language_chosen_in_the_url_is_remembered_in_a_cookie(app, client):
    response = client.get("/login?lang=hu")
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "hu"
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "SameSite=Lax" in response.headers["Set-Cookie"]
    # Later pages, with no parameter and a browser asking for Italian, stay Hungarian.
    assert _html_lang(client.get("/events", headers={"Accept-Language": "it"})) == "hu"


def test_an_unknown_language_in_the_url_sets_no_cookie(app, client):
    client.get("/login?lang=de")
    assert client.get_cookie("lang") is None


def test_a_signed_in_reader_choosing_in_the_url_keeps_it_on_the_account(app, client):
    factories.user("reader@example.org")
    factories.sign_in(client, "reader@example.org")
    client.get("/?lang=et")
    assert db.session.scalars(db.select(User.language)).one() == "et"
    # On another device (no cookie), the account's language is used.
    other = app.test_client()
    factories.sign_in(other, "reader@example.org")
    assert _html_lang(other.get("/account")) == "et"


def test_the_account_page_sets_and_clears_the_language(app, client):
    factories.user("reader@example.org")
    factories.sign_in(client, "reader@example.org")
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/language"' in page and 'lang="hu"' in page
    response = client.post("/account/language", data={"language": "hu"})
    assert response.status_code == 302
    assert db.session.scalars(db.select(User.language)).one() == "hu"
    page = client.get("/account")
    assert _html_lang(page) == "hu"
    assert '<option value="hu" lang="hu" selected>Magyar</option>' in page.get_data(as_text=True)
    # Back to "the language my browser asks for".
    client.post("/account/language", data={"language": ""})
    assert db.session.scalars(db.select(User.language)).one() is None
    assert client.get_cookie("lang") is None
    assert _html_lang(client.get("/account", headers={"Accept-Language": "sv"})) == "sv"


def test_the_account_refuses_a_language_not_offered(app, client):
    factories.user("reader@example.org")
    factories.sign_in(client, "reader@example.org")
    client.post("/account/language", data={"language": "de"})
    assert db.session.scalars(db.select(User.language)).one() is None


# --- The switch in the header ----------------------------------------------------------


class _Switch(HTMLParser):
    """The links of `<nav class="languages">`, with their attributes."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "nav" and "languages" in (attributes.get("class") or ""):
            self.inside = True
        elif tag == "a" and self.inside:
            self.links.append(attributes)

    def handle_endtag(self, tag):
        if tag == "nav":
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.links and data.strip():
            self.links[-1].setdefault("text", data.strip())


def _switch(html: str) -> list[dict]:
    parser = _Switch()
    parser.feed(html)
    return parser.links


PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/events?page=1"),
    ("anonymous", "/events/calendar?month=2020-06"),
    ("anonymous", "/practices"),
    ("anonymous", "/login?next=%2Fdashboard"),
    ("anonymous", "/no-such-page"),
    ("coordinator", "/dashboard"),
    ("coordinator", "/account"),
    ("coordinator", "/activity"),
    ("coordinator", "/reports/"),
]


@pytest.mark.parametrize(("who", "url"), PAGES)
@pytest.mark.parametrize("lang", ["en", "hu"])
def test_every_page_has_the_switch_to_itself_in_each_language(app, client, who, url, lang):
    if who != "anonymous":
        factories.user("coordinator@example.org", role=who)
        factories.sign_in(client, "coordinator@example.org")
    client.set_cookie("lang", lang)
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert _html_lang(response) == lang
    links = _switch(response.get_data(as_text=True))
    assert [(a["lang"], a["hreflang"], a["text"]) for a in links] == [
        (code, code, name) for code, name in LANGUAGES.items()
    ]
    wanted = urlsplit(url)
    for link in links:
        href = urlsplit(link["href"].replace("&amp;", "&"))
        assert href.path == wanted.path
        assert parse_qsl(href.query) == parse_qsl(wanted.query) + [("lang", link["lang"])]
    assert [a["lang"] for a in links if "aria-current" in a] == [lang]


def test_the_switch_replaces_an_earlier_choice_in_the_url(app, client):
    links = _switch(client.get("/events?lang=et").get_data(as_text=True))
    assert links[2]["href"] == "/events?lang=hu"


# --- Dates, times and numbers ---------------------------------------------------------

# The third thematic event's first session: 16 June 2020, 09:30 in Birmingham.
FIRST_SESSION = {
    "en": "16 Jun 2020, 09:30 BST (Europe/London)",
    "et": "16. juuni 2020 09:30 Briti suveaeg (Europe/London)",
    "hu": "2020. június 16. 9:30 brit nyári idő (Europe/London)",
    "it": "16 giugno 2020, 09:30 Ora legale del Regno Unito (Europe/London)",
    "sv": "16 juni 2020 09:30 brittisk sommartid (Europe/London)",
}


@pytest.mark.parametrize("lang", FIRST_SESSION)
def test_the_third_thematic_event_reads_as_each_language_writes_dates(demo, client, lang):
    page = client.get(f"/events?semester=2&when=all&lang={lang}").get_data(as_text=True)
    assert FIRST_SESSION[lang] in page


# A day, three days, days across two months, a month, a number.
WRITTEN = {
    "en": (
        "16 Jun 2020",
        "16–18 Jun 2020",
        "30 Jun 2020 – 2 Jul 2020",
        "June 2020",
        "1\u202f234.5",
    ),
    "et": (
        "16. juuni 2020",
        "16.–18. juuni 2020",
        "30. juuni – 2. juuli 2020",
        "juuni 2020",
        "1\xa0234,5",
    ),
    "hu": (
        "2020. június 16.",
        "2020. június 16–18.",
        "2020. június 30. – július 2.",
        "2020. június",
        "1\xa0234,5",
    ),
    "it": (
        "16 giugno 2020",
        "16–18 giugno 2020",
        "30 giugno – 2 luglio 2020",
        "giugno 2020",
        "1.234,5",
    ),
    "sv": ("16 juni 2020", "16–18 juni 2020", "30 juni–2 juli 2020", "juni 2020", "1\xa0234,5"),
}


@pytest.mark.parametrize("lang", WRITTEN)
def test_formatting_per_language(lang):
    # CLDR puts thin spaces around a dash between months; read here as plain ones.
    written = (
        formatting.format_date(date(2020, 6, 16), lang),
        formatting.format_date_span(date(2020, 6, 16), date(2020, 6, 18), lang),
        formatting.format_date_span(date(2020, 6, 30), date(2020, 7, 2), lang).replace(
            "\u2009", " "
        ),
        formatting.format_month(date(2020, 6, 1), lang),
        formatting.format_number(1234.5, lang),
    )
    assert written == WRITTEN[lang]


def test_english_keeps_the_formats_it_always_had():
    instant = datetime(2020, 6, 16, 8, 30, tzinfo=UTC)
    assert formatting.format_weekday_date(instant, "en") == "Tue 16 Jun 2020"
    assert formatting.format_long_date(date(2020, 6, 5), "en") == "5 June 2020"
    assert formatting.format_short_month(date(2020, 2, 1), "en") == "Feb 2020"
    assert formatting.format_date(date(2028, 9, 1), "en") == "1 Sep 2028"
    assert formatting.format_time(instant, "Europe/Tallinn", "en") == "11:30"
    assert formatting.format_number(440, "en") == "440"
    assert formatting.format_quantity(1234, "en") == "1,234"
    assert formatting.format_quantity(12.5, "en") == "12.50"


def test_formatting_outside_a_request_is_english_unless_forced(app):
    """The CLI, the feeds and the PDF report format with no request."""
    instant = datetime(2020, 6, 16, 8, 30, tzinfo=UTC)
    assert formatting.format_local(instant, "Europe/Tallinn").startswith("16 Jun 2020, 11:30 EEST")
    with force_locale("hu"):
        assert formatting.format_local(instant, "Europe/Budapest") == (
            "2020. június 16. 10:30 közép-európai nyári idő (Europe/Budapest)"
        )
    assert formatting.format_date(instant) == "16 Jun 2020"


def test_no_hand_written_date_formats_are_left():
    """Dates go through app.formatting; `%Y-%m` for URLs and ISO dates are not for reading."""
    readable = re.compile(r"%-?[dbBaAHIMpZ]")
    found = []
    for path in list((ROOT / "app").rglob("*.py")) + list((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "strftime" in line or re.search(r"\{[^}]*:" + readable.pattern, line):
                if not re.search(r"strftime\(['\"]%Y-%m['\"]\)", line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


# --- Catalogs ---------------------------------------------------------------------------


def _catalog(lang: str):
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return path, read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_catalog_compiles_and_its_mo_is_built_by_the_install_step(lang, tmp_path):
    po, catalog = _catalog(lang)
    errors = [(message.id, error) for message, errs in catalog.check() for error in errs]
    assert errors == []
    with (tmp_path / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: `make install` compiles the catalogs"
    assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than its .po: run make"


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def _placeholders(text: str) -> list[str]:
    return sorted(m.group(1) or m.group(2) for m in _PLACEHOLDER.finditer(text))


def _texts(message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def _source_messages() -> set[str]:
    """Every message the code and templates pass to gettext, as `make translations` finds."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        "lazy_ngettext": (1, 2),
    }
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_is_in_every_catalog():
    """New texts wrapped in _() need `make translations` (and then a translator)."""
    missing = {}
    source = _source_messages()
    for lang in LANGUAGES:
        _path, catalog = _catalog(lang)
        known = {_texts(m)[0] for m in catalog if m.id}
        if source - known:
            missing[lang] = sorted(source - known)
    assert missing == {}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_with_its_placeholders(lang):
    _path, catalog = _catalog(lang)
    untranslated, fuzzy, placeholders = [], [], []
    for message in catalog:
        if not message.id:
            continue
        strings = list(message.string) if isinstance(message.string, tuple) else [message.string]
        if not all(strings):
            untranslated.append(_texts(message)[0])
        elif message.fuzzy:
            fuzzy.append(_texts(message)[0])
        else:
            wanted = _placeholders(_texts(message)[-1])
            placeholders += [
                (_texts(message)[0], text) for text in strings if _placeholders(text) != wanted
            ]
    assert (untranslated, fuzzy, placeholders) == ([], [], [])
