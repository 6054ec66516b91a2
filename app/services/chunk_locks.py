"""The order in which a batch's chunk takes its row locks on PostgreSQL (`batches.Kind.lock`).

Each item's write locks the rows it changes as it comes to them, in the items' order: two
concurrent batches of the same records in different orders (a shop's retries, two imports of
one history) then wait on each other in a cycle, which PostgreSQL breaks after a second by
failing one, re-run from the start (`app.db.postgres`), until the last attempt gave up. A
chunk therefore locks, before any item's write, the stored rows its items will lock, each
table's in the order of its key and the tables in the order a single write takes them: then
every transaction takes them in one order, and they take turns. Rows not stored yet have no
lock to take: two first writes of one key meet at its unique index and the second runs again.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, or_, select

from app.db.compiled import PrecompiledStatement
from app.db.in_lists import in_list, list_params, width
from app.db.statements import param
from app.db.tables import contacts, customers

from .batches import ChunkLock


def _lock(conn: Connection, table: Table, column: str, store_id: int, keys: Sequence[str]) -> None:
    """The store's rows of `table` whose `column` is among `keys`, locked in that column's order."""
    if keys:
        params = {**list_params(column, keys), "store_id": store_id}
        _lock_statement(table, column, width(len(keys))).rows(conn, params)


@cache
def _lock_statement(table: Table, column: str, size: int) -> PrecompiledStatement:
    """`_lock`'s SELECT … FOR UPDATE for a list of `size` keys, compiled once: compiling the
    IN list of a chunk's keys for each chunk cost more than the statement."""
    key = table.c[column]
    statement = select(table.c.id).where(table.c.store_id == param(table, "store_id"), in_list(key, column, size))
    return PrecompiledStatement(statement.order_by(key).with_for_update())


def _phones(commands: Sequence[Any]) -> list[str]:
    return sorted({command.phone.e164 for command in commands})


def _external_ids(commands: Sequence[Any]) -> list[str]:
    return sorted({command.external_id for command in commands if command.external_id is not None})


def contacts_of(conn: Connection, store_id: int, commands: Sequence[Any]) -> None:
    """Orders: the contacts of the phones alone; the chunk's write locks its orders next, as it
    reads them (`order_batches.write_orders`), in one statement instead of two."""
    _lock(conn, contacts, "phone", store_id, _phones(commands))


def contacts_then(table: Table) -> ChunkLock:
    """Carts: a single write upserts the contact of the phone, then its record."""

    def lock(conn: Connection, store_id: int, commands: Sequence[Any]) -> None:
        _lock(conn, contacts, "phone", store_id, _phones(commands))
        _lock(conn, table, "external_id", store_id, _external_ids(commands))

    return lock


def customers_then_contacts(conn: Connection, store_id: int, commands: Sequence[Any]) -> None:
    """Customers: a single write locks its customer record first (`customers._locked_record`),
    then the contact of the phone, and takes the id from the contact holding it
    (`customers._take_external_id`): those contacts too, in the one order of their phones. A
    chunk giving U1 the phone of U2's contact, beside one giving U2 the phone of U1's, shares
    no key with it (`record_keys.customer`) yet changes its contacts: each locked one contact
    and waited on the other, and such batches deadlocked at every attempt."""
    external_ids = _external_ids(commands)
    _lock(conn, customers, "external_id", store_id, external_ids)
    phones = _phones(commands)
    if external_ids:
        params = {**list_params("phone", phones), **list_params("external_id", external_ids), "store_id": store_id}
        _contacts_and_holders(width(len(phones)), width(len(external_ids))).rows(conn, params)
    else:
        _lock(conn, contacts, "phone", store_id, phones)


@cache
def _contacts_and_holders(phones: int, external_ids: int) -> PrecompiledStatement:
    """The store's contacts of a list of `phones` phones and those holding one of a list of
    `external_ids` customer ids, locked in the order of their phones, compiled once per size."""
    phone_in = in_list(contacts.c.phone, "phone", phones)
    holds = in_list(contacts.c.external_id, "external_id", external_ids)
    statement = select(contacts.c.id).where(contacts.c.store_id == param(contacts, "store_id"), or_(phone_in, holds))
    return PrecompiledStatement(statement.order_by(contacts.c.phone).with_for_update())
