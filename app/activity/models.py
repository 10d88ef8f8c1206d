"""One row per change to a tracked object, written in the transaction of the change."""

import json
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, utcnow
from app.extensions import db

CHANGE_ACTIONS = ("created", "changed", "removed", "restored")
#: Security events (app.activity.security), kept beside the changes.
SECURITY_EVENT_ACTIONS = (
    "signed_in",
    "sign_in_failed",
    "locked",
    "unlocked",
    "signed_out",
    "signed_out_all",
    "password_changed",
    "feed_reset",
    "second_factor_on",
    "second_factor_off",
    "api_token_created",
    "api_token_revoked",
)
ACTIONS = CHANGE_ACTIONS + SECURITY_EVENT_ACTIONS


class ActivityEntry(db.Model):
    """A change to one object (`object_kind`, `object_id`), shown on the page of its
    `scope` (an event's sessions and evidence on the event's page, and so on)."""

    __tablename__ = "activity_entry"
    __table_args__ = (
        CheckConstraint(
            "action IN ({})".format(", ".join(f"'{a}'" for a in ACTIONS)), name="action_valid"
        ),
        Index("ix_activity_entry_object", "object_kind", "object_id"),
        Index("ix_activity_entry_scope", "scope_kind", "scope_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The signed-in user; none for the command line and the system. `actor` keeps the
    # name as it was, so the entry still reads right after the account changes or goes.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(20))
    object_kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int]
    scope_kind: Mapped[str] = mapped_column(String(30))
    scope_id: Mapped[int]
    label: Mapped[str] = mapped_column(String(300), default="")
    # {"field": [old, new]} as JSON text; values JSON-safe (instants ISO in UTC).
    changes: Mapped[str] = mapped_column(Text, default="{}")
    # What a removal took away, enough to put it back (sessions and evidence).
    snapshot: Mapped[str | None] = mapped_column(Text)
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def changed_fields(self) -> dict[str, list]:
        return json.loads(self.changes or "{}")

    @property
    def snapshot_data(self) -> dict | None:
        return json.loads(self.snapshot) if self.snapshot else None

    def __repr__(self) -> str:
        return f"<ActivityEntry {self.id} {self.action} {self.object_kind} {self.object_id}>"
