"""When an erasure detached an order or a cart, on its own row (README "Erasure"): a write that
waited for the row's lock while the erasure committed reads it there, where the note in
`detached_records` came after what the write had read.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 01:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("orders", "carts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("detached_at", sa.DateTime(timezone=True), nullable=True))
    # Those an erasure detached before: noted by key, on the contact it erased, at its time.
    for resource, table in (("order", "orders"), ("cart", "carts")):
        op.execute(
            f"UPDATE {table} SET detached_at = (SELECT c.erased_at FROM contacts c WHERE c.id = {table}.contact_id) "
            f"WHERE EXISTS (SELECT 1 FROM detached_records d WHERE d.store_id = {table}.store_id "
            f"AND d.resource = '{resource}' AND d.external_id = {table}.external_id)"
        )


def downgrade() -> None:
    for table in ("orders", "carts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("detached_at")
