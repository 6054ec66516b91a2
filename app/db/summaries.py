"""Order summaries, kept exact in the transaction of every order write (README, "Order
summaries"): `order_hours` (orders and revenue per store, UTC hour and currency) for
storeTimeseries and storeStats, `product_days` (lines, orders, quantity and revenue per store,
UTC day, currency and product) for topProducts, `order_status_hours` (orders per store, UTC hour
and pair of financial and fulfilment statuses) for storeStats. They count exactly what a
reading of the orders would: every order by its `placed_at`, `currency`, `total_price` and
line items, and by its statuses, none (NULL) apart from any text.

A write that changes an order calls `order_changed(conn, before, after)`; the deltas (minus
the old row's share, plus the new one's) are added up on the connection and written by one
multi-row upsert per table just before the transaction's COMMIT (a `commit` event of the
engines `watch` is given), so a transaction of many orders (group commit, a batch) touches
each summary row once. A rollback drops them with the rest of the transaction.

Sums are exact integers (ten-thousandths) of any size (`types.ExactSum`): a line's quantity may
reach 10^31 and its price 10^14."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal
from functools import cache, lru_cache, partial
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Table,
    Text,
    and_,
    bindparam,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from app.domain.json_values import as_text, json_default
from app.domain.money import MAX_DECIMALS, WIDE_DIGITS, to_units
from app.domain.rules.child_lines_are_their_parents import counted_lines

from .compiled import PrecompiledStatement
from .tables import order_hours, order_status_hours, orders, product_days
from .types import dumps

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PENDING = "kanal_summaries"  # the deltas of the connection's transaction, in Connection.info
_ADD = "kanal_add"  # SQLite: exact addition of two integers written as text
_ONE = 10**MAX_DECIMALS  # one, in ten-thousandths
_HALF_UNIT = _ONE // 2
# A quantity has up to 31 digits before the point and 4 after: wider than the default 28.
_EXACT = Context(prec=WIDE_DIGITS)


@dataclass(slots=True)
class ProductShare:
    """One product's share of some orders of one currency: `sku` (trimmed, None when blank or
    absent) and `title` as grouped, the lines, the orders counted for it, quantity and revenue
    in ten-thousandths."""

    sku: str | None
    title: str | None
    lines: int = 0
    orders: int = 0
    quantity: int = 0
    revenue: int = 0

    def add(self, other: ProductShare, sign: int = 1) -> None:
        self.lines += sign * other.lines
        self.orders += sign * other.orders
        self.quantity += sign * other.quantity
        self.revenue += sign * other.revenue


@dataclass
class Deltas:
    """Amounts to add to the summaries: per (store_id, hour, currency) [orders, revenue]; per
    (store_id, day, currency, sku, title) a ProductShare; per (store_id, hour, financial_status,
    fulfillment_status) orders; hours and days counted from 1970 (UTC)."""

    hours: dict[tuple[int, int, str], list[int]] = field(default_factory=dict)  # [orders, revenue]
    products: dict[tuple[int, int, str, str | None, str | None], ProductShare] = field(default_factory=dict)
    statuses: dict[tuple[int, int, str | None, str | None], int] = field(default_factory=dict)


def order_changed(conn: Connection, before: Mapping[Any, Any] | None, after: Mapping[Any, Any] | None) -> None:
    """Count an order write in the summaries at the transaction's COMMIT: `before` is the row
    as it was (None: created), `after` as written (None: deleted). Rows are order mappings with
    store_id, placed_at, currency, total_price (Decimal), line_items (as stored, or as about to
    be: Decimals are read as JSON stores them), financial_status and fulfillment_status.
    Nothing to do when they count the same; a PATCH of statuses alone counts its statuses alone."""
    if before is after:
        return
    sale = statuses = True
    if before is not None and after is not None:
        sale, statuses = _counted(before) != _counted(after), _classed(before) != _classed(after)
        if not (sale or statuses):
            return
    deltas = _pending(conn)
    for row, sign in ((before, -1), (after, 1)):
        if row is not None:
            _count(deltas, row, sign, sale, statuses)


def orders_created(conn: Connection, rows: Iterable[Mapping[Any, Any]]) -> None:
    """`order_changed(conn, None, row)` for each of `rows`, orders created (a batch's run of new orders)."""
    deltas = _pending(conn)
    for row in rows:
        _count(deltas, row, 1)


def _pending(conn: Connection) -> Deltas:
    """The deltas the transaction of `conn` adds up so far."""
    deltas = conn.info.get(_PENDING)
    if deltas is None:
        deltas = conn.info[_PENDING] = Deltas()
    return deltas


def _counted(row: Mapping[Any, Any]) -> tuple[Any, ...]:
    """What `order_hours` and `product_days` count of an order."""
    return (row["store_id"], row["placed_at"], row["currency"], row["total_price"], row["line_items"])


def _classed(row: Mapping[Any, Any]) -> tuple[Any, ...]:
    """What `order_status_hours` counts of an order."""
    return (row["store_id"], row["placed_at"], row["financial_status"], row["fulfillment_status"])


def _count(deltas: Deltas, row: Mapping[Any, Any], sign: int, sale: bool = True, statuses: bool = True) -> None:
    """Add `row` (`sign` 1) or take it away (-1): in `order_hours` and `product_days` when
    `sale`, in `order_status_hours` when `statuses`."""
    store_id = row["store_id"]
    hour = (row["placed_at"] - _EPOCH) // HOUR  # hours since 1970 (UTC), exactly
    if statuses:
        classed = (store_id, hour, row["financial_status"], row["fulfillment_status"])
        deltas.statuses[classed] = deltas.statuses.get(classed, 0) + sign
    if not sale:
        return
    currency = row["currency"] or ""
    key = (store_id, hour, currency)
    held = deltas.hours.get(key)
    if held is None:
        held = deltas.hours[key] = [0, 0]
    held[0] += sign
    held[1] += sign * to_units(row["total_price"])
    day = hour // 24
    products = deltas.products
    for share in product_shares(row["line_items"]):
        product = (store_id, day, currency, share.sku, share.title)
        found = products.get(product)
        if found is not None:
            found.add(share, sign)
        elif sign > 0:
            products[product] = share  # made for this call: ours to keep
        else:
            products[product] = ProductShare(
                share.sku, share.title, -share.lines, -share.orders, -share.quantity, -share.revenue
            )


def floor(moment: datetime, step: timedelta) -> datetime:
    """The start (UTC) of the hour or UTC day holding `moment`."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    if step == DAY:
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(minute=0, second=0, microsecond=0)


@lru_cache(maxsize=4096)  # a store sells the same products all day, with a few statuses
def digest(first: str | None, second: str | None) -> str:
    """The key of a pair of texts, each possibly none (a product's sku and title, an order's
    financial and fulfilment statuses): 32 hex digits, whatever the texts' lengths; none and ""
    have keys of their own."""
    return hashlib.blake2b(dumps([first, second]).encode(), digest_size=16).hexdigest()


def product_shares(line_items: Sequence[Mapping[Any, Any]]) -> list[ProductShare]:
    """One order's lines per (sku, title), each read as text (`json_values.as_text`: a number
    or `true` by its JSON text), the sku trimmed of Unicode whitespace (none when blank): a
    line without a quantity counts 1, without a price 0; its revenue is quantity x price
    rounded half away from zero to the ten-thousandth (as PostgreSQL's round(numeric, 4)). The
    order counts once per product (its sku, else its title), on the share of its greatest title
    (SQL's MAX: none below any text). A line part of another line of the order is left out
    (`rules.child_lines_are_their_parents`)."""
    shares: dict[tuple[str | None, str | None], ProductShare] = {}
    greatest: dict[tuple[str | None, str | None], ProductShare] = {}
    for item in counted_lines(line_items):
        sku = as_text(item.get("sku"))
        if sku is not None:
            sku = sku.strip() or None  # any Unicode whitespace, as a blank is read (str.isspace)
        title = as_text(item.get("title"))
        quantity = _units(item.get("quantity"), _ONE)
        price = _units(item.get("price"), 0)
        share = shares.get((sku, title))
        if share is None:
            share = shares[(sku, title)] = ProductShare(sku, title)
            product = (sku, None) if sku is not None else (None, title)
            held = greatest.get(product)
            # SQL's MAX: no title is below any text
            if held is None or (title is not None and (held.title is None or title > held.title)):
                greatest[product] = share
        share.lines += 1
        share.quantity += quantity
        share.revenue += (quantity * price + _HALF_UNIT) // _ONE  # ten-thousandths squared, rounded half up
    for share in greatest.values():
        share.orders = 1
    return list(shares.values())


def _units(value: Any, absent: int) -> int:
    """A quantity or price in ten-thousandths, as the stored JSON holds it (`absent` when it has
    none): a Decimal about to be written is read back as JSON stores it (`json_default`: an
    int, else a double), a double as its shortest text (what PostgreSQL reads from the JSON
    text). Kept per value: an order's prices and quantities are mostly those of others."""
    if value is None:
        return absent
    held = _UNITS.get(value)  # a value, then its units: one look-up for most lines
    if held is None:
        stored = json_default(value) if isinstance(value, Decimal) else value
        number = Decimal(repr(stored)) if isinstance(stored, float) else Decimal(stored)
        held = int(_EXACT.scaleb(number, MAX_DECIMALS))
        if len(_UNITS) >= 4096:
            _UNITS.clear()
        _UNITS[value] = held
    return held


_UNITS: dict[Any, int] = {}  # value -> ten-thousandths (equal values, equal units)


# Writing the deltas at COMMIT.


def watch(engine: Engine) -> None:
    """Write the summaries' deltas of every transaction of `engine` just before its COMMIT, and
    drop them on a rollback. On SQLite, also give each connection `kanal_add`."""
    event.listen(engine, "commit", _flush)
    event.listen(engine, "rollback", _drop)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _add_function)


def _add_function(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.create_function(_ADD, 2, _add_texts, deterministic=True)


def _add_texts(stored: str, delta: str) -> str:
    return str(int(stored) + int(delta))


def _drop(conn: Connection) -> None:
    conn.info.pop(_PENDING, None)


def _flush(conn: Connection) -> None:
    deltas: Deltas | None = conn.info.pop(_PENDING, None)
    if deltas is None:
        return
    try:
        _write(conn, _rows(deltas), partial(_upsert, conn.dialect.name))
    except BaseException:
        # The COMMIT will not happen, and SQLAlchemy, counting the transaction over, would not
        # roll it back: leave none open (the caller sees the error, as a failed COMMIT).
        conn.connection.dbapi_connection.rollback()  # type: ignore[union-attr]
        raise


def _write(
    conn: Connection, rows: Mapping[Table, list[dict[str, Any]]], statement: Callable[[Table], PrecompiledStatement]
) -> None:
    for table, written in rows.items():
        if written:
            statement(table).execute_many(conn, written)


def _rows(deltas: Deltas) -> dict[Table, list[dict[str, Any]]]:
    """The rows to add per table, in key order (concurrent transactions then lock the rows they
    share in the same order: no deadlock), without those that add nothing."""
    hours = [
        {"store_id": key[0], "hour": _EPOCH + HOUR * key[1], "currency": key[2], "orders": n, "revenue": revenue}
        for key, (n, revenue) in sorted(deltas.hours.items())
        if n or revenue
    ]
    products = [
        {
            "store_id": key[0],
            "day": _EPOCH + DAY * key[1],
            "currency": key[2],
            "product": digest(share.sku, share.title),
            "sku": share.sku,
            "title": share.title,
            "lines": share.lines,
            "orders": share.orders,
            "quantity": share.quantity,
            "revenue": share.revenue,
        }
        for key, share in deltas.products.items()
        if share.lines or share.orders or share.quantity or share.revenue
    ]
    products.sort(key=lambda row: (row["store_id"], row["day"], row["currency"], row["product"]))
    statuses = [
        {
            "store_id": store_id,
            "hour": _EPOCH + HOUR * hour,
            "statuses": digest(financial, fulfillment),
            "financial_status": financial,
            "fulfillment_status": fulfillment,
            "orders": n,
        }
        for (store_id, hour, financial, fulfillment), n in deltas.statuses.items()
        if n
    ]
    statuses.sort(key=lambda row: (row["store_id"], row["hour"], row["statuses"]))
    return {order_hours: hours, product_days: products, order_status_hours: statuses}


_SUMMED = {
    order_hours.name: ("orders", "revenue"),
    product_days.name: ("lines", "orders", "quantity", "revenue"),
    order_status_hours.name: ("orders",),
}


@cache
def _upsert(dialect: str, table: Table) -> PrecompiledStatement:
    """INSERT … ON CONFLICT (key) DO UPDATE adding the summed columns, run with many rows."""
    statement = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(table)
    new = statement.excluded
    added: dict[str, Any] = {}
    for name in _SUMMED[table.name]:
        exact = name in ("revenue", "quantity")
        if exact and dialect == "sqlite":
            added[name] = _sqlite_sum(table.c[name], new[name])
        else:
            added[name] = table.c[name] + new[name]
    keys = [column.name for column in table.primary_key]
    return PrecompiledStatement(statement.values(_params(table)).on_conflict_do_update(index_elements=keys, set_=added))


def _params(table: Table) -> dict[str, Any]:
    return {column.name: bindparam(column.name, type_=column.type) for column in table.c}


@cache
def _insert(table: Table) -> PrecompiledStatement:
    return PrecompiledStatement(insert(table).values(_params(table)))


def _sqlite_sum(stored: Any, delta: Any) -> Any:
    """stored + delta, both integers as text: in SQLite's integers while both have under 18
    characters (the sum fits 63 bits), else by `kanal_add` (Python's integers, a call back)."""
    small = and_(func.length(stored) < 18, func.length(delta) < 18)
    in_sql = cast(cast(stored, BigInteger) + cast(delta, BigInteger), Text)
    return case((small, in_sql), else_=func.kanal_add(stored, delta))


# Filling them from the orders (migrations 0014 and 0022, bulk loads).

SUMMARIES = (order_hours, product_days, order_status_hours)


def rebuild(conn: Connection, tables: Sequence[Table] = SUMMARIES) -> None:
    """Replace the summaries `tables` (of SUMMARIES) with a count of every stored order. A
    migration names those it made: a later migration's do not exist yet when it runs."""
    for table in tables:
        conn.execute(delete(table))
    sale = order_hours in tables or product_days in tables
    counted = _rows(recount(conn, sale=sale, statuses=order_status_hours in tables))
    _write(conn, {table: counted[table] for table in tables}, _insert)  # into empty tables: no conflict


def recount(conn: Connection, chunk: int = 5000, sale: bool = True, statuses: bool = True) -> Deltas:
    """What the summaries hold when exact: every stored order counted afresh (in `order_hours`
    and `product_days` when `sale`, in `order_status_hours` when `statuses`), read `chunk`
    orders at a time in id order. Each read is a statement of its own, not a server-side
    cursor: on PostgreSQL such a cursor stays open until the transaction ends, and a later
    migration of the same run could then not alter the orders table."""
    deltas = Deltas()
    columns = [orders.c.store_id, orders.c.placed_at]
    if sale:
        columns += [orders.c.currency, orders.c.total_price, orders.c.line_items]
    if statuses:
        columns += [orders.c.financial_status, orders.c.fulfillment_status]
    query = select(orders.c.id, *columns).order_by(orders.c.id).limit(chunk)
    last = None
    while True:
        rows = conn.execute(query if last is None else query.where(orders.c.id > last)).mappings().all()
        for row in rows:
            _count(deltas, row, 1, sale, statuses)
        if len(rows) < chunk:
            return deltas
        last = rows[-1]["id"]


def rows_of(deltas: Deltas) -> dict[str, list[dict[str, Any]]]:
    """The summary rows `deltas` add up to, per table, in key order, without empty ones."""
    return {table.name: rows for table, rows in _rows(deltas).items()}


def order_shares(rows: Iterable[Mapping[Any, Any]]) -> Iterator[tuple[str, ProductShare]]:
    """(currency, share) of each product of each order in `rows` (currency, line_items):
    what `product_days` holds of them."""
    for row in rows:
        for share in product_shares(row["line_items"]):
            yield row["currency"] or "", share
