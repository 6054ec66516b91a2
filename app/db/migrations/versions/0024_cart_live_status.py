"""The status live writes left on a cart, where a backfill PATCH stored another over it
(`carts.live_status`, README "Backfill": an imported status is history, never the shop's mark).
The worker's claim reads it to tell the shop's live mark from an imported status when it checks a
re-driven recovery (`kanal webhooks redeliver`) against its cart.

Schema only: every cart stored before has none (null), its status read as the live one, as the
claim read it before this version.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 11:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live_status", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_column("live_status")
