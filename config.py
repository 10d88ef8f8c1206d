"""Configuration classes; `create_app` picks one and lets the environment override."""

import os
import subprocess
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _git_version() -> str:
    """`git describe` of the checkout the app runs from, when it is one; else "unknown"."""
    try:
        found = subprocess.run(
            ["git", "describe", "--tags", "--always", "--dirty"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return found.stdout.strip() or "unknown"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")  # generated into instance/ when unset
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'partnership.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Uploaded evidence lives outside the web root (see app/practices, issue 4).
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Absolute links in feeds and reports; also the domain part of calendar UIDs.
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Served over https (SITE_URL says so, or FORCE_HTTPS=1 behind a TLS proxy): cookies are
    # marked Secure and browsers are told to keep to https (HSTS). See app.https_settings.
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "") in ("1", "true", "yes")
    # Sign in again after this long, however active (ASVS V3.3.2, level 2: 12 hours) ...
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    # ... or after this long without a request (level 2: 30 minutes).
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    CHECK_SCHEMA = True
    # Coordinators must switch the second factor (an authenticator app) on before anything
    # else once they sign in.
    REQUIRE_2FA_FOR_COORDINATORS = os.environ.get("REQUIRE_2FA_FOR_COORDINATORS", "") in (
        "1",
        "true",
        "yes",
    )
    # Sign-in throttling keeps its counters in Redis when this is set (redis://host:6379/0),
    # else in the database. See app/auth/throttle.py.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "partnership:sign-in:")
    # Behind N reverse proxies, trust N X-Forwarded-For/-Proto hops for the client address
    # (throttling and the log key on it); 0 when the app is reached directly.
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    # Invitations and updates by e-mail (app/mail). Without MAIL_SERVER, `mail deliver` writes
    # each message to the log and /outbox shows it: development needs no mail server.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "yes")  # STARTTLS
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    # From: of every message and ORGANIZER of every invitation (the coordinator's address).
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "coordinator@localhost")
    # Changes to one event within this many seconds make one message per person; 0: at once.
    MAIL_BATCH_SECONDS = int(os.environ.get("MAIL_BATCH_SECONDS", "300"))
    # Recorded with every submitted report: APP_VERSION set at build time (a release tag),
    # else `git describe` of the checkout.
    APP_VERSION = os.environ.get("APP_VERSION") or _git_version()
    # Submitted reports are kept until programme closure plus this many years (2021-2027:
    # at least five years from 31 December of the year of the last payment).
    REPORT_RETENTION_YEARS = int(os.environ.get("REPORT_RETENTION_YEARS", "5"))
    # The programme's closure (ISO date, the 31 December of the year of the last payment);
    # unset: 31 December of the year after the partnership's end (see app.reports.submissions).
    PROGRAMME_CLOSURE_DATE = os.environ.get("PROGRAMME_CLOSURE_DATE") or None


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = None  # tests that use Redis say so
    MAIL_SERVER = None  # tests that send through SMTP start their own server
    MAIL_BATCH_SECONDS = 0
    MAIL_DEFAULT_SENDER = "coordinator@better.example"
