"""report submissions: each submitted semester report's PDF, checksum and figures; the
outbox gains the "report" message kind (no calendar attached)

Revision ID: c1d2e3f40016
Revises: c1d2e3f40015
Create Date: 2026-12-04 20:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

import app.db_types

# revision identifiers, used by Alembic.
revision = "c1d2e3f40016"
down_revision = "c1d2e3f40015"
branch_labels = None
depends_on = None

KINDS = ("invitation", "update", "withdrawal")


def _kinds(kinds) -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_message_kind_valid"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_outbox_message_kind_valid"),
            "kind IN ({})".format(", ".join(f"'{k}'" for k in kinds)),
        )


def upgrade():
    op.create_table(
        "report_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("period_number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("submitted_at", app.db_types.UTCDateTime(), nullable=False),
        sa.Column("submitted_zone", sa.String(length=64), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_name", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("app_version", sa.String(length=64), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_report_submission_project_id_project"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user.id"],
            name=op.f("fk_report_submission_submitted_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_submission")),
        sa.UniqueConstraint(
            "project_id", "period_number", "version", name="uq_report_submission_version"
        ),
        sa.UniqueConstraint("stored_name", name=op.f("uq_report_submission_stored_name")),
    )
    op.create_table(
        "report_reader",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_through_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_report_reader_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_report_reader")),
    )
    _kinds(KINDS + ("report",))


def downgrade():
    op.execute("DELETE FROM outbox_message WHERE kind = 'report'")
    _kinds(KINDS)
    op.drop_table("report_reader")
    op.drop_table("report_submission")
