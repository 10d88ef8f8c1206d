"""Accounts: a coordinator, a partner editor (tied to one partner) or a funder."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.db_types import UTCDateTime, utcnow
from app.enums import Role, one_of
from app.extensions import db
from app.partners.models import Partner

#: The user columns the second factor keeps (none of them is shown in the activity log).
SECOND_FACTOR_COLUMNS = (
    "second_factor_key",
    "second_factor_pending_key",
    "second_factor_last_step",
    "second_factor_failures",
    "second_factor_failed_at",
)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __table_args__ = (
        one_of("role", Role),
        CheckConstraint(
            "role <> 'partner' OR partner_id IS NOT NULL", name="partner_role_has_partner"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    # Required for partner editors; a coordinator usually belongs to the lead partner.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"))
    # Zone to read times in; defaults to the partner's.
    preferred_timezone: Mapped[str | None] = mapped_column(String(64))
    # Interface language ('et', 'hu', ...: app.i18n.LANGUAGES); none: cookie, then browser.
    language: Mapped[str | None] = mapped_column(String(8))
    # Secret part of the private calendar feed URL; resetting it kills the old URL.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Checked by the account settings with app.versioning.save_if_unchanged, not by the
    # mapper: sign-ins write the row too and must not be refused.
    version: Mapped[int] = mapped_column(server_default="1", default=1)
    # Second factor (app.auth.second_factor): the authenticator key once confirmed (on when
    # set), the key being set up, the last time step accepted (no code is used twice) and
    # wrong codes in a row.
    second_factor_key: Mapped[str | None] = mapped_column(String(64))
    second_factor_pending_key: Mapped[str | None] = mapped_column(String(64))
    second_factor_last_step: Mapped[int | None] = mapped_column()
    second_factor_failures: Mapped[int] = mapped_column(server_default="0", default=0)
    second_factor_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner: Mapped[Partner | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def set_password(self, password: str) -> None:
        # scrypt: werkzeug's current default, memory-hard.
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def has_second_factor(self) -> bool:
        """Signing in asks for an authenticator (or recovery) code after the password."""
        return self.second_factor_key is not None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_funder(self) -> bool:
        return self.role == Role.FUNDER

    @property
    def timezone(self) -> str | None:
        """The zone this user reads times in: their own choice, else their partner's."""
        if self.preferred_timezone:
            return self.preferred_timezone
        return self.partner.timezone if self.partner else None


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator; only its salted hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(128))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
