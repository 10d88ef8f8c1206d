"""The second factor: after the password, a code from an authenticator app (TOTP, RFC 6238)
or one of ten one-time recovery codes, for accounts that switch it on.

What is kept, in the account's row: the authenticator key once the user has proved their
app shows the right codes (the second factor is on exactly when it is set), the key being
set up, the last time step a code was accepted at (so no code is accepted twice, even by
two requests at once) and the wrong codes in a row. The key is kept as is, not encrypted:
whoever reads the database can make codes (they could also replace password hashes).
Recovery codes are kept only as salted SHA-256 hashes; each is spent by one atomic UPDATE.

Between the password and the code, the sign-in waits in the (signed) session cookie: the
account, when the password was right, where to go after, and how many wrong codes the
account had then. The wrong-code count lives in the database, so an old copy of the
cookie does not buy more guesses.
"""

import hashlib
import hmac
import secrets
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pyotp
import segno
from flask import current_app, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, func, or_, select, update

from app.activity import security
from app.auth.models import RecoveryCode, User
from app.db_types import utcnow
from app.errors import DomainError
from app.extensions import db

#: Codes one step before or after the server's clock are accepted (phones drift).
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
#: 31 letters and digits that are hard to misread (no 0/o, 1/l/i); 16 of them: 79 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 16
#: How long a right password waits for its code.
PENDING_SECONDS = 5 * 60
#: Wrong codes one sign-in may give before it starts again from the password.
WRONG_CODES_PER_SIGN_IN = 5
#: Wrong codes in a row (over any number of sign-ins) after which authenticator codes are
#: refused for PAUSE_MINUTES after the last wrong one; a recovery code still works.
WRONG_CODES_BEFORE_PAUSE = 10
PAUSE_MINUTES = 15

PENDING_SESSION_KEY = "second_factor_sign_in"
WRONG_CODE = _l("This code is not right. Give the 6 digits your app shows now, or a recovery code.")


class CodeRefused(Exception):
    """A sign-in's code was not accepted; `start_again` sends it back to the password."""

    def __init__(self, message: str, *, start_again: bool = False, paused: bool = False):
        super().__init__(message)
        self.message = message
        self.start_again = start_again
        self.paused = paused


# --- Codes


def _normalized(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _is_authenticator_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def matching_step(key: str, code: str, now: datetime | None = None) -> int | None:
    """The time step whose code `code` is, within VALID_WINDOW of now; None if none."""
    totp = pyotp.TOTP(key)
    current = totp.timecode(now or utcnow())
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_step(user: User, step: int) -> bool:
    """Record `step` as used, unless this step (or a later one) was used already."""
    result = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.second_factor_last_step.is_(None), User.second_factor_last_step < step),
        )
        .values(second_factor_last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["second_factor_last_step"])
    return result.rowcount == 1


def _hash_recovery_code(code: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.sha256(salt + code.encode()).hexdigest()
    return f"{salt.hex()}${digest}"


def _recovery_code_matches(code: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(_hash_recovery_code(code, bytes.fromhex(salt)), stored)


def _spend_recovery_code(user: User, code: str, now: datetime) -> bool:
    """Mark the account's unused recovery code `code` used; False if there is none."""
    if len(code) != RECOVERY_CODE_LENGTH:
        return False
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for row in unused:
        if _recovery_code_matches(code, row.code_hash):
            spent = db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            return spent.rowcount == 1
    return False


def _check_code(user: User, code: str | None, now: datetime) -> str | None:
    """'authenticator' or 'recovery code' when `code` is a right one for the account (and
    now spent), else None."""
    code = _normalized(code)
    if _is_authenticator_code(code):
        step = matching_step(user.second_factor_key, code, now)
        if step is not None and _accept_step(user, step):
            return "authenticator"
        return None
    if _spend_recovery_code(user, code, now):
        return "recovery code"
    return None


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes by new ones; returns them, grouped for reading."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(c)) for c in codes
    )
    return ["-".join(c[i : i + 4] for i in range(0, len(c), 4)) for c in codes]


# --- Switching it on and off (the account page)


def issuer() -> str:
    """The name an authenticator app lists the account under: this site's host name."""
    return urlsplit(current_app.config["SITE_URL"]).hostname or "Partnership events"


def start_set_up(user: User) -> None:
    """A new authenticator key to set up; the second factor stays as it is until confirmed."""
    if user.has_second_factor:
        raise DomainError(_("The second factor is on already."), "code")
    user.second_factor_pending_key = pyotp.random_base32()
    db.session.commit()


def cancel_set_up(user: User) -> None:
    user.second_factor_pending_key = None
    db.session.commit()


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.second_factor_pending_key).provisioning_uri(
        name=user.email, issuer_name=issuer()
    )


def qr_code_data_uri(text: str) -> str:
    """`text` as a QR code, an SVG in a data: URI (the page's policy allows no inline style)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def grouped_key(key: str) -> str:
    """The key in groups of four, easier to type into an app by hand."""
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def confirm_set_up(user: User, code: str | None, now: datetime | None = None) -> list[str]:
    """Switch the second factor on once `code` is right for the key being set up.

    Returns the new recovery codes (shown once; only their hashes are kept). Commits."""
    now = now or utcnow()
    if user.has_second_factor:
        raise DomainError(_("The second factor is on already."), "code")
    key = user.second_factor_pending_key
    if not key:
        raise DomainError(_("Start the set-up again: there is no key being set up."), "code")
    code = _normalized(code)
    step = matching_step(key, code, now) if _is_authenticator_code(code) else None
    if step is None:
        raise DomainError(
            _(
                "This code is not right. Give the 6 digits your app shows now for this account "
                "(check the phone's clock is right)."
            ),
            "code",
        )
    user.second_factor_key = key
    user.second_factor_pending_key = None
    user.second_factor_last_step = step
    user.second_factor_failures = 0
    user.second_factor_failed_at = None
    codes = _new_recovery_codes(user)
    security.record("second_factor_on", user)
    db.session.commit()
    return codes


def _require_password_and_code(user: User, password: str | None, code: str | None) -> str:
    if not user.has_second_factor:
        raise DomainError(_("The second factor is off."), "code")
    if not user.check_password(password or ""):
        raise DomainError(_("Your password is wrong."), "password")
    now = utcnow()
    code = _normalized(code)
    pause = _pause_message(user, code, now)
    if pause:
        raise DomainError(pause, "code")
    used = _check_code(user, code, now)
    if used is None:
        _count_wrong_code(user, now)  # guesses here count as at sign-in: the same pause
        db.session.commit()
        raise DomainError(str(WRONG_CODE), "code")
    _forget_wrong_codes(user)
    return used


def turn_off(user: User, password: str | None, code: str | None) -> None:
    """Switch the second factor off: the password and a current or recovery code. Commits."""
    used = _require_password_and_code(user, password, code)
    _clear(user)
    security.record("second_factor_off", user, detail=f"confirmed with password and {used}")
    db.session.commit()


def replace_recovery_codes(user: User, password: str | None, code: str | None) -> list[str]:
    """New recovery codes for the old ones (which stop working). Commits."""
    _require_password_and_code(user, password, code)
    codes = _new_recovery_codes(user)
    db.session.commit()
    return codes


def reset(user: User, actor: str) -> None:
    """Clear the account's second factor (a lost phone); signing in needs the password only."""
    if not user.has_second_factor and not user.second_factor_pending_key:
        raise DomainError(_("%(email)s has no second factor.", email=user.email), "email")
    _clear(user)
    security.record("second_factor_off", user, actor=actor, detail="reset for a lost phone")
    db.session.commit()


def _clear(user: User) -> None:
    user.second_factor_key = None
    user.second_factor_pending_key = None
    user.second_factor_last_step = None
    user.second_factor_failures = 0
    user.second_factor_failed_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


# --- Signing in: the step between the password and the session


def begin_sign_in(user: User, next_url: str) -> None:
    """The password was right: wait for the code. `next_url` must be a checked, safe path."""
    session[PENDING_SESSION_KEY] = {
        "user": user.id,
        "at": time.time(),
        "next": next_url,
        "base": user.second_factor_failures or 0,
    }


def pending_sign_in() -> dict | None:
    """The sign-in waiting for its code, or None (none, or it waited too long)."""
    pending = session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        session.pop(PENDING_SESSION_KEY, None)
        return None
    return pending


def end_sign_in() -> None:
    session.pop(PENDING_SESSION_KEY, None)


def paused_until(user: User, now: datetime) -> datetime | None:
    """Until when app codes are refused after too many wrong codes; None if they are not."""
    if user.second_factor_failures < WRONG_CODES_BEFORE_PAUSE or not user.second_factor_failed_at:
        return None
    until = user.second_factor_failed_at + timedelta(minutes=PAUSE_MINUTES)
    return until if until > now else None


def _pause_message(user: User, code: str, now: datetime) -> str | None:
    """Why `code` is refused unchecked: an app code while they are paused."""
    until = paused_until(user, now)
    if until is None or not _is_authenticator_code(code):
        return None
    minutes = max(1, int((until - now).total_seconds() // 60) + 1)
    return ngettext(
        "Too many wrong codes for this account: app codes are refused for %(num)d more "
        "minute. A recovery code works now.",
        "Too many wrong codes for this account: app codes are refused for %(num)d more "
        "minutes. A recovery code works now.",
        minutes,
    )


def _count_wrong_code(user: User, now: datetime) -> int:
    """One more wrong code for the account, counted in one UPDATE (parallel guesses all
    count); returns the wrong codes in a row."""
    failures = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(
            second_factor_failures=User.second_factor_failures + 1,
            second_factor_failed_at=now,
        )
        .returning(User.second_factor_failures)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.expire(user, ["second_factor_failures", "second_factor_failed_at"])
    return failures


def _forget_wrong_codes(user: User) -> None:
    user.second_factor_failures = 0
    user.second_factor_failed_at = None


def complete_sign_in(pending: dict, code: str | None, now: datetime | None = None) -> User:
    """The account of the pending sign-in once `code` is right (the caller signs it in),
    or CodeRefused. Records the sign-in or the failure. Commits."""
    now = now or utcnow()
    user = db.session.get(User, pending["user"])
    if user is None or not user.is_active or not user.has_second_factor:
        end_sign_in()
        raise CodeRefused(_("Sign in again."), start_again=True)
    normalized = _normalized(code)
    pause = _pause_message(user, normalized, now)
    if pause:
        raise CodeRefused(pause, paused=True)
    used = _check_code(user, normalized, now)
    if used is None:
        failures = _count_wrong_code(user, now)
        security.record("sign_in_failed", user, detail="wrong second-factor code")
        db.session.commit()
        if failures - int(pending.get("base", 0)) >= WRONG_CODES_PER_SIGN_IN:
            end_sign_in()
            raise CodeRefused(
                ngettext(
                    "%(num)d wrong code: sign in again, starting with your password.",
                    "%(num)d wrong codes: sign in again, starting with your password.",
                    WRONG_CODES_PER_SIGN_IN,
                ),
                start_again=True,
            )
        raise CodeRefused(str(WRONG_CODE))
    _forget_wrong_codes(user)
    security.record("signed_in", user, detail=f"password and {used}")
    db.session.commit()
    end_sign_in()
    return user


# --- Coordinators may be required to have it


def set_up_required(user) -> bool:
    """Whether `user` must switch the second factor on before using the site."""
    return (
        bool(current_app.config.get("REQUIRE_2FA_FOR_COORDINATORS"))
        and user.is_authenticated
        and user.is_coordinator
        and not user.has_second_factor
    )
