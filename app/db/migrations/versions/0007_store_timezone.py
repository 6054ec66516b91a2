"""Stores get an IANA timezone, the one their dashboards count days in (README, "Store
timezone"): stores created before get their region's zone where it has one, else UTC.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 12:05:00
"""

import sqlalchemy as sa
from alembic import op

from app.domain.timezones import default_timezone

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"))
    conn = op.get_bind()
    regions = conn.execute(sa.text("SELECT DISTINCT region FROM stores")).scalars().all()
    for region in regions:
        zone = default_timezone(region)
        if zone != "UTC":
            conn.execute(
                sa.text("UPDATE stores SET timezone = :zone WHERE region = :region"), {"zone": zone, "region": region}
            )


def downgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("timezone")
