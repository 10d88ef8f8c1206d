"""where each demo fact comes from (fact_source); a venue's price may be its lowest rate

Revision ID: c1d2e3f40012
Revises: c1d2e3f40011
Create Date: 2026-12-04 03:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c1d2e3f40012"
down_revision = "c1d2e3f40011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fact_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_kind", sa.String(length=40), nullable=False),
        sa.Column("object_key", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("document", sa.String(length=200), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("translation", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('document', 'public_record', 'assumed')",
            name=op.f("ck_fact_source_kind_valid"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_source")),
    )
    with op.batch_alter_table("fact_source", schema=None) as batch_op:
        batch_op.create_index(
            "ix_fact_source_object", ["object_kind", "object_key"], unique=False
        )
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("price_is_minimum", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("venue", schema=None) as batch_op:
        batch_op.drop_column("price_is_minimum")
    with op.batch_alter_table("fact_source", schema=None) as batch_op:
        batch_op.drop_index("ix_fact_source_object")
    op.drop_table("fact_source")
