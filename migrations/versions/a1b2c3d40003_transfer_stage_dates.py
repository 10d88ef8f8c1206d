"""transfer stages dated when the step happened

Revision ID: a1b2c3d40003
Revises: a1b2c3d40002
Create Date: 2026-11-24 12:00:00

"""

from alembic import op
import sqlalchemy as sa

import app.db_types  # noqa: F401

# revision identifiers, used by Alembic.
revision = "a1b2c3d40003"
down_revision = "a1b2c3d40002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("transfer_stage_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("happened_on", sa.Date(), nullable=True))
    # Until now the moment a step was saved stood for when it happened (instants are
    # stored as naive UTC): its day is the best date the existing rows have.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("UPDATE transfer_stage_change SET happened_on = date(changed_at)")
    else:
        op.execute("UPDATE transfer_stage_change SET happened_on = CAST(changed_at AS DATE)")
    with op.batch_alter_table("transfer_stage_change", schema=None) as batch_op:
        batch_op.alter_column("happened_on", existing_type=sa.Date(), nullable=False)


def downgrade():
    with op.batch_alter_table("transfer_stage_change", schema=None) as batch_op:
        batch_op.drop_column("happened_on")
