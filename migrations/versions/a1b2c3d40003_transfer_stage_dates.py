"""transfer stages dated when the step happened

Revision ID: a1b2c3d40003
Revises: a1b2c3d40002
Create Date: 2026-11-24 12:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import app.db_types  # noqa: F401

# revision identifiers, used by Alembic.
revision = "a1b2c3d40003"
down_revision = "a1b2c3d40002"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
