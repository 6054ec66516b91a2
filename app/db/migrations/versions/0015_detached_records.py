"""The orders and carts an erasure detached, by key (README "Erasure"): a write of one keeps it
detached.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 19:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "detached_records",
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("resource", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_detached_records_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "resource", "external_id", name=op.f("pk_detached_records")),
        sqlite_with_rowid=False,
    )
    # Those an erasure detached before: on a contact erased (SPEC §4.3).
    for resource, table in (("order", "orders"), ("cart", "carts")):
        op.execute(
            "INSERT INTO detached_records (store_id, resource, external_id) "
            f"SELECT r.store_id, '{resource}', r.external_id FROM {table} r "
            "JOIN contacts c ON c.id = r.contact_id WHERE c.erased_at IS NOT NULL"
        )


def downgrade() -> None:
    op.drop_table("detached_records")
