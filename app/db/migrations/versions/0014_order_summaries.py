"""Order summaries for dashboards (README, "Order summaries"): orders and revenue per UTC hour,
product sales per UTC day, filled from the orders already stored.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 18:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

from app.db.summaries import rebuild
from app.db.tables import order_hours, product_days

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _exact_sum() -> sa.types.TypeEngine:  # types.ExactSum: NUMERIC, SQLite's text
    return sa.Numeric().with_variant(sa.Text(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "order_hours",
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("revenue", _exact_sum(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_order_hours_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "hour", "currency", name=op.f("pk_order_hours")),
        sqlite_with_rowid=False,  # an upsert finds its row in one B-tree: the key's
    )
    op.create_table(
        "product_days",
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.DateTime(timezone=True), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("product", sa.String(length=32), nullable=False),
        sa.Column("sku", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("lines", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("quantity", _exact_sum(), nullable=False),
        sa.Column("revenue", _exact_sum(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_product_days_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "day", "currency", "product", name=op.f("pk_product_days")),
        sqlite_with_rowid=False,
    )
    rebuild(op.get_bind(), (order_hours, product_days))  # this revision's tables alone


def downgrade() -> None:
    op.drop_table("product_days")
    op.drop_table("order_hours")
