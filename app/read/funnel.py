"""The cart recovery funnel for dashboards (issue 16; README, "Recovery funnel"): of the carts
abandoned in a period, how many got a recovery message, how many were recovered, and the orders
that recovered them after the message, with their revenue. One SQL statement per figure group,
no rows loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Integer, and_, exists, func, or_, select

from app.db.tables import cart_abandonments, carts, orders
from app.domain.statuses import CartStatus

from .abandoned_carts import was_abandoned
from .money_sums import money_sum, summed
from .revenue import Revenue, currency_order


@dataclass(frozen=True)
class Funnel:
    carts_abandoned: int
    recoveries_fired: int
    carts_recovered: int
    orders_after_recovery: int
    revenue: list[Revenue]


def recovery_funnel(conn: Connection, store_id: int, start: datetime, end: datetime) -> Funnel:
    """For the carts of `store_id` abandoned in [start, end) (`was_abandoned`): their count, those
    whose `cart.recovery_due` fired, those now `recovered`, and the orders that recovered one of them
    after its message: the contact's first order placed after the cart's `abandoned_at` (the one
    that recovers it, rules/purchase_recovers_cart; of orders placed in the same instant, the one
    stored first), placed at or after the message; each order counted once, with its revenue per
    currency."""
    in_period = (
        carts.c.store_id == store_id,
        carts.c.abandoned_at >= start,
        carts.c.abandoned_at < end,
        was_abandoned(carts),
    )
    fired = _recovery_fired(carts)
    counts = conn.execute(
        select(
            func.count().label("abandoned"),
            func.sum(func.cast(fired, Integer)).label("fired"),
            func.sum(func.cast(carts.c.status == CartStatus.RECOVERED, Integer)).label("recovered"),
        ).where(*in_period)
    ).one()
    rows = (
        conn.execute(
            select(orders.c.currency, func.count().label("orders"), *money_sum(orders.c.total_price, "revenue"))
            .where(orders.c.store_id == store_id, exists().where(*in_period, fired, _recovered_by(orders, carts)))
            .group_by(orders.c.currency)
        )
        .mappings()
        .all()
    )
    revenue = [
        Revenue.of(row["currency"], summed(row, "revenue"), row["orders"])
        for row in sorted(rows, key=lambda row: currency_order(row["currency"]))
    ]
    return Funnel(
        carts_abandoned=counts.abandoned,
        recoveries_fired=int(counts.fired or 0),
        carts_recovered=int(counts.recovered or 0),
        orders_after_recovery=sum(row["orders"] for row in rows),
        revenue=revenue,
    )


def _recovery_fired(cart: Any) -> Any:
    """The cart's recovery message went out: the `cart.recovery_due` that settled the abandonment
    it holds fired (one suppressed, for an erased contact or one without consent, has another
    reason, as has one the worker called off before it went out; events recorded before reasons
    existed have none). That is the abandonment whose recovery was recorded at the cart's
    `recovery_due_at`, not the one keyed by its `abandoned_at`: a cart re-dated after its
    message keeps it settled (services/carts.py, `_abandonment_moved`), recorded under the time
    it had; an earlier abandonment's message is no message of a new one (its `recovery_due_at`
    unset until its own falls due). Read from what the abandonments keep
    (services/abandonments.py, which follows the event's reason), not from the events: pruning
    the outbox changes no figure."""
    return exists().where(
        cart_abandonments.c.cart_id == cart.c.id,
        cart_abandonments.c.recovery_due_at == cart.c.recovery_due_at,
        cart_abandonments.c.recovery_fired,
    )


def _recovered_by(order: Any, cart: Any) -> Any:
    """`order` is the contact's first order after the cart was abandoned, placed at or after its
    recovery message. First in (placed_at, id) order: platforms send whole seconds, so split
    orders often share a `placed_at`, and then the one stored first (lowest id) is the one
    (README, "Recovery funnel")."""
    earlier = orders.alias("earlier")
    return and_(
        order.c.contact_id == cart.c.contact_id,
        order.c.placed_at > cart.c.abandoned_at,
        order.c.placed_at >= cart.c.recovery_due_at,
        ~exists()
        .where(
            earlier.c.contact_id == cart.c.contact_id,
            earlier.c.placed_at > cart.c.abandoned_at,
            or_(
                earlier.c.placed_at < order.c.placed_at,
                and_(earlier.c.placed_at == order.c.placed_at, earlier.c.id < order.c.id),
            ),
        )
        .correlate_except(earlier),  # `order` is two queries up: say so
    )
