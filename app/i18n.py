"""Which language a page speaks, and how a reader chooses it.

The order, first match wins:
1. `?lang=xx` on any URL: the reader just chose it. It is remembered in a cookie and, for a
   signed-in account, saved as the account's language.
2. The signed-in account's language (set on the account page, or by 1).
3. The `lang` cookie (a visitor's earlier choice).
4. The browser's Accept-Language.
5. English, the programme's language and the language the texts are written in.

Unknown codes are ignored at every step. Catalogs: app/translations/<lang>/LC_MESSAGES/
messages.po, compiled to .mo by `make install`. Dates and numbers: app/formatting.
"""

from datetime import timedelta
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from app.extensions import babel, db
from app.formatting import DEFAULT_LANGUAGE, language

#: The interface languages, each named in its own language.
LANGUAGES = {
    "en": "English",
    "et": "Eesti",
    "hu": "Magyar",
    "it": "Italiano",
    "sv": "Svenska",
}
COOKIE = "lang"
COOKIE_AGE = timedelta(days=365)

bp = Blueprint("i18n", __name__)


def chosen_in_url() -> str | None:
    """The language the URL asks for with `?lang=xx`, when it is one we speak."""
    code = request.args.get("lang", "")
    return code if code in LANGUAGES else None


def select_language() -> str:
    """The language of this request, by the order in the module docstring."""
    from_url = chosen_in_url()
    if from_url:
        return from_url
    if current_user and current_user.is_authenticated:
        if getattr(current_user, "language", None) in LANGUAGES:
            return current_user.language
    from_cookie = request.cookies.get(COOKIE, "")
    if from_cookie in LANGUAGES:
        return from_cookie
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def _locale_selector() -> str | None:
    """Flask-Babel's hook; outside a request (CLI, report) English unless forced."""
    return select_language() if has_request_context() else None


def current_language() -> str:
    """The code of the language the current page is in: 'en', 'et', ..."""
    return language()


def language_links() -> list[dict]:
    """The header's language switch: this very page (its query kept) in each language."""
    from app.redirects import safe_next

    current = current_language()
    # A foreign `next` is not carried on: the page itself refuses it, its links should too.
    kept = [
        (key, value)
        for key, value in request.args.items(multi=True)
        if key != "lang" and (key != "next" or safe_next(value, default="") == value)
    ]
    links = []
    for code, name in LANGUAGES.items():
        args = list(kept)
        args.append(("lang", code))
        links.append(
            {
                "code": code,
                "name": name,
                "url": f"{request.path}?{urlencode(args)}",
                "current": code == current,
            }
        )
    return links


def remember(response, code: str):
    """Keep `code` in the cookie for the next visits."""
    if request.cookies.get(COOKIE) != code:
        response.set_cookie(
            COOKIE,
            code,
            max_age=COOKIE_AGE,
            secure=current_app.config.get("HTTPS", False),
            httponly=True,
            samesite="Lax",
        )
    return response


def save_account_language(user, code: str | None) -> None:
    """The account's own language (None: follow the cookie and the browser)."""
    if code is not None and code not in LANGUAGES:
        return
    if user.language != code:
        user.language = code
        db.session.commit()


def _is_feed() -> bool:
    """A calendar feed's `?lang` is the feed's language (app.feeds.views), not a choice
    to remember: no cookie, no account change, no Vary."""
    return request.path.endswith(".ics")


def _start_request() -> None:
    """Choose afresh for each request (an app context may outlive one, as in tests), and
    save a signed-in reader's choice from the URL on their account."""
    refresh()
    code = None if _is_feed() else chosen_in_url()
    if code and current_user and current_user.is_authenticated:
        save_account_language(current_user._get_current_object(), code)


def _remember_choice_from_url(response):
    if _is_feed():
        return response
    code = chosen_in_url()
    if code:
        remember(response, code)
    if getattr(g, "_flask_babel", None) is not None and hasattr(g._flask_babel, "babel_locale"):
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


@bp.route("/account/language", methods=["POST"])
@login_required
def set_language():
    """The account page's language form: saved on the account and in the cookie."""
    code = request.form.get("language", "")
    if code and code not in LANGUAGES:
        flash(_("Choose one of the languages offered."), "error")
        return redirect(url_for("auth.account"))
    save_account_language(current_user._get_current_object(), code or None)
    response = redirect(url_for("auth.account"))
    if code:
        remember(response, code)
    else:
        response.delete_cookie(COOKIE)
    return response


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=_locale_selector, default_locale=DEFAULT_LANGUAGE)
    # `{% trans %}` blocks collapse their whitespace, as babel.cfg extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.before_request(_start_request)
    app.after_request(_remember_choice_from_url)
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["language_links"] = language_links
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
    app.register_blueprint(bp)
