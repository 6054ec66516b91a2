"""The source's last-modified time (`updated_at` as sent) on orders, carts, shipments and
customers: a write older than it is stale.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 09:55:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("orders", "carts", "shipments", "customers")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("source_updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("source_updated_at")
