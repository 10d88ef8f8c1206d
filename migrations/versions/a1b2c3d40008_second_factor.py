"""optional second factor (TOTP) and recovery codes

Revision ID: a1b2c3d40008
Revises: a1b2c3d40007
Create Date: 2026-12-01 23:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import app.db_types  # noqa: F401

# revision identifiers, used by Alembic.
revision = "a1b2c3d40008"
down_revision = "a1b2c3d40007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("second_factor_key", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("second_factor_pending_key", sa.String(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("second_factor_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("second_factor_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("second_factor_failed_at", app.db_types.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=128), nullable=False),
        sa.Column("used_at", app.db_types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_recovery_code_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_user_id"), "recovery_code", ["user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_recovery_code_user_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("second_factor_failed_at")
        batch_op.drop_column("second_factor_failures")
        batch_op.drop_column("second_factor_last_step")
        batch_op.drop_column("second_factor_pending_key")
        batch_op.drop_column("second_factor_key")
