"""Which carts of a period were abandoned: the one rule of every read that counts them
(storeStats, storeTimeseries, recoveryFunnel; README "Store stats").

A cart is counted by its `abandoned_at`, unless it is `completed` by its own purchase at or before
that time (`completed_at` <= `abandoned_at`: rules/completed_checkout_is_a_purchase): a checkout
bought before it would have been abandoned was never abandoned, and no recovery went out for it.
Every other cart was abandoned then, whatever became of it since: still `abandoned`; `recovered`
by an order, by its checkout bought after it (also when the bought checkout's update dated it
later: it was stored abandoned before) or by the shop's mark; `expired`; `active` (a checkout
taken up again after it was left); `completed` by the shop's mark, with no purchase before it.

A condition on the cart's own row: the reads keep their index range scan on
(store_id, abandoned_at)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Dialect, and_, not_

from app.db.tables import carts
from app.domain.statuses import CartStatus


def was_abandoned(cart: Any) -> ColumnElement[bool]:
    """The condition that a row of `cart` (the carts table or an alias of it) was abandoned at
    its `abandoned_at`. Never NULL: a cart without `completed_at` is one."""
    bought_first = and_(
        cart.c.status == CartStatus.COMPLETED,
        cart.c.completed_at.is_not(None),
        cart.c.completed_at <= cart.c.abandoned_at,
    )
    return not_(bought_first)


_SQL: dict[str, str] = {}  # per dialect name: compiled once


def was_abandoned_sql(dialect: Dialect) -> str:
    """`was_abandoned` as SQL text over the alias `t` (app/read/spans.py's rows), for `dialect`."""
    if dialect.name not in _SQL:
        condition = was_abandoned(carts.alias("t"))
        _SQL[dialect.name] = str(condition.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return _SQL[dialect.name]
