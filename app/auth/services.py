"""Accounts: creating them and checking a sign-in. Views and CLI both call these."""

from sqlalchemy import func, select

from app.auth.models import User
from app.enums import Role
from app.errors import DomainError
from app.extensions import db
from app.partners.models import Partner

MIN_PASSWORD_LENGTH = 10


def create_user(email: str, password: str, role: str, partner_code: str | None = None) -> User:
    """Create an account, or raise DomainError saying what is wrong; nothing is written then."""
    email = email.strip().lower()
    if "@" not in email:
        raise DomainError(f"{email!r} is not an e-mail address.", "email")
    try:
        role_enum = Role(role)
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise DomainError(f"Unknown role {role!r}: use one of {roles}.", "role") from None
    partner = None
    if partner_code:
        partner = db.session.scalar(select(Partner).where(Partner.code == partner_code))
        if partner is None:
            raise DomainError(f"No partner has the code {partner_code!r}.", "partner")
    if role_enum is Role.PARTNER and partner is None:
        raise DomainError("A partner editor needs --partner CODE.", "partner")
    if role_enum is Role.FUNDER and partner is not None:
        raise DomainError("A funder account belongs to no partner.", "partner")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", "password"
        )
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise DomainError(f"An account for {email} exists already.", "email")
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
