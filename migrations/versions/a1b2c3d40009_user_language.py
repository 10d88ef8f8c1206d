"""each account's interface language

Revision ID: a1b2c3d40009
Revises: a1b2c3d40008
Create Date: 2026-12-01 23:10:00

"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "a1b2c3d40009"
down_revision = "a1b2c3d40008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("language")
