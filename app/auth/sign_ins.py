"""Where an account is signed in: one row per sign-in, so that signing out, signing out
everywhere and a password change end a session for good.

Flask keeps its session in a signed cookie on the client, so a copy of the cookie would
stay valid after sign-out. Each sign-in therefore gets a random id: the cookie carries it,
the `sign_in` table keeps only its SHA-256 hash, and `app.auth.views.load_user` accepts
the cookie only while that row exists, belongs to the account and is within both limits:
SESSION_MAX_HOURS since signing in and SESSION_IDLE_MINUTES since the last request. The
last request's time is written at most once a minute (TOUCH_EVERY), not on every request.

Rows are made by Flask-Login's `user_logged_in` signal, so every view that signs someone
in (password form, second factor) makes one; expired rows are purged at each sign-in and
by `flask --app wsgi users sessions-purge`.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import (
    Flask,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, user_logged_in
from sqlalchemy import ForeignKey, String, delete, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from app.activity.security import client_address
from app.db_types import UTCDateTime, utcnow
from app.error_pages import database_unreachable
from app.extensions import db, login_manager

#: The Flask session key holding the raw sign-in id (only its hash is stored).
SESSION_KEY = "_sign_in"
#: Flask-Login's own keys, kept when the session is renewed at sign-in.
LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds", "_flashes")
TOUCH_EVERY = timedelta(minutes=1)
#: ASVS 4.0 V3.3.2 at level 2: re-authenticate after 12 hours, or 30 minutes idle.
DEFAULT_MAX_HOURS = 12
DEFAULT_IDLE_MINUTES = 30


def ended_message(reason: str, minutes: int, hours: int) -> str:
    """Why a session is over ('idle', 'absolute' or 'ended'), in the reader's language."""
    if reason == "idle":
        return ngettext(
            "You were signed out after %(num)d minute without activity. Sign in again.",
            "You were signed out after %(num)d minutes without activity. Sign in again.",
            minutes,
        )
    if reason == "absolute":
        return ngettext(
            "You were signed out: a session lasts at most %(num)d hour. Sign in again.",
            "You were signed out: a session lasts at most %(num)d hours. Sign in again.",
            hours,
        )
    return _("This session was ended (signed out, or the password was changed). Sign in again.")


class SignIn(db.Model):
    """One signed-in browser of an account."""

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    client_address: Mapped[str | None] = mapped_column(String(64))
    # "Firefox on Windows": enough to recognise one's own devices, no full user-agent kept.
    browser: Mapped[str] = mapped_column(String(80), default="")


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def max_age() -> timedelta:
    return timedelta(hours=current_app.config.get("SESSION_MAX_HOURS", DEFAULT_MAX_HOURS))


def idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config.get("SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES))


_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def browser_label(user_agent: str | None) -> str:
    """'Firefox on Windows' from a User-Agent header; 'Unknown browser' when unsure."""
    agent = user_agent or ""
    name = next((label for mark, label in _BROWSERS if mark in agent), None)
    system = next((label for mark, label in _SYSTEMS if mark in agent), None)
    if name is None:
        # Scripts and tools: their first product token ("curl/8.5.0" -> "curl").
        match = re.match(r"[A-Za-z][\w.-]{0,30}", agent)
        name = match.group(0) if match else "Unknown browser"
    return (f"{name} on {system}" if system else name)[:80]


def browser_shown(label: str | None) -> str:
    """A stored browser label ('Firefox on Windows', kept in English) for reading."""
    if not label or label == "Unknown browser":
        return _("Unknown browser")
    name, on, system = label.rpartition(" on ")
    if on and system in {shown for _mark, shown in _SYSTEMS}:
        # Translators: a browser on an operating system, "Firefox on Windows".
        return _("%(browser)s on %(system)s", browser=name, system=system)
    return label


def create(user_id: int, now: datetime | None = None) -> str:
    """Add a sign-in row for the account and return its raw id (for the cookie only)."""
    now = now or utcnow()
    raw = secrets.token_urlsafe(32)
    agent = request.headers.get("User-Agent") if has_request_context() else None
    db.session.add(
        SignIn(
            token_hash=_hash(raw),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            client_address=client_address(),
            browser=browser_label(agent),
        )
    )
    return raw


def _on_sign_in(_app, user, **_extra) -> None:
    """Renew the Flask session (nothing planted before sign-in survives it) and give it a
    fresh sign-in id. Commits."""
    kept = {key: session[key] for key in LOGIN_KEYS if key in session}
    session.clear()
    session.update(kept)
    purge_expired()
    session[SESSION_KEY] = create(user.id)
    db.session.commit()


def _expired_because(row: SignIn, now: datetime) -> str | None:
    if now - row.created_at >= max_age():
        return "absolute"
    if now - row.last_seen_at >= idle_limit():
        return "idle"
    return None


def is_current(user) -> bool:
    """Whether this request's session carries a live sign-in of `user` (read-only: the
    request hook below renews or removes it)."""
    raw = session.get(SESSION_KEY)
    if not raw or not isinstance(raw, str):
        return False
    row = db.session.scalar(
        select(SignIn).where(SignIn.token_hash == _hash(raw), SignIn.user_id == user.id)
    )
    if row is None:
        return False
    reason = _expired_because(row, utcnow())
    if reason:
        g.sign_in_expired = (row.id, reason)
        return False
    g.current_sign_in = row
    return True


def current_id() -> int | None:
    """The row id of this request's sign-in, if it is live."""
    row = g.get("current_sign_in")
    return row.id if row is not None else None


def active_for(user) -> list[SignIn]:
    """The account's sign-ins that have not expired, the most recently used first."""
    now = utcnow()
    rows = db.session.scalars(
        select(SignIn).where(SignIn.user_id == user.id).order_by(SignIn.last_seen_at.desc())
    )
    return [row for row in rows if _expired_because(row, now) is None]


def end_current() -> None:
    """End this request's sign-in (the caller commits)."""
    raw = session.pop(SESSION_KEY, None)
    if raw:
        db.session.execute(delete(SignIn).where(SignIn.token_hash == _hash(raw)))


def end_others(user) -> int:
    """End every sign-in of the account but this request's (all of them outside a
    request). Returns how many ended; the caller commits."""
    query = delete(SignIn).where(SignIn.user_id == user.id)
    keep = current_id() if has_request_context() else None
    if keep is not None:
        query = query.where(SignIn.id != keep)
    return db.session.execute(query).rowcount


def end_all(user) -> int:
    """End every sign-in of the account, this one too. The caller commits."""
    session.pop(SESSION_KEY, None)
    return db.session.execute(delete(SignIn).where(SignIn.user_id == user.id)).rowcount


def purge_expired(now: datetime | None = None) -> int:
    """Delete the sign-ins past either limit; returns how many. The caller commits."""
    now = now or utcnow()
    query = delete(SignIn).where(
        or_(SignIn.created_at <= now - max_age(), SignIn.last_seen_at <= now - idle_limit())
    )
    return db.session.execute(query).rowcount


def _check_sign_in():
    """Before each request: judge the cookie's sign-in, keep a live one alive, forget an
    ended one, and send one past its time limit to the sign-in page with the reason."""
    for name in ("_login_user", "current_sign_in", "sign_in_expired"):
        # A request judges its own cookie (an app context shared by requests, as in the
        # tests, would otherwise keep the previous request's user).
        g.pop(name, None)
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    if request.path.startswith("/api/"):  # the API reads tokens, never cookies (app.api.auth)
        return None
    try:
        signed_in = current_user.is_authenticated
    except SQLAlchemyError as error:
        if not database_unreachable(error):
            raise
        # No database, no sign-in check: this request is anonymous (fail closed) and the
        # cookie is kept for when the database is back; error pages still render.
        try:
            db.session.rollback()
        except SQLAlchemyError:  # the connection is gone; the pool replaces it
            pass
        g._login_user = login_manager.anonymous_user()
        return None
    if signed_in:
        row = g.current_sign_in
        now = utcnow()
        if now - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = now
            db.session.commit()
        return None
    expired = g.pop("sign_in_expired", None)
    if expired:
        db.session.execute(delete(SignIn).where(SignIn.id == expired[0]))
        db.session.commit()
    for key in ("_user_id", "_fresh", "_id", SESSION_KEY):
        session.pop(key, None)
    g.pop("_login_user", None)
    reason = expired[1] if expired else "ended"
    config = current_app.config
    flash(
        ended_message(
            reason,
            minutes=config.get("SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES),
            hours=config.get("SESSION_MAX_HOURS", DEFAULT_MAX_HOURS),
        ),
        "error",
    )
    if not expired or request.endpoint == "auth.login":
        return None  # anonymous from here; pages for accounts send to sign-in themselves
    if request.method != "GET":  # the form is gone; coming back to a POST-only URL would fail
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    """Make a row at every sign-in; check the sign-in before every request."""
    user_logged_in.connect(_on_sign_in, app)
    app.before_request(_check_sign_in)
    app.jinja_env.globals["active_sign_ins"] = active_for
    app.jinja_env.globals["current_sign_in_id"] = current_id
    app.jinja_env.filters["browser_shown"] = browser_shown
