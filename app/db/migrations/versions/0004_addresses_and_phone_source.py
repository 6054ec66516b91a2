"""Shipping and billing addresses on orders and carts; which phone attached them, and the contact.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("orders", "carts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("shipping_address", sa.JSON(none_as_null=True), nullable=True))
            batch_op.add_column(sa.Column("billing_address", sa.JSON(none_as_null=True), nullable=True))
            batch_op.add_column(sa.Column("phone_source", sa.String(length=16), nullable=True))
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_source", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("phone_source")
    for table in ("carts", "orders"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("phone_source")
            batch_op.drop_column("billing_address")
            batch_op.drop_column("shipping_address")
