"""Orders per UTC hour and pair of statuses (README, "Order summaries"), which storeStats
counts its orders per financial and fulfilment status from, filled from the orders already
stored.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from app.db.summaries import rebuild
from app.db.tables import order_status_hours

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_status_hours",
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("statuses", sa.String(length=32), nullable=False),
        sa.Column("financial_status", sa.String(length=64), nullable=True),
        sa.Column("fulfillment_status", sa.String(length=64), nullable=True),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_order_status_hours_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "hour", "statuses", name=op.f("pk_order_status_hours")),
        sqlite_with_rowid=False,
    )
    rebuild(op.get_bind(), (order_status_hours,))


def downgrade() -> None:
    op.drop_table("order_status_hours")
