"""security events in the activity log: sign-ins, failures, throttling, sign-outs

Revision ID: a1b2c3d40005
Revises: a1b2c3d40004
Create Date: 2026-12-01 23:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "a1b2c3d40005"
down_revision = "a1b2c3d40004"
branch_labels = None
depends_on = None

CHANGES = ("created", "changed", "removed", "restored")
SECURITY = (
    "signed_in",
    "sign_in_failed",
    "locked",
    "unlocked",
    "signed_out",
    "signed_out_all",
    "password_changed",
    "feed_reset",
    "second_factor_on",
    "second_factor_off",
)


def _allow(actions) -> None:
    with op.batch_alter_table("activity_entry", schema=None) as batch_op:
        batch_op.drop_constraint("action_valid", type_="check")
        batch_op.create_check_constraint(
            op.f("ck_activity_entry_action_valid"),
            "action IN ({})".format(", ".join(f"'{a}'" for a in actions)),
        )


def upgrade():
    _allow(CHANGES + SECURITY)


def downgrade():
    op.execute(
        "DELETE FROM activity_entry WHERE action IN ({})".format(
            ", ".join(f"'{a}'" for a in SECURITY)
        )
    )
    _allow(CHANGES)
