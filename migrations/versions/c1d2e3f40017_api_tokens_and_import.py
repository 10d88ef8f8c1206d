"""API tokens (personal keys for /api/v1, stored hashed) and the UID an imported event
came from

Revision ID: c1d2e3f40017
Revises: c1d2e3f40016
Create Date: 2026-12-07 22:40:00.000000

"""

from alembic import op
import sqlalchemy as sa

import app.db_types

# revision identifiers, used by Alembic.
revision = "c1d2e3f40017"
down_revision = "c1d2e3f40016"
branch_labels = None
depends_on = None


#: The activity log's actions before and after: creating and revoking a token are security
#: events of the account.
ACTIONS = (
    "created",
    "changed",
    "removed",
    "restored",
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
)
TOKEN_ACTIONS = ("api_token_created", "api_token_revoked")


def _allow(actions) -> None:
    with op.batch_alter_table("activity_entry", schema=None) as batch_op:
        batch_op.drop_constraint("action_valid", type_="check")
        batch_op.create_check_constraint(
            op.f("ck_activity_entry_action_valid"),
            "action IN ({})".format(", ".join(f"'{a}'" for a in actions)),
        )


def upgrade():
    _allow(ACTIONS + TOKEN_ACTIONS)
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_at", app.db_types.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", app.db_types.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", app.db_types.UTCDateTime(), nullable=True),
        sa.CheckConstraint("scope IN ('read', 'write')", name=op.f("ck_api_token_scope_valid")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_api_token_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_token_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_uid", sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint("uq_event_import_uid", ["project_id", "import_uid"])


def downgrade():
    op.execute(
        "DELETE FROM activity_entry WHERE action IN ({})".format(
            ", ".join(f"'{a}'" for a in TOKEN_ACTIONS)
        )
    )
    _allow(ACTIONS)
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint("uq_event_import_uid", type_="unique")
        batch_op.drop_column("import_uid")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_user_id"))
    op.drop_table("api_token")
