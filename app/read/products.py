"""Top products for dashboards (issue 16; README, "Top products"): the line items of the orders
placed in a period, grouped by product (its `sku`, else its `title`), with quantity, orders and
revenue per currency, summed in SQL from the orders' line items on both engines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import BigInteger, Connection, Numeric, String, case, cast, func, literal, null, select, true

from app.db.tables import orders

from .revenue import Revenue


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
    `by`; ties by sku, then title. REVENUE compares currency by currency, the currency of the
    most orders in the period first (no exchange rates). A line without a quantity counts 1,
    without a price 0."""
    rows = conn.execute(_grouped(conn.dialect.name, store_id, start, end)).all()
    products: dict[tuple[str | None, str | None], ProductSales] = {}
    orders_per_currency: dict[str | None, int] = defaultdict(int)
    for row in rows:
        product = products.setdefault((row.sku, row.key_title), ProductSales(row.sku, row.title))
        product.quantity += _decimal(row.quantity)
        product.orders += row.orders
        product.revenue.append(Revenue.of(row.currency, _decimal(row.revenue), row.orders))
        orders_per_currency[row.currency] += row.orders
    ranked_currencies = sorted(
        orders_per_currency, key=lambda currency: (-orders_per_currency[currency], currency or "")
    )
    ranked = sorted(products.values(), key=lambda product: _rank(product, by, ranked_currencies))
    for product in ranked:
        product.revenue.sort(key=lambda revenue: ranked_currencies.index(revenue.currency))
    return ranked[:first]


def _rank(product: ProductSales, by: ProductMetric, currencies: list[str | None]) -> tuple[Any, ...]:
    if by is ProductMetric.QUANTITY:
        key: tuple[Any, ...] = (-product.quantity,)
    elif by is ProductMetric.ORDERS:
        key = (-product.orders,)
    else:
        amounts = {revenue.currency: Decimal(revenue.amount) for revenue in product.revenue}
        key = tuple(-amounts.get(currency, Decimal(0)) for currency in currencies)
    return (*key, product.sku or "", product.title or "")


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _grouped(dialect: str, store_id: int, start: datetime, end: datetime) -> Any:
    """(sku, key_title, title, currency, quantity, revenue, orders) per product and currency."""
    if dialect == "sqlite":
        item = func.json_each(orders.c.line_items).table_valued("value").alias("item")

        def text(name: str) -> Any:
            return cast(func.json_extract(item.c.value, f"$.{name}"), String)

        quantity = func.coalesce(func.json_extract(item.c.value, "$.quantity"), 1)
        price = func.coalesce(func.json_extract(item.c.value, "$.price"), 0)
        # JSON numbers are doubles here: a line's total, rounded to ten-thousandths, is exact
        # under 10^11 (README, "Top products"); summed as integers.
        line_units = cast(func.round(quantity * price * 10000), BigInteger)
        revenue = func.sum(line_units) / literal(Decimal(10000), Numeric(28, 4))
    else:
        item = func.json_array_elements(orders.c.line_items).table_valued("value").alias("item")

        def text(name: str) -> Any:
            return item.c.value.op("->>")(literal(name))

        quantity = func.coalesce(cast(text("quantity"), Numeric), 1)
        price = func.coalesce(cast(text("price"), Numeric), 0)
        revenue = func.sum(func.round(quantity * price, 4))
    sku = func.nullif(func.trim(text("sku")), "")
    title = text("title")
    key_title = case((sku.is_(None), title), else_=null())  # the title groups only lines without a sku
    return (
        select(
            sku.label("sku"),
            key_title.label("key_title"),
            func.max(title).label("title"),
            orders.c.currency,
            func.sum(quantity).label("quantity"),
            revenue.label("revenue"),
            func.count(func.distinct(orders.c.id)).label("orders"),
        )
        .select_from(orders)
        .join(item, true())
        .where(orders.c.store_id == store_id, orders.c.placed_at >= start, orders.c.placed_at < end)
        .group_by(sku, key_title, orders.c.currency)
    )
