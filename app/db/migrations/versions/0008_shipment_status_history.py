"""Every status a shipment takes, with when (README, "Carrier performance"); shipments stored
before get one row, their current status at their last known time.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shipment_statuses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_shipment_statuses_store_id_stores")),
        sa.ForeignKeyConstraint(
            ["shipment_id"], ["shipments.id"], name=op.f("fk_shipment_statuses_shipment_id_shipments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_statuses")),
    )
    with op.batch_alter_table("shipment_statuses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_statuses_shipment_id_at"), ["shipment_id", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shipment_statuses_store_id_shipment_id"), ["store_id", "shipment_id"], unique=False
        )
    op.execute(
        "INSERT INTO shipment_statuses (store_id, shipment_id, status, at) "
        "SELECT store_id, id, status, COALESCE(source_updated_at, updated_at) FROM shipments WHERE status IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table("shipment_statuses")
