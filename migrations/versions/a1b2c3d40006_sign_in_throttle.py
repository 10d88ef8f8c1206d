"""sign-in throttling by e-mail and client address, in a table of its own; the
per-account failure count on the user row goes

Revision ID: a1b2c3d40006
Revises: a1b2c3d40005
Create Date: 2026-12-01 23:00:00

"""

import sqlalchemy as sa
from alembic import op

import app.db_types

# revision identifiers, used by Alembic.
revision = "a1b2c3d40006"
down_revision = "a1b2c3d40005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("email_hash", sa.String(length=32), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("counted_at", app.db_types.UTCDateTime(), nullable=False),
        sa.Column("waits_until", app.db_types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttle")),
    )
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sign_in_throttle_counted_at"), ["counted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sign_in_throttle_email_hash"), ["email_hash"], unique=False
        )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("last_failed_login_at")
        batch_op.drop_column("failed_logins")


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("last_failed_login_at", app.db_types.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("sign_in_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_throttle_email_hash"))
        batch_op.drop_index(batch_op.f("ix_sign_in_throttle_counted_at"))
    op.drop_table("sign_in_throttle")
