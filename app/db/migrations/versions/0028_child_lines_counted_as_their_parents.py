"""A line item that is part of another line of its order (Magento's configurable and bundle
children: `parent_item_id` naming another line's `item_id`) is no product sold on its own
(README "Top products", `rules/child_lines_are_their_parents`): a configurable product was
counted twice and named after its variant, a bundle's price counted twice. The daily product
summary is counted afresh from the stored orders by the new rule (as migration 0026 did).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 19:00:00.000000
"""

from alembic import op

from app.db.summaries import rebuild
from app.db.tables import product_days

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild(op.get_bind(), (product_days,))  # the one summary that reads line items


def downgrade() -> None:
    pass  # counted without child lines, the summary stays exact for an earlier release's reads
