"""Orders written together: a chunk's runs of new orders, and of stored ones sent again,
written with one statement per table for the run, each order with exactly the outcome its
write alone (`orders._store_order`) gives it. A chunk is a batch's (`app.services.batches`),
or on SQLite the single upserts (`upsert_order`) next to each other in a commit group
(`app.db.together`), each at the time its request reached its write.

A chunk is written in its order. Its orders named once in the chunk
and carrying no consent form runs of consecutive ones of a kind (README "Batches"):
- new orders (the store does not have them yet), which change nothing but their contact:
  - one read of the contacts of the run's phones and of the customer ids it names
    (`contacts_in_bulk.Standing`);
  - one contact upsert of every row (`contacts_in_bulk.attach_all`): the run's phones all differ;
  - one INSERT of every order (ON CONFLICT DO NOTHING, as `tracking.write_tracked` inserts); an
    order a concurrent write stored since the run read it (PostgreSQL) is skipped by it and
    written alone in its place, as an update;
  - the run's share of the order summaries, counted at once (`summaries.orders_created`);
  - each order's events and cart recovery (`orders.order_announced`), the events held and
    then appended in their order in one INSERT (`events.append_all`);
- stored orders sent again and not stale (a shop's retry, an import run again): the same read
  and contact upsert (on PostgreSQL, then one read of which of their contacts have a cart
  abandoned), and each order written over its stored row, as the chunk's one read of its
  orders found it (locked on PostgreSQL, after the contacts), as `tracking.write_tracked`
  does (`write_over`: no statement when it changes nothing).
Any other item (an order named earlier in the chunk, a consent, a stale write, a stored
order an erasure detached (`rules.erased_records_stay_detached`), the phone or
the customer id of an earlier item of the run, a customer id the contact of another phone of
the run holds) ends the run and is written alone, by `orders._store_order`, between runs:
every item comes after the ones before it, as one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from app.db import key_locks, statistics, summaries
from app.db.compiled import PrecompiledStatement, Row
from app.db.database import Database
from app.db.in_lists import in_list, list_params, width
from app.db.multirow import MultiRowInsert
from app.db.statements import insert_new, param
from app.db.tables import detached_records
from app.db.tables import orders as orders_table
from app.db.together import Args, Together
from app.domain import records
from app.domain.commands import OrderInput
from app.domain.errors import DomainError
from app.domain.phone import Phone
from app.domain.rules.erased_records_stay_detached import DETACHED, RESOURCES
from app.domain.rules.stale_writes import Arrival, arrival

from . import batches, events, orders, record_keys
from .carts import CART_TO_RECOVER, abandoned_cart_flag, abandoned_carts_of
from .chunk_locks import contacts_of
from .contacts import contact_params
from .contacts_in_bulk import Standing, attach_all
from .customer_notes import note_links_dropped
from .results import Written, utcnow
from .stores import Store
from .tracking import Change, write_over

# A run of one is written alone: the run's own reads would cost more than they save.
SHORTEST_RUN = 2


class _Run(Enum):
    """The run an item may join (`_items`)."""

    NEW = "new"  # an order the store does not have
    AGAIN = "again"  # a stored order, the write not stale against it


@dataclass(slots=True)  # not frozen: one per order, and a frozen one costs twice to make
class _Item:
    """A command of the chunk, with what the run asks of it read once: `stored`, the stored
    order (read unlocked); `run`, the run it may join (None: written alone)."""

    command: OrderInput
    phone: Phone
    customer_id: str | None  # the customer's external id
    stored: Row | None
    run: _Run | None
    now: datetime  # when its write was reached: its rows' times, its consent's arrival


def write_orders(
    conn: Connection,
    kind: batches.Kind,
    store_id: int,
    commands: Sequence[OrderInput],
    now: datetime,
    backfill: bool,
    nows: Sequence[datetime] | None = None,
) -> list[Written[Any] | DomainError]:
    """The chunk `commands`, in order, in the transaction of `conn`: one outcome each, as
    `kind.work` (the single upsert's write) gives it. Each is written at `now` (a batch: one
    request), or at its own time in `nows` (single upserts written together: each at the time
    its request reached its write, as alone)."""
    outcomes: list[Written[Any] | DomainError] = []
    items = _items(conn, store_id, commands, nows or [now] * len(commands))
    position = 0
    while position < len(items):
        run = _run(items, position)
        standing = None
        if len(run) >= SHORTEST_RUN:
            standing = _standing(conn, store_id, run)
            run = _unblocked(run, standing)
        if standing is None or len(run) < SHORTEST_RUN:
            outcomes.append(kind.work(conn, store_id, commands[position], items[position].now, backfill))
            position += 1
            continue
        write_run = _write_run if run[0].run is _Run.NEW else _write_again
        outcomes.extend(write_run(conn, store_id, run, standing, backfill))
        position += len(run)
    return outcomes


def _items(conn: Connection, store_id: int, commands: Sequence[OrderInput], nows: Sequence[datetime]) -> list[_Item]:
    """The chunk's items, each with its stored order. An order not named before in the chunk
    and carrying no consent may join a run: NEW when not stored, AGAIN when stored and the
    write is not stale against it (`rules.stale_writes`; a stale one is answered alone, with
    its contact as stored)."""
    ids = list({command.external_id: None for command in commands})
    # PostgreSQL: locked, after the contacts (`chunk_locks.contacts_of`), as `orders._store_order`
    # locks them; the chunk's items then find them as read.
    locked = conn.dialect.name == "postgresql"
    stored = {row["external_id"]: row for row in _stored(conn, store_id, ids, lock=locked)}
    seen: set[str] = set()
    items = []
    for command, now in zip(commands, nows, strict=True):
        customer = command.customer
        row = stored.get(command.external_id)
        run = None
        if command.external_id not in seen and (customer is None or customer.whatsapp_consent is None):
            if row is None:
                run = _Run.NEW
            elif not row[DETACHED] and arrival(row["source_updated_at"], command.updated_at) is not Arrival.STALE:
                run = _Run.AGAIN  # one an erasure detached is written alone, staying detached
        seen.add(command.external_id)
        items.append(_Item(command, command.phone, customer.external_id if customer else None, row, run, now))
    return items


def _stored(conn: Connection, store_id: int, external_ids: list[str], lock: bool = False) -> Sequence[Row]:
    """The store's orders among `external_ids`, every column; `lock`: FOR UPDATE (PostgreSQL)."""
    params = {**list_params("external_id", external_ids), "store_id": store_id}
    return _stored_statement(width(len(external_ids)), lock).rows(conn, params)


@cache
def _stored_statement(size: int, lock: bool) -> PrecompiledStatement:
    """A store's orders among a list of `size` external id parameters, each with DETACHED:
    whether an erasure detached it (`rules.erased_records_stay_detached`); locked (the orders
    alone) in the order of their external ids (as the contacts before them:
    `contacts_in_bulk.attach_all`)."""
    noted = detached_records.c
    statement = (
        # Noted, or marked on the row as locked: an erasure may have committed meanwhile.
        select(
            orders_table, or_(noted.external_id.is_not(None), orders_table.c.detached_at.is_not(None)).label(DETACHED)
        )
        .outerjoin(
            detached_records,
            and_(
                noted.store_id == orders_table.c.store_id,
                noted.resource == RESOURCES[orders_table.name],
                noted.external_id == orders_table.c.external_id,
            ),
        )
        .where(
            orders_table.c.store_id == param(orders_table, "store_id"),
            in_list(orders_table.c.external_id, "external_id", size),
        )
    )
    if lock:
        statement = statement.order_by(orders_table.c.external_id).with_for_update(of=orders_table)
    return PrecompiledStatement(statement)


def _run(items: list[_Item], start: int) -> list[_Item]:
    """The items from `start` on that join the run of the first, up to the first that does not
    (another run or none), repeats a phone of the run, or names the customer id another phone
    of the run named."""
    run: list[_Item] = []
    phones: set[str] = set()
    customer_ids: set[str] = set()
    for item in items[start:]:
        if item.run is None or item.run is not items[start].run:
            break
        if item.phone.e164 in phones or item.customer_id in customer_ids:
            break
        run.append(item)
        phones.add(item.phone.e164)
        if item.customer_id is not None:
            customer_ids.add(item.customer_id)
    return run


def _standing(conn: Connection, store_id: int, run: list[_Item]) -> Standing:
    customer_ids = {item.customer_id for item in run if item.customer_id is not None}
    if not customer_ids:  # who holds which id is all the run needs to know
        return Standing(MappingProxyType({}), MappingProxyType({}), MappingProxyType({}))
    return Standing.read(conn, store_id, {item.phone.e164 for item in run}, customer_ids)


def _unblocked(run: list[_Item], standing: Standing) -> list[_Item]:
    """The run up to its first write whose customer id the contact of another of its phones holds."""
    phones = {item.phone.e164 for item in run}
    for position, item in enumerate(run):
        if standing.blocks(item.customer_id, item.phone.e164, phones):
            return run[:position]
    return run


def _attached(
    conn: Connection, store_id: int, run: list[_Item], standing: Standing, flag_in_upsert: bool
) -> dict[str, Row]:
    """The run's contacts by phone (E.164), each upserted as its order's single write upserts it."""
    params = [
        contact_params(store_id, item.command.customer, item.now, item.phone, item.command.phone_source) for item in run
    ]
    return attach_all(conn, standing, params, flag_in_upsert)


def _order_row(store_id: int, item: _Item, contact_id: int) -> dict[str, Any]:
    """The order row `item` writes, with `posted` as `tracking.write_tracked` adds it."""
    values = orders.order_values(store_id, item.command, contact_id, item.now)
    values["posted"] = {name: values[name] for name in orders.PATCHABLE}
    return values


@cache
def _insert(dialect: str, columns: tuple[str, ...], also: tuple[Any, ...]) -> MultiRowInsert:
    """`write_tracked`'s INSERT … ON CONFLICT DO NOTHING, returning each new row's id, its
    external id and `also`."""
    statement = insert_new(dialect, orders_table, ("store_id", "external_id"), columns).statement
    return MultiRowInsert(statement.returning(orders_table.c.id, orders_table.c.external_id, *also))  # type: ignore[attr-defined]


def _write_run(
    conn: Connection, store_id: int, run: list[_Item], standing: Standing, backfill: bool
) -> list[Written[Any] | DomainError]:
    dialect = conn.dialect.name
    flag_in_upsert = abandoned_cart_flag(dialect)
    contact_of = _attached(conn, store_id, run, standing, flag_in_upsert)
    rows = [_order_row(store_id, item, contact_of[item.phone.e164]["id"]) for item in run]
    statement = _insert(dialect, tuple(rows[0]), () if flag_in_upsert else (CART_TO_RECOVER,))
    inserted = {row["external_id"]: row for row in statement.rows(conn, rows)}
    summaries.orders_created(conn, [values for values in rows if values["external_id"] in inserted])
    pending: list[dict[str, Any]] = []
    policy: list[Any] = []  # the store's consent policy, read once for the run
    written: list[Written[Any] | DomainError] = []
    for item, values in zip(run, rows, strict=True):
        new = inserted.get(item.command.external_id)
        if new is None:
            # Stored meanwhile by a concurrent write (PostgreSQL; the INSERT skipped it): written
            # alone in its place, over that row, as its single write would be. Running the chunk
            # again instead lost the race again to each next single write, past its retries.
            written.append(orders._store_order(conn, store_id, item.command, item.now, backfill))
            continue
        outbox = events.Outbox(conn, store_id, item.now, backfill, _policy=policy, pending=pending)
        values.update(revision=1, id=new["id"])  # the row as written: bound already
        change = Change(before=None, after=values, created_also=new)
        orders.order_announced(outbox, change, contact_of[item.phone.e164], item.command)
        order = WrittenOrder(values, contact_of[item.phone.e164]["phone"])
        written.append(Written(order, created=True, automations=tuple(outbox.decisions)))
    events.append_all(conn, pending)
    return written


def _write_again(
    conn: Connection, store_id: int, run: list[_Item], standing: Standing, backfill: bool
) -> list[Written[Any]]:
    """A run of stored orders sent again, each written over its stored row as
    `orders._store_order` writes it (module docstring)."""
    dialect = conn.dialect.name
    contact_of = _attached(conn, store_id, run, standing, abandoned_cart_flag(dialect))
    if dialect != "sqlite":  # the contacts are locked: a cart seen now holds
        with_cart = abandoned_carts_of(conn, [contact["id"] for contact in contact_of.values()])
        contact_of = {phone: {**row, "has_abandoned_cart": row["id"] in with_cart} for phone, row in contact_of.items()}
    written: list[Written[Any]] = []
    for item in run:
        contact = contact_of[item.phone.e164]
        values = _order_row(store_id, item, contact["id"])
        # The row `_items` read is as it is (SQLite: one writer; PostgreSQL: locked), and was
        # found not stale against this write there.
        stored = item.stored
        assert stored is not None, "a run of orders sent again holds stored orders only"
        change = write_over(conn, orders_table, ("store_id", "external_id"), values, stored, patchable=orders.PATCHABLE)
        assert not change.stale, "`_items` checked the write against this very row"
        note_links_dropped(conn, store_id, change, item.customer_id, contact["id"])
        outbox = events.Outbox(conn, store_id, item.now, backfill)
        summaries.order_changed(conn, change.before, change.after)
        orders.order_announced(outbox, change, contact, item.command)
        order = WrittenOrder(dict(change.after), contact["phone"])
        written.append(Written(order, created=False, unchanged=change.unchanged, automations=tuple(outbox.decisions)))
    return written


@dataclass(frozen=True, slots=True)
class WrittenOrder(batches.Unbuilt):
    """An order a run wrote, as its `Written` holds it: REST's batch answers with the outcome
    and the automations alone (`batches.ItemResult`), so the `records.Order` is built only
    when asked (`built`: GraphQL's payloads select its fields). `row`: the order row as
    written; `contact_phone`: its contact's phone (E.164)."""

    row: dict[str, Any]
    contact_phone: str

    def built(self) -> records.Order:
        """The order record, as `upsert_order` answers it."""
        return records.of_row(records.Order, {**self.row, "contact_phone": self.contact_phone})


# Batches of orders (`app.services.batches`): each order written as `upsert_order` writes it,
# new ones together (`write_orders`).
BATCH = batches.Kind(OrderInput, orders._store_order, "orders", record_keys.order, chunk=write_orders, lock=contacts_of)


def _together(conn: Connection, writes: Sequence[Args]) -> list[Written[Any] | DomainError]:
    """Single order upserts a commit group holds one after the other (`app.db.together`), each
    `(store_id, command, now, backfill)`: written as a batch's chunk is, in runs of one store
    and one backfill flag, each at its own `now` (its rows' times, its consent's arrival); each
    outcome as `orders._store_order` gives it, its record built."""
    outcomes: list[Written[Any] | DomainError] = []
    start = 0
    while start < len(writes):
        store_id, _command, now, backfill = writes[start]
        end = start + 1
        while end < len(writes) and (writes[end][0], writes[end][3]) == (store_id, backfill):
            end += 1
        commands = [command for _store_id, command, _now, _backfill in writes[start:end]]
        nows = [now for _store_id, _command, now, _backfill in writes[start:end]]
        for outcome in write_orders(conn, BATCH, store_id, commands, now, backfill, nows):
            outcomes.append(batches.with_record(outcome) if isinstance(outcome, Written) else outcome)
        start = end
    return outcomes


# The single upsert's write, which a SQLite commit group runs together with the ones next to it.
STORE_ORDER = Together(orders._store_order, _together)


async def upsert_order(
    db: Database, store: Store, command: OrderInput, backfill: bool = False
) -> Written[records.Order]:
    """Create or replace the order `command.external_id` of `store` (SPEC §3, §3.1), merging its
    customer into the contact of the phone (§4.2) and recording its events (§6). Concurrent
    upserts may be written together (`STORE_ORDER`), each with its own outcome."""
    written: Written[records.Order] = await db.write(STORE_ORDER, store.id, command, utcnow(), backfill)
    statistics.noted(db, orders_table.name, written.created)
    return written


# The keys a PostgreSQL group takes before its writes run (key_locks, postgres.GroupedWrites).
key_locks.declare(STORE_ORDER, record_keys.of_write(record_keys.order))
