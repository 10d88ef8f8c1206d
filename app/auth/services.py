"""Accounts: creating them and checking a sign-in. Views and CLI both call these."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from app.activity import security
from app.auth import sign_ins, throttle
from app.auth.models import User
from app.enums import Role
from app.errors import DomainError
from app.extensions import db
from app.partners.models import Partner
from app.versioning import check_version, save_if_unchanged

MIN_PASSWORD_LENGTH = 10


def create_user(email: str, password: str, role: str, partner_code: str | None = None) -> User:
    """Create an account, or raise DomainError saying what is wrong; nothing is written then."""
    email = email.strip().lower()
    if "@" not in email:
        raise DomainError(_("%(email)s is not an e-mail address.", email=repr(email)), "email")
    try:
        role_enum = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise DomainError(
            _("Unknown role %(role)s: use one of %(roles)s.", role=repr(role), roles=roles), "role"
        ) from None
    partner = None
    if partner_code:
        partner = db.session.scalar(select(Partner).where(Partner.code == partner_code))
        if partner is None:
            raise DomainError(
                _("No partner has the code %(code)s.", code=repr(partner_code)), "partner"
            )
    if role_enum is Role.PARTNER and partner is None:
        raise DomainError(_("A partner editor needs --partner CODE."), "partner")
    if role_enum is Role.FUNDER and partner is not None:
        raise DomainError(_("A funder account belongs to no partner."), "partner")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _(
                "The password must have at least %(num)d characters.",
                num=MIN_PASSWORD_LENGTH,
            ),
            "password",
        )
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise DomainError(_("An account for %(email)s exists already.", email=email), "email")
    user = User(email=email, role=role_enum.value, partner=partner)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def ensure_demo_accounts(accounts, path) -> list[str]:
    """Create missing demo accounts with random passwords, kept in `path` (mode 0600).

    Returns 'email  password  (role)' lines for the accounts whose password we know.
    """
    import secrets

    known = {}
    if path.exists():
        for line in path.read_text().splitlines():
            email, password = line.split("\t")[:2]
            known[email] = password
    for email, role, partner_code in accounts:
        if find_user(email) is None:
            known[email] = secrets.token_urlsafe(12)
            create_user(email, known[email], role, partner_code)
    path.write_text("".join(f"{e}\t{p}\n" for e, p in known.items()))
    path.chmod(0o600)
    labels = {email: ", ".join(filter(None, (role, code))) for email, role, code in accounts}
    return [f"{email}  {known[email]}  ({labels[email]})" for email in labels if email in known]


# --- Signing in, throttled against guessing (app.auth.throttle); changing one's password.


class SignInRefused(Exception):
    """Wrong credentials (400), or too many attempts from here (429, with the seconds to
    wait); the same for an e-mail with an account and one without."""

    def __init__(self, message: str, status: int = 400, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


WRONG_CREDENTIALS = _l("E-mail or password is wrong.")


def check_sign_in(email: str, password: str, now=None) -> User:
    """The account for these credentials, or SignInRefused.

    The attempt is counted before the password is checked (app.auth.throttle), for the
    e-mail from this client address and for the address; a refused or failed attempt is
    committed with its security events before SignInRefused is raised."""
    address = security.client_address()
    try:
        attempt = throttle.begin(email, address, now)
    except throttle.Throttled as wait:
        raise SignInRefused(
            ngettext(
                "Too many sign-in attempts from here. Try again in %(num)d minute.",
                "Too many sign-in attempts from here. Try again in %(num)d minutes.",
                wait.minutes,
            ),
            status=429,
            retry_after=wait.retry_after,
        ) from None
    user = find_user(email or "")
    if user is None or not user.is_active:
        # Same work as a real check, so timing does not tell which e-mails have accounts.
        check_password_hash_dummy(password)
        user, right = None, False
    else:
        right = user.check_password(password or "")
    if right:
        throttle.succeeded(attempt)
        db.session.commit()
        return user
    security.record("sign_in_failed", user)
    for reservation, scope in ((attempt.account, "this e-mail"), (attempt.address, "any e-mail")):
        if reservation.starts_wait:
            minutes = int(reservation.wait.total_seconds() // 60)
            detail = f"sign-ins to {scope} from this address wait {minutes} min"
            security.record("locked", user, detail=detail)
    db.session.commit()
    raise SignInRefused(str(WRONG_CREDENTIALS))


def unlock(email: str, address: str | None = None) -> int:
    """Let `email` try to sign in again from every address (and `address` for every
    e-mail, when given); records who did it. How many counters were cleared."""
    cleared = throttle.forget(email, address)
    detail = f"{cleared} sign-in counter{'s' if cleared != 1 else ''} cleared"
    security.record(
        "unlocked", find_user(email), detail=detail + (f" ({address})" if address else "")
    )
    db.session.commit()
    return cleared


_DUMMY_HASH: str | None = None


def check_password_hash_dummy(password: str) -> None:
    global _DUMMY_HASH
    from werkzeug.security import check_password_hash, generate_password_hash

    if _DUMMY_HASH is None:
        _DUMMY_HASH = generate_password_hash("not a password", method="scrypt")
    check_password_hash(_DUMMY_HASH, password or "")


def change_password(user: User, current: str, new: str, *, seen_version: str | None = None) -> None:
    """Change one's own password; the current one must be right. Ends the account's other
    sessions (all of them outside a request). Commits.

    A form passes the account's version it was loaded at: the row is written only while it
    is still at that version (sign-ins write it too, so it is not mapper-versioned)."""
    if seen_version is not None:
        check_version(user, seen_version)
    if not user.check_password(current or ""):
        raise DomainError(_("Your current password is wrong."), "current_password")
    if len(new or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _(
                "The new password must have at least %(num)d characters.",
                num=MIN_PASSWORD_LENGTH,
            ),
            "new_password",
        )
    if new == current:
        raise DomainError(_("The new password is the same as the current one."), "new_password")
    if seen_version is None:
        user.set_password(new)
    else:
        scratch = User()
        scratch.set_password(new)
        save_if_unchanged(User, user.id, seen_version, password_hash=scratch.password_hash)
    # Whoever knew the old password is signed out everywhere but here.
    ended = sign_ins.end_others(user)
    security.record("password_changed", user, detail=f"other sessions ended: {ended}")
    db.session.commit()


def set_timezone(user: User, zone_name: str | None, *, seen_version: str | None = None) -> None:
    """The zone the user reads times in; empty means their partner's."""
    from app.timezones import zone

    if seen_version is not None:
        check_version(user, seen_version)
    if zone_name:
        zone(zone_name)
    if seen_version is None:
        user.preferred_timezone = zone_name or None
    else:
        save_if_unchanged(User, user.id, seen_version, preferred_timezone=zone_name or None)
    db.session.commit()
