"""activity log: who changed what, with old and new values

Revision ID: a1b2c3d40002
Revises: a1b2c3d40001
Create Date: 2026-11-24 12:00:00

"""

from alembic import op
import sqlalchemy as sa

import app.db_types

# revision identifiers, used by Alembic.
revision = "a1b2c3d40002"
down_revision = "a1b2c3d40001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activity_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", app.db_types.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("object_kind", sa.String(length=30), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("scope_kind", sa.String(length=30), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=True),
        sa.Column("restored_at", app.db_types.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "action IN ('created', 'changed', 'removed', 'restored')",
            name=op.f("ck_activity_entry_action_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_activity_entry_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_entry")),
    )
    with op.batch_alter_table("activity_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_entry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_activity_entry_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "ix_activity_entry_object", ["object_kind", "object_id"], unique=False
        )
        batch_op.create_index("ix_activity_entry_scope", ["scope_kind", "scope_id"], unique=False)


def downgrade():
    with op.batch_alter_table("activity_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_entry_scope")
        batch_op.drop_index("ix_activity_entry_object")
        batch_op.drop_index(batch_op.f("ix_activity_entry_user_id"))
        batch_op.drop_index(batch_op.f("ix_activity_entry_at"))
    op.drop_table("activity_entry")
