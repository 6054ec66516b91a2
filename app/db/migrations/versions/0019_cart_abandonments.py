"""What each abandonment of a cart recorded (README "Cart recovery", "Outbox lifecycle"): when
its `cart.abandoned`, `cart.recovered` and `cart.recovery_due` were recorded, and whether that
recovery fired, kept where pruning the outbox does not reach. The once-per-abandoned_at rules and
recoveryFunnel read it instead of the events; stored carts get it from the events still present.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 02:10:00.000000
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.db.cart_events import abandoned_at, abandonments, events, in_id_order
from app.db.types import UTC_DATETIME

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# event type -> the column holding when an abandonment first recorded one
NOTED = {
    "cart.abandoned": "abandoned_recorded_at",
    "cart.recovered": "recovered_recorded_at",
    "cart.recovery_due": "recovery_due_at",
}
_carts = sa.table(
    "carts",
    sa.column("id", sa.BigInteger),
    sa.column("store_id", sa.BigInteger),
    sa.column("abandoned_at", UTC_DATETIME),
)


def upgrade() -> None:
    op.create_table(
        "cart_abandonments",
        sa.Column("cart_id", sa.BigInteger(), nullable=False),
        sa.Column("abandoned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("abandoned_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recovered_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recovery_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recovery_fired", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["cart_id"], ["carts.id"], name=op.f("fk_cart_abandonments_cart_id_carts")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_cart_abandonments_store_id_stores")),
        sa.PrimaryKeyConstraint("cart_id", "abandoned_at", name=op.f("pk_cart_abandonments")),
        sqlite_with_rowid=False,
    )
    rows = _recorded(op.get_bind())
    if rows:
        op.get_bind().execute(sa.insert(abandonments), rows)


def _recorded(conn: Any) -> list[dict[str, Any]]:
    """The abandonments of the stored carts, from their events still in the outbox, in id
    order: per (cart, the `abandoned_at` the event's `after` holds), the first time of each
    type and whether any `cart.recovery_due` fired (reason `fired`, or none: recorded before
    reasons existed). An event whose `after` holds no `abandoned_at` counts for the cart's own."""
    found: dict[tuple[int, datetime], dict[str, Any]] = {}
    query = (
        sa.select(events, _carts.c.store_id, _carts.c.abandoned_at.label("cart_abandoned_at"))
        .join(_carts, _carts.c.id == events.c.subject_id)
        .where(events.c.subject_type == "cart", events.c.type.in_(list(NOTED)))
    )
    for event in in_id_order(conn, query):
        at = abandoned_at(event.data) or event.cart_abandoned_at
        row = found.setdefault(
            (event.subject_id, at),
            {
                "cart_id": event.subject_id,
                "abandoned_at": at,
                "store_id": event.store_id,
                **dict.fromkeys(NOTED.values()),
                "recovery_fired": False,
            },
        )
        column = NOTED[event.type]
        row[column] = row[column] or event.created_at
        if event.type == "cart.recovery_due" and event.reason in (None, "fired"):
            row["recovery_fired"] = True
    return list(found.values())


def downgrade() -> None:
    op.drop_table("cart_abandonments")
