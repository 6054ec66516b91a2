"""Carriers compared in Unicode compatibility form (README, "Carrier performance",
`rules.same_tracking`): `ＤＨＬ` (full-width) is `DHL`, `ﾔﾏﾄ運輸` (half-width katakana) is
`ヤマト運輸`; shipments stored before get their key again, so that carrierPerformance groups them
with the ones written after. The key becomes a text column: NFKC may write one character as
up to 18.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

from app.domain.rules.same_tracking import carrier_key

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shipments", schema=None) as batch_op:  # SQLite: the table copied once
        batch_op.alter_column("carrier_key", type_=sa.Text(), existing_type=sa.String(765), existing_nullable=True)
    conn = op.get_bind()
    # One UPDATE per spelling whose key changed (a shop relays a handful), not per shipment.
    spellings = conn.execute(sa.text("SELECT DISTINCT carrier, carrier_key FROM shipments WHERE carrier IS NOT NULL"))
    keys = [{"carrier": carrier, "key": new} for carrier, key in spellings if (new := carrier_key(carrier)) != key]
    if keys:
        conn.execute(sa.text("UPDATE shipments SET carrier_key = :key WHERE carrier = :carrier"), keys)


def downgrade() -> None:
    """The keys stay as they are (the earlier rule's for every carrier of ASCII letters); on
    PostgreSQL a key longer than the earlier column's 765 characters is cut to fit it."""
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.alter_column(
            "carrier_key",
            type_=sa.String(765),
            existing_type=sa.Text(),
            existing_nullable=True,
            postgresql_using="left(carrier_key, 765)",
        )
