"""Batches of orders: a chunk's new orders written together, with one statement per table
for a run of them, each with exactly the outcome `orders.upsert_order` gives it alone.

A chunk (`app.services.batches`) is written in its order. Its orders the store does not have
yet, named once in the chunk and carrying no consent, are new orders that change nothing but
their contact: consecutive ones form a run (README "Batches"), written with
- one read of the contacts of the run's phones and of the customer ids it names
  (`contacts_in_bulk.Standing`);
- one contact upsert of every row (`contacts_in_bulk.attach_all`): the run's phones all differ;
- one INSERT of every order (ON CONFLICT DO NOTHING, as `tracking.write_tracked` inserts);
- the run's share of the order summaries, counted at once (`summaries.orders_created`);
- each order's events and cart recovery (`orders.order_announced`), the events held and then
  appended in their order in one INSERT (`events.append_all`).
Any other item (an order stored or named earlier in the chunk, a consent, the phone or the
customer id of an earlier item of the run, a customer id the contact of another phone of the
run holds) ends the run and is written alone, by `orders._store_order`, between runs: every
item comes after the ones before it, as one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, select

from app.db import summaries
from app.db.compiled import PrecompiledStatement
from app.db.in_lists import in_list, list_params, width
from app.db.multirow import MultiRowInsert
from app.db.statements import insert_new, param
from app.db.tables import orders as orders_table
from app.domain import records
from app.domain.commands import OrderInput
from app.domain.errors import DomainError
from app.domain.phone import Phone

from . import batches, events, orders
from .carts import CART_TO_RECOVER, abandoned_cart_flag
from .contacts import contact_params
from .contacts_in_bulk import Standing, attach_all
from .results import Written
from .tracking import Change

# A run of one is written alone: the run's own reads would cost more than they save.
SHORTEST_RUN = 2


class OrderWrittenMeanwhile(RuntimeError):
    """An order read as new was stored by a concurrent transaction before the run's INSERT
    (PostgreSQL): the chunk's transaction is run again (a serialization failure's SQLSTATE),
    which then writes that order alone, as an update."""

    sqlstate = "40001"


@dataclass(frozen=True, slots=True)
class _Item:
    """A command of the chunk, with what the run asks of it read once."""

    command: OrderInput
    phone: Phone
    customer_id: str | None  # the customer's external id
    new: bool  # a new order the run may take (`_new_orders`)


def write_orders(
    conn: Connection, kind: batches.Kind, store_id: int, commands: Sequence[OrderInput], now: datetime, backfill: bool
) -> list[Written[Any] | DomainError]:
    """The chunk `commands`, in order, in the transaction of `conn`: one outcome each, as
    `kind.work` (the single upsert's write) gives it."""
    outcomes: list[Written[Any] | DomainError] = []
    items = _items(conn, store_id, commands)
    position = 0
    while position < len(items):
        run = _run(items, position)
        standing = None
        if len(run) >= SHORTEST_RUN:
            standing = _standing(conn, store_id, run)
            run = _unblocked(run, standing)
        if standing is None or len(run) < SHORTEST_RUN:
            outcomes.append(kind.work(conn, store_id, commands[position], now, backfill))
            position += 1
            continue
        outcomes.extend(_write_run(conn, store_id, run, standing, now, backfill))
        position += len(run)
    return outcomes


def _items(conn: Connection, store_id: int, commands: Sequence[OrderInput]) -> list[_Item]:
    """The chunk's items; `new`: the order is not stored, not named before in the chunk, and
    carries no consent."""
    ids = list({command.external_id: None for command in commands})
    params = {**list_params("external_id", ids), "store_id": store_id}
    stored = {row["external_id"] for row in _stored(width(len(ids))).rows(conn, params)}
    seen: set[str] = set()
    items = []
    for command in commands:
        customer = command.customer
        consent = customer is not None and customer.whatsapp_consent is not None
        new = command.external_id not in stored and command.external_id not in seen and not consent
        seen.add(command.external_id)
        items.append(_Item(command, command.phone, customer.external_id if customer is not None else None, new))
    return items


@cache
def _stored(size: int) -> PrecompiledStatement:
    """The external ids of a store's orders among a list of `size` parameters."""
    return PrecompiledStatement(
        select(orders_table.c.external_id).where(
            orders_table.c.store_id == param(orders_table, "store_id"),
            in_list(orders_table.c.external_id, "external_id", size),
        )
    )


def _run(items: list[_Item], start: int) -> list[_Item]:
    """The new orders from `start` on, up to the first that is not new, repeats a phone of the
    run, or names the customer id another phone of the run named."""
    run: list[_Item] = []
    phones: set[str] = set()
    customer_ids: set[str] = set()
    for item in items[start:]:
        if not item.new or item.phone.e164 in phones or item.customer_id in customer_ids:
            break
        run.append(item)
        phones.add(item.phone.e164)
        if item.customer_id is not None:
            customer_ids.add(item.customer_id)
    return run


def _standing(conn: Connection, store_id: int, run: list[_Item]) -> Standing:
    customer_ids = {item.customer_id for item in run if item.customer_id is not None}
    if not customer_ids:  # who holds which id is all the run needs to know
        return Standing(MappingProxyType({}), MappingProxyType({}))
    return Standing.read(conn, store_id, {item.phone.e164 for item in run}, customer_ids)


def _unblocked(run: list[_Item], standing: Standing) -> list[_Item]:
    """The run up to its first write whose customer id the contact of another of its phones holds."""
    phones = {item.phone.e164 for item in run}
    for position, item in enumerate(run):
        if standing.blocks(item.customer_id, item.phone.e164, phones):
            return run[:position]
    return run


@cache
def _insert(dialect: str, columns: tuple[str, ...], also: tuple[Any, ...]) -> MultiRowInsert:
    """`write_tracked`'s INSERT … ON CONFLICT DO NOTHING, returning each new row's id, its
    external id and `also`."""
    statement = insert_new(dialect, orders_table, ("store_id", "external_id"), columns).statement
    return MultiRowInsert(statement.returning(orders_table.c.id, orders_table.c.external_id, *also))  # type: ignore[attr-defined]


def _write_run(
    conn: Connection, store_id: int, run: list[_Item], standing: Standing, now: datetime, backfill: bool
) -> list[Written[NewOrder]]:
    dialect = conn.dialect.name
    flag_in_upsert = abandoned_cart_flag(dialect)
    params = [
        contact_params(store_id, item.command.customer, now, item.phone, item.command.phone_source) for item in run
    ]
    contact_of = attach_all(conn, standing, params, flag_in_upsert)
    rows = []
    for item in run:
        values = orders.order_values(store_id, item.command, contact_of[item.phone.e164]["id"], now)
        values["posted"] = {name: values[name] for name in orders.PATCHABLE}  # as write_tracked adds it
        rows.append(values)
    statement = _insert(dialect, tuple(rows[0]), () if flag_in_upsert else (CART_TO_RECOVER,))
    inserted = {row["external_id"]: row for row in statement.rows(conn, rows)}
    if len(inserted) != len(rows):
        raise OrderWrittenMeanwhile(f"{len(rows) - len(inserted)} of the run's new orders were written meanwhile")
    summaries.orders_created(conn, rows)
    pending: list[dict[str, Any]] = []
    policy: list[Any] = []  # the store's consent policy, read once for the run
    written = []
    for item, values in zip(run, rows, strict=True):
        new = inserted[item.command.external_id]
        outbox = events.Outbox(conn, store_id, now, backfill, _policy=policy, pending=pending)
        values.update(revision=1, id=new["id"])  # the row as written: bound already
        change = Change(before=None, after=values, created_also=new)
        orders.order_announced(outbox, change, contact_of[item.phone.e164], item.command)
        order = NewOrder(new["id"], new["external_id"], values, contact_of[item.phone.e164]["phone"])
        written.append(Written(order, created=True, automations=tuple(outbox.decisions)))
    events.append_all(conn, pending)
    return written


@dataclass(frozen=True, slots=True)
class NewOrder(batches.Unbuilt):
    """An order a run created, as its `Written` holds it: REST's batch answers with the outcome
    and the automations alone (`batches.ItemResult`), so the `records.Order` is built only
    when asked (`built`: GraphQL's payloads select its fields). `row`: the order row as
    written; `contact_phone`: its contact's phone (E.164)."""

    id: int
    external_id: str
    row: dict[str, Any]
    contact_phone: str

    def built(self) -> records.Order:
        """The order record, as `orders.upsert_order` answers it."""
        return records.of_row(records.Order, {**self.row, "contact_phone": self.contact_phone})


# Batches of orders (`app.services.batches`): each order written as `upsert_order` writes it,
# new ones together (`write_orders`).
BATCH = batches.Kind(OrderInput, orders._store_order, chunk=write_orders)
