"""sign-in throttling by account and client address

Revision ID: a1b2c3d40006
Revises: a1b2c3d40005
Create Date: 2026-12-01 23:00:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

import app.db_types  # noqa: F401

# revision identifiers, used by Alembic.
revision = "a1b2c3d40006"
down_revision = "a1b2c3d40005"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
