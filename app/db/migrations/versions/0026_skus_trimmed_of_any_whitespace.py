"""A line item's `sku` is trimmed of any Unicode whitespace (`str.strip`, as a blank is read
everywhere: README "Blank strings") when its product is keyed (README "Top products"), where
it was trimmed of spaces alone: `"\\tT1\\n"` and `"T1\\u00a0"` were products apart from `"T1"`.
The daily product summary is counted afresh from the stored orders by the new rule (as
migration 0014 filled it: one read of every order, in chunks).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 02:00:00.000000
"""

from alembic import op

from app.db.summaries import rebuild
from app.db.tables import product_days

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild(op.get_bind(), (product_days,))


def downgrade() -> None:
    pass  # the summary counted by the new rule stays exact for the orders it was counted from
