"""Store aggregates for dashboards over a period of placed_at / abandoned_at (README, "Store
stats").

Orders are counted from their hourly summaries, kept exact by every order write
(app/db/summaries.py): `order_hours` for the orders, revenue and average per currency,
`order_status_hours` for the orders per status, over the whole UTC hours of the period; and
from the orders themselves in the parts of an hour at its edges (a `from` or `to` not on the
hour). So the figures are those of a count of the orders placed in [from, to), for any instants,
while a period reads a summary row per currency and one per pair of statuses of each hour orders
were placed in, instead of every order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from app.db.summaries import HOUR, floor
from app.db.tables import carts, order_hours, order_status_hours, orders
from app.domain.money import from_units
from app.domain.statuses import CartStatus

from .abandoned_carts import was_abandoned
from .money_sums import money_sum, summed_units
from .revenue import Revenue, currency_order
from .summary_sums import added_up

Range = tuple[datetime, datetime]  # [start, end) in UTC

# The orders of an edge per currency and pair of statuses: their count and exact total.
_EDGE_GROUP = (orders.c.currency, orders.c.financial_status, orders.c.fulfillment_status)
_EDGE = select(*_EDGE_GROUP, func.count().label("orders"), *money_sum(orders.c.total_price, "revenue")).group_by(
    *_EDGE_GROUP
)


def store_stats(conn: Connection, store_id: int, start: datetime, end: datetime) -> dict[str, Any]:
    """Orders placed in [start, end) (aware instants, start before end): `order_count`,
    `revenue` (`Revenue` fields per currency, by ISO code, none last), counts per financial
    and per fulfilment status (`[{status, count}]`, `_tally`'s order); carts abandoned in
    [start, end) (`was_abandoned`: not a checkout bought before it was left) and how many of them
    were recovered, and their ratio (0.0 for none)."""
    counted = _counted(conn, store_id, start, end, statuses=True)
    by_currency = sorted(
        ((currency, held) for currency, held in counted.currencies.items() if held[0]),
        key=lambda item: currency_order(item[0]),
    )
    cart_counts: dict[str, int] = dict(
        conn.execute(
            select(carts.c.status, func.count())
            .where(
                carts.c.store_id == store_id,
                carts.c.abandoned_at >= start,
                carts.c.abandoned_at < end,
                was_abandoned(carts),
            )
            .group_by(carts.c.status)
        ).all()
    )
    abandoned = sum(cart_counts.values())
    recovered = cart_counts.get(CartStatus.RECOVERED, 0)
    return {
        "order_count": sum(count for _, (count, _units) in by_currency),
        "revenue": [vars(Revenue.of(currency, from_units(units), count)) for currency, (count, units) in by_currency],
        "by_financial_status": _tally((financial, count) for financial, _, count in counted.statuses),
        "by_fulfillment_status": _tally((fulfillment, count) for _, fulfillment, count in counted.statuses),
        "carts_abandoned": abandoned,
        "carts_recovered": recovered,
        "recovery_rate": recovered / abandoned if abandoned else 0.0,
    }


def orders_per_currency(conn: Connection, store_id: int, start: datetime, end: datetime) -> dict[str | None, int]:
    """The orders of `store_id` placed in [start, end) per currency (None: sent without one),
    each order once, counted as `store_stats` counts them (`topProducts` ranks its currencies
    by them)."""
    counted = _counted(conn, store_id, start, end, statuses=False)
    return {currency: held[0] for currency, held in counted.currencies.items()}


def _counted(conn: Connection, store_id: int, start: datetime, end: datetime, statuses: bool) -> _Counted:
    """The orders of [start, end): the whole UTC hours from the summaries (their statuses too
    when `statuses`), the parts of an hour at the edges from the orders (`hours_of`)."""
    counted = _Counted()
    whole, edges = hours_of(start, end)
    if whole is not None:
        counted.add_hours(conn, store_id, whole, statuses)
    for edge in edges:
        counted.add_orders(conn, store_id, edge)
    return counted


@dataclass
class _Counted:
    """Orders counted so far: per currency (None: none) [orders, ten-thousandths], and
    (financial_status, fulfillment_status, orders) triples to add up."""

    currencies: dict[str | None, list[int]] = field(default_factory=dict)
    statuses: list[tuple[str | None, str | None, int]] = field(default_factory=list)

    def add_hours(self, conn: Connection, store_id: int, hours: Range, statuses: bool) -> None:
        """The orders of the whole UTC hours `hours`, from the summaries (their statuses' too
        when `statuses`)."""
        c = order_hours.c
        in_hours = (c.store_id == store_id, c.hour >= hours[0], c.hour < hours[1])
        for row in added_up(conn, in_hours, (c.currency,), (c.orders,), (c.revenue,)):
            self._add(row.currency or None, int(row.orders), row.revenue)  # a key's "" is none
        if not statuses:
            return
        s = order_status_hours.c
        pair = (s.financial_status, s.fulfillment_status)
        in_hours = (s.store_id == store_id, s.hour >= hours[0], s.hour < hours[1])
        for financial, fulfillment, count in conn.execute(
            select(*pair, func.sum(s.orders)).where(*in_hours).group_by(*pair)
        ):
            self.statuses.append((financial, fulfillment, int(count)))

    def add_orders(self, conn: Connection, store_id: int, edge: Range) -> None:
        """The orders placed in `edge` (part of an hour or two), read from the orders: one
        index range scan, grouped by currency and statuses."""
        in_edge = (orders.c.store_id == store_id, orders.c.placed_at >= edge[0], orders.c.placed_at < edge[1])
        for row in conn.execute(_EDGE.where(*in_edge)).mappings():
            self._add(row["currency"], row["orders"], summed_units(row, "revenue"))
            self.statuses.append((row["financial_status"], row["fulfillment_status"], row["orders"]))

    def _add(self, currency: str | None, count: int, units: int) -> None:
        held = self.currencies.setdefault(currency, [0, 0])
        held[0] += count
        held[1] += units


def hours_of(start: datetime, end: datetime) -> tuple[Range | None, list[Range]]:
    """How [start, end) is counted: the whole UTC hours in it, read from the summaries (None:
    none), and the parts of an hour before and after them, read from the orders (the whole
    period when it holds no whole hour; none when it starts and ends on the hour)."""
    first = floor(start, HOUR)
    if first < start:
        try:
            first += HOUR
        except OverflowError:  # the last hour of the year 9999: no whole hour after it
            return None, [(start, end)]
    last = floor(end, HOUR)
    if last <= first:
        return None, [(start, end)]
    return (first, last), [edge for edge in ((start, first), (last, end)) if edge[0] < edge[1]]


def _tally(pairs: Iterable[tuple[str | None, int]]) -> list[dict[str, Any]]:
    """(status, orders) pairs as `[{status, count}]`, the most orders first; a tie by status,
    the orders without one last: the same order on both engines and from one read to the next
    (GROUP BY promises none). A status of no order (its summary rows emptied by writes that
    moved its orders) is left out, as a count of the orders never finds it."""
    counts: dict[str | None, int] = {}
    for status, number in pairs:
        counts[status] = counts.get(status, 0) + number
    ranked = sorted(
        ((status, number) for status, number in counts.items() if number),
        key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""),
    )
    return [{"status": status, "count": number} for status, number in ranked]
