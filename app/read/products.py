"""Top products for dashboards (issue 16; README, "Top products"): the line items of the orders
placed in a period, grouped by product (its `sku`, else its `title`), with quantity, orders and
revenue per currency, from the daily product summary (`product_days`, app/db/summaries.py) and,
for the hours before and after its whole days, the orders' line items, counted by one rule on
both engines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Connection, select

from app.db.summaries import DAY, ProductShare, floor, order_shares
from app.db.tables import orders, product_days
from app.domain.money import from_units

from .revenue import Revenue
from .stats import orders_per_currency
from .summary_sums import added_up


class ProductMetric(Enum):
    """What topProducts ranks by."""

    REVENUE = "revenue"
    QUANTITY = "quantity"
    ORDERS = "orders"


@dataclass
class ProductSales:
    """One product: its `sku` (None: grouped by title), a title it was sold under, the quantity
    sold, the orders holding it, and its revenue (quantity × price per line) per currency. Its
    title is the last in sort order of those it was sold under."""

    sku: str | None
    title: str | None
    quantity: Decimal = Decimal(0)
    orders: int = 0
    revenue: list[Revenue] = field(default_factory=list)


def top_products(
    conn: Connection, store_id: int, start: datetime, end: datetime, first: int, by: ProductMetric
) -> list[ProductSales]:
    """The `first` products of the orders of `store_id` placed in [start, end), best first by
    `by`; ties by title, then sku, each ascending by code point with a product without one
    last (README, "Top products"). REVENUE compares currency by currency, the currency of the
    most orders placed in the period first, each order once (no exchange rates; a tie by ISO
    code, the orders without a currency last). A line without a quantity counts 1, without a
    price 0."""
    products: dict[tuple[str | None, str | None], ProductSales] = {}
    # Ten-thousandths, added up as integers: a Decimal sum would be cut to the default context's
    # 28 digits, and a quantity has up to 35.
    quantities: dict[tuple[str | None, str | None], int] = defaultdict(int)
    for (sku, key_title, currency), tally in _tallies(conn, store_id, start, end).items():
        if not tally.lines:
            continue
        title = tally.title
        product = products.setdefault((sku, key_title), ProductSales(sku, title))
        if title is not None and (product.title is None or title > product.title):
            product.title = title
        quantities[(sku, key_title)] += tally.share.quantity
        product.orders += tally.share.orders
        product.revenue.append(Revenue.of(currency, from_units(tally.share.revenue), tally.share.orders))
    for key, product in products.items():
        product.quantity = from_units(quantities[key])
    placed = orders_per_currency(conn, store_id, start, end)
    # A currency the count missed (an order moved between its statements and those of the
    # products: each is its own snapshot) comes after those counted.
    sold = {revenue.currency for product in products.values() for revenue in product.revenue}
    ranked_currencies = sorted(
        placed.keys() | sold, key=lambda currency: (-placed.get(currency, 0), currency is None, currency or "")
    )
    ranked = sorted(products.values(), key=lambda product: _rank(product, by, ranked_currencies))
    for product in ranked:
        product.revenue.sort(key=lambda revenue: ranked_currencies.index(revenue.currency))
    return ranked[:first]


@dataclass
class _Tally:
    """A product's lines of one currency: their sum, and the lines under each title (its title
    is the greatest of those still sold)."""

    share: ProductShare
    lines_by_title: dict[str | None, int] = field(default_factory=dict)

    @property
    def lines(self) -> int:
        return self.share.lines

    @property
    def title(self) -> str | None:
        return max((title for title, lines in self.lines_by_title.items() if lines and title is not None), default=None)


Tallies = dict[tuple[str | None, str | None, str | None], _Tally]


def _tallies(conn: Connection, store_id: int, start: datetime, end: datetime) -> Tallies:
    """Per (sku, key title, currency): the UTC days of [start, end) from `product_days` (kept
    exact by every order write: app/db/summaries.py); a day the period covers in part, from the
    line items of its orders in the period, or, when that is most of the day, the whole day's
    summary less the orders outside the period (counted by the same rule: sums are exact)."""
    tallies: Tallies = {}

    def add(currency: str, share: ProductShare, sign: int = 1) -> None:
        key = (share.sku, share.title if share.sku is None else None, currency or None)
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _Tally(ProductShare(key[0], key[1]))
        tally.share.add(share, sign)
        tally.lines_by_title[share.title] = tally.lines_by_title.get(share.title, 0) + sign * share.lines

    days, added, taken = _plan(start, end)
    if days is not None:
        for row in _summed_days(conn, store_id, days):
            add(row.currency, ProductShare(row.sku, row.title, row.lines, row.orders, row.quantity, row.revenue))
    for ranges, sign in ((added, 1), (taken, -1)):
        for range_start, range_end in ranges:
            placed = select(orders.c.currency, orders.c.line_items).where(
                orders.c.store_id == store_id, orders.c.placed_at >= range_start, orders.c.placed_at < range_end
            )
            for currency, share in order_shares(conn.execute(placed).mappings()):
                add(currency, share, sign)
    return tallies


Range = tuple[datetime, datetime]


def _summed_days(conn: Connection, store_id: int, days: Range) -> Sequence[Any]:
    """The `product_days` of `days` added up per (currency, sku, title) by the database
    (`summary_sums.added_up`: rows to add up, one per group or several)."""
    c = product_days.c
    where = (c.store_id == store_id, c.day >= days[0], c.day < days[1])
    return added_up(conn, where, (c.currency, c.sku, c.title), (c.lines, c.orders), (c.quantity, c.revenue))


def _plan(start: datetime, end: datetime) -> tuple[Range | None, list[Range], list[Range]]:
    """How to count [start, end) with the fewest orders read: the UTC days to take from the
    summary (None: none), the ranges of orders to add, and those to take away (the parts of
    summed days outside the period). Only the first and last days can be cut, so only they are
    weighed (a period of 10,000 years costs what a month does); a day ending past the year
    9999 is read from the orders."""
    if end <= start:
        return None, [], []
    first = floor(start, DAY)
    second = _day_after(first)
    if second is None or end <= second:  # one day
        edges, whole = [(first, start, end)], None
    else:
        last = floor(end, DAY)  # the day holding `end` (none of it counted when end is its midnight)
        edges = [(first, start, second)] + ([(last, last, end)] if last < end else [])
        whole = (second, last) if second < last else None
    summed: list[Range] = [whole] if whole is not None else []
    added: list[Range] = []
    taken: list[Range] = []
    for day, inside_start, inside_end in edges:
        following = _day_after(day)
        if following is not None and inside_end - inside_start > DAY / 2:
            summed.append((day, following))
            taken += [part for part in ((day, inside_start), (inside_end, following)) if part[0] < part[1]]
        else:
            added.append((inside_start, inside_end))
    days = (min(part[0] for part in summed), max(part[1] for part in summed)) if summed else None
    return days, added, taken


def _day_after(day: datetime) -> datetime | None:
    """The midnight (UTC) after `day`'s; None past the year 9999."""
    try:
        return day + DAY
    except OverflowError:
        return None


_NONE = Decimal(0)


def _rank(product: ProductSales, by: ProductMetric, currencies: list[str | None]) -> tuple[Any, ...]:
    # copy_negate, exact: unary minus rounds to the default context's 28 digits, where sums
    # that differ past them would tie.
    if by is ProductMetric.QUANTITY:
        key: tuple[Any, ...] = (product.quantity.copy_negate(),)
    elif by is ProductMetric.ORDERS:
        key = (-product.orders,)
    else:
        amounts = {revenue.currency: revenue.amount for revenue in product.revenue}
        key = tuple(amounts.get(currency, _NONE).copy_negate() for currency in currencies)
    # Ties by title, then sku, each by code point and absent last: the order is Python's on
    # both engines (SQL would put NULL first on SQLite, last on PostgreSQL).
    return (*key, product.title is None, product.title or "", product.sku is None, product.sku or "")
