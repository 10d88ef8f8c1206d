"""Personal API tokens: a user's key for /api/v1, shown once, stored as a SHA-256 hash."""

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.db_types import UTCDateTime, utcnow
from app.enums import one_of
from app.extensions import db

#: What every raw token starts with, so a leaked one is recognisable (and greppable).
TOKEN_PREFIX = "ipp_"


class TokenScope(StrEnum):
    READ = "read"  # what the account may read
    WRITE = "write"  # also what the account may change


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(db.Model):
    __tablename__ = "api_token"
    __table_args__ = (one_of("scope", TokenScope),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(10))
    # Only the hash is kept: the raw token is shown once, when it is created.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the raw token, so its owner can tell tokens apart.
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
