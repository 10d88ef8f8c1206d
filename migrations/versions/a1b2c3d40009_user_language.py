"""each account's interface language

Revision ID: a1b2c3d40009
Revises: a1b2c3d40008
Create Date: 2026-12-01 23:10:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = "a1b2c3d40009"
down_revision = "a1b2c3d40008"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
