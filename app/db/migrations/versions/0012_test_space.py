"""Test keys and their store's test space: `api_keys.test`, `webhooks.test_events`, and a
twin row in `stores` for every store, the test space, whose id is the complement of the
store's (app/domain/livemode.py). Downgrade drops the test spaces with their data, and the test keys.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 15:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

STORE_COLUMNS = "name, status, region, team, rate_limit_per_minute, recovery_delay_minutes, created_at, timezone"
# Rows of a test space, children before parents (deliveries go by their events).
SPACE_TABLES = ("shipment_statuses", "shipments", "carts", "orders", "customers", "events", "contacts")


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("test", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("test_events", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(f"INSERT INTO stores (id, {STORE_COLUMNS}) SELECT -id - 1, {STORE_COLUMNS} FROM stores WHERE id >= 0")


def downgrade() -> None:
    op.execute("DELETE FROM deliveries WHERE event_id IN (SELECT id FROM events WHERE store_id < 0)")
    for table in SPACE_TABLES:
        op.execute(f"DELETE FROM {table} WHERE store_id < 0")
    op.execute("DELETE FROM stores WHERE id < 0")
    op.execute("DELETE FROM api_keys WHERE test")  # else a test key would open the live data
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.drop_column("test_events")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_column("test")
