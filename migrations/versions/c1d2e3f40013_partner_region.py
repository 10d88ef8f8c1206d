"""a partner's region, for the public holidays that differ by region

Revision ID: c1d2e3f40013
Revises: c1d2e3f40012
Create Date: 2026-12-04 18:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c1d2e3f40013"
down_revision = "c1d2e3f40012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_column("region")
