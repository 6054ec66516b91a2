"""Each shipment's carrier as compared (README, "Carrier performance"): carrierPerformance groups
the spellings of one carrier (`UPS`, `ups`, `La  Poste`) by it; shipments stored before get it
from their carrier.

The key is the application's own (`rules.same_tracking.carrier_key`), imported: every write
stores it, and a row must group with the rows written after it. A change of that rule comes
with a migration filling the key again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 22:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

from app.domain.rules.same_tracking import carrier_key

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        # casefold() may triple a character (`ﬄ` is `ffl`): 3 × the carrier's 255
        batch_op.add_column(sa.Column("carrier_key", sa.String(length=765), nullable=True))
    conn = op.get_bind()
    # One UPDATE per spelling (a shop relays a handful), not per shipment; no carrier, no key.
    spellings = conn.execute(sa.text("SELECT DISTINCT carrier FROM shipments WHERE carrier IS NOT NULL")).scalars()
    keys = [{"carrier": carrier, "key": carrier_key(carrier)} for carrier in spellings]
    if keys:
        conn.execute(sa.text("UPDATE shipments SET carrier_key = :key WHERE carrier = :carrier"), keys)


def downgrade() -> None:
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_column("carrier_key")
