"""row versions: optimistic locking enforced by the database

Revision ID: a1b2c3d40001
Revises: 6315a0637ab9
Create Date: 2026-11-24 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import app.db_types  # noqa: F401

# revision identifiers, used by Alembic.
revision = "a1b2c3d40001"
down_revision = "6315a0637ab9"
branch_labels = None
depends_on = None


# Tables whose rows edit forms change; existing rows start at version 1.
TABLES = (
    "event",
    "event_session",
    "good_practice",
    "transfer",
    "action_plan",
    "action",
    "indicator",
    "user",
)


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
