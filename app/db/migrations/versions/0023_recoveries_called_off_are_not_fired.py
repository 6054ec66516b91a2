"""Whether each stored abandonment's recovery fired (`cart_abandonments.recovery_fired`, which
recoveryFunnel counts), set again from its `cart.recovery_due` still in the outbox as the worker
now leaves it (README "Cart recovery", "WhatsApp consent, and why an automation fired or not"):
a recovery called off before it went out (its cart bought or marked, its contact's consent
withdrawn or the contact erased before the worker claimed or fanned out its delivery) is no
message, where the abandonments written before kept it fired while the log said why not.

A recovery went out when its reason says `fired` (or none: recorded before reasons existed), and
whatever reason an earlier worker gave it when a delivery of it was delivered, or when its
fan-out gave it no delivery and only a replayed copy was cancelled: the worker now leaves both
`fired`. An abandonment keeps its flag when none of its recoveries is still in the outbox (pruned)
or their `after` holds no `abandoned_at`, as the worker does. Several recoveries of one
abandonment (an earlier rule fired one again): fired when one of them went out.

Data only. The rule is written out here, not imported, so this step keeps its meaning if the
application's rule changes later.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 10:00:00.000000
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.db.cart_events import abandoned_at, abandonments, events, in_id_order
from app.db.types import UTC_DATETIME

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

WRITTEN = 10_000  # abandonments written per statement

_deliveries = sa.table(
    "deliveries",
    sa.column("event_id", sa.BigInteger),
    sa.column("delivered_at", UTC_DATETIME),
    sa.column("created_at", UTC_DATETIME),
)


def upgrade() -> None:
    conn = op.get_bind()
    went_out = sorted(_went_out(conn).items())
    statement = (
        sa.update(abandonments)
        .where(
            abandonments.c.cart_id == sa.bindparam("b_cart_id"),
            abandonments.c.abandoned_at == sa.bindparam("b_abandoned_at"),
            abandonments.c.recovery_fired != sa.bindparam("b_fired"),
        )
        .values(recovery_fired=sa.bindparam("b_fired"))
    )
    for start in range(0, len(went_out), WRITTEN):
        rows = went_out[start : start + WRITTEN]
        params = [{"b_cart_id": cart, "b_abandoned_at": at, "b_fired": fired} for (cart, at), fired in rows]
        conn.execute(statement, params)


def _went_out(conn: Any) -> dict[tuple[int, datetime], bool]:
    """Per (cart id, the `abandoned_at` its recovery's `after` holds): whether a
    `cart.recovery_due` of it still stored went out."""
    of_it = _deliveries.c.event_id == events.c.id
    delivered = sa.exists().where(of_it, _deliveries.c.delivered_at.is_not(None))
    # The fan-out writes its deliveries and the event's dispatched_at with one time; a replay
    # writes its copies later, in a transaction of its own.
    fanned_out = sa.exists().where(of_it, _deliveries.c.created_at == events.c.dispatched_at)
    replayed_only = sa.and_(sa.exists().where(of_it), ~fanned_out)
    query = sa.select(
        events.c.id,
        events.c.subject_id,
        events.c.data,
        events.c.reason,
        delivered.label("delivered"),
        replayed_only.label("replayed_only"),
    ).where(events.c.type == "cart.recovery_due", events.c.subject_type == "cart")
    found: dict[tuple[int, datetime], bool] = {}
    for event in in_id_order(conn, query):
        at = abandoned_at(event.data)
        if at is not None:
            fired = event.reason in (None, "fired") or bool(event.delivered) or bool(event.replayed_only)
            found[(event.subject_id, at)] = found.get((event.subject_id, at), False) or fired
    return found


def downgrade() -> None:
    pass  # the flags written before are not kept
