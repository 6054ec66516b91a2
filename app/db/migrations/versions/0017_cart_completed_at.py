"""When a cart's checkout was bought (`completed_at` as the source sent it, README "Cart
recovery"): a purchase, which no later write of an earlier abandonment undoes.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 22:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Null for every cart stored before: none was sent with a time of purchase that Kanal kept.
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_column("completed_at")
