"""date polls: candidate slots for an event, the partners asked and their answers

Revision ID: c1d2e3f40014
Revises: c1d2e3f40013
Create Date: 2026-12-04 18:50:00.000000

"""

from alembic import op
import sqlalchemy as sa

from app.db_types import UTCDateTime


# revision identifiers, used by Alembic.
revision = "c1d2e3f40014"
down_revision = "c1d2e3f40013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "date_poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("picked_slot_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'closed', 'picked')", name=op.f("ck_date_poll_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_date_poll_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["user.id"],
            name=op.f("fk_date_poll_opened_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_date_poll")),
    )
    with op.batch_alter_table("date_poll", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_date_poll_event_id"), ["event_id"], unique=False)
    op.create_table(
        "poll_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_poll_slot_end_after_start")),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["date_poll.id"],
            name=op.f("fk_poll_slot_poll_id_date_poll"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poll_slot")),
    )
    with op.batch_alter_table("poll_slot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poll_slot_poll_id"), ["poll_id"], unique=False)
    with op.batch_alter_table("date_poll", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_date_poll_picked_slot_id_poll_slot"),
            "poll_slot",
            ["picked_slot_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "poll_partner",
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["date_poll.id"],
            name=op.f("fk_poll_partner_poll_id_date_poll"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_poll_partner_partner_id_partner"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("poll_id", "partner_id", name=op.f("pk_poll_partner")),
    )
    op.create_table(
        "poll_answer",
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "answer IN ('yes', 'if_need_be', 'no')", name=op.f("ck_poll_answer_answer_valid")
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["poll_slot.id"],
            name=op.f("fk_poll_answer_slot_id_poll_slot"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
            name=op.f("fk_poll_answer_partner_id_partner"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user.id"],
            name=op.f("fk_poll_answer_answered_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("slot_id", "partner_id", name=op.f("pk_poll_answer")),
    )


def downgrade():
    op.drop_table("poll_answer")
    op.drop_table("poll_partner")
    with op.batch_alter_table("date_poll", schema=None) as batch_op:
        batch_op.drop_constraint("fk_date_poll_picked_slot_id_poll_slot", type_="foreignkey")
    with op.batch_alter_table("poll_slot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poll_slot_poll_id"))
    op.drop_table("poll_slot")
    with op.batch_alter_table("date_poll", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_date_poll_event_id"))
    op.drop_table("date_poll")
