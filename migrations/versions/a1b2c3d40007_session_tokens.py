"""session tokens that sign-out and password changes replace

One row per sign-in (`sign_in`): the cookie carries a random id, the table its SHA-256
hash; signing out, signing out everywhere and a password change delete rows.

Revision ID: a1b2c3d40007
Revises: a1b2c3d40006
Create Date: 2026-12-01 23:00:00

"""

from alembic import op
import sqlalchemy as sa

import app.db_types

# revision identifiers, used by Alembic.
revision = "a1b2c3d40007"
down_revision = "a1b2c3d40006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db_types.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", app.db_types.UTCDateTime(), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("browser", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_sign_in_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sign_in_token_hash")),
    )
    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("sign_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_user_id"))
    op.drop_table("sign_in")
