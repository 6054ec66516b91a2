"""Deliveries indexed by (status, id) instead of (status, next_attempt_at): a claim reads the
first due pending deliveries in id order instead of sorting every pending one.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 11:55:00.000000
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deliveries_status_id", "deliveries", ["status", "id"])
    op.drop_index("ix_deliveries_status_next_attempt_at", table_name="deliveries")


def downgrade() -> None:
    op.create_index("ix_deliveries_status_next_attempt_at", "deliveries", ["status", "next_attempt_at"])
    op.drop_index("ix_deliveries_status_id", table_name="deliveries")
