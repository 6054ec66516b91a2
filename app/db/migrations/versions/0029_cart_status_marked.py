"""Whether a cart's status is the shop's word (`carts.status_marked`: a live PATCH set it), so
that an order corrected away undoes only a purchase's recovery (README "Carts and purchases",
`rules/recovery_follows_the_orders`). The time a recovery was first recorded told them apart
before, and took a recovery by a second order, after the first was corrected away, for the
shop's: the cart stayed `recovered` with no order after it.

Schema only: every cart stored before has none (null), read by that time as before.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 13:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_marked", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_column("status_marked")
