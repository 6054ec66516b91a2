"""Locks on the keys of records, stored or not: PostgreSQL's transaction-level advisory locks
(`pg_advisory_xact_lock`), taken sorted, in one statement, before any row lock.

A row lock (FOR UPDATE) can order rows already stored; a record not stored yet has no row to
lock, and two transactions inserting the same new records (a phone's contact, a customer id,
an order's id) meet at the unique indexes in the order of their items: in two orders, each
waits on the other, a deadlock, and each new attempt meets the same cycle again. A key lock is
taken on a name whether its row exists or not: transactions that take every key they may
insert or change first, in one order (the keys' numeric order), take turns where they share a
key and run at once where they share none.

A key is 64 bits of BLAKE2b over (kind, store, name): two names of one key (one chance in 2^64
per pair) only take turns needlessly. Locks end with the transaction (COMMIT or ROLLBACK). Each
key is an entry of PostgreSQL's lock table (`max_locks_per_transaction` × connections, shared by
the server: about 7,800 entries by default), so a transaction takes a few hundred at most
(`app.services.batches.CHUNK` items, three keys each). SQLite has one writer: nothing to take.

Single writes declare their keys (`declare`): a PostgreSQL group commit takes the keys of all
its writes before the first runs, and a write run again after a conflict takes its own first
(`app.db.postgres`), so that writes sharing a record take turns there too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import BigInteger

# The keys in the order given (unnest keeps the array's order; the aggregate takes each row as
# unnest yields it), one round trip for them all.
_LOCK = text("SELECT count(pg_advisory_xact_lock(key)) FROM unnest(:keys) AS key").bindparams(
    bindparam("keys", type_=ARRAY(BigInteger))
)


def key(kind: str, store_id: int, name: str) -> int:
    """The lock key (a signed 64-bit integer, as PostgreSQL's bigint) of the record `name` of
    `kind` ("order", "phone", "customer", …) in the store `store_id`."""
    digest = hashlib.blake2b(f"{kind}\x00{store_id}\x00{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock(conn: Connection, keys: Iterable[int]) -> None:
    """Take the locks of `keys` (from `key`) until the transaction of `conn` ends, in the keys'
    numeric order, waiting for any a concurrent transaction holds. PostgreSQL only: on SQLite,
    nothing (one writer). Raises the driver's error when the server's lock table is full
    (SQLSTATE 53200, retried as a conflict: `app.db.postgres`)."""
    if conn.dialect.name != "postgresql":
        return
    ordered = sorted(set(keys))
    if ordered:
        conn.execute(_LOCK, {"keys": ordered})


# Write works (`Database.write`'s `work(conn, *args)`) whose keys are known from their
# arguments before they run: `keys(*args)`.
_DECLARED: dict[Callable[..., Any], Callable[..., Iterable[int]]] = {}


def declare(work: Callable[..., Any], keys: Callable[..., Iterable[int]]) -> None:
    """`keys(*args)` yields the keys (from `key`) of the records `work(conn, *args)` may insert
    or change: those two writes sharing a record would both lock."""
    _DECLARED[work] = keys


def keys_of(work: Callable[..., Any], args: tuple[Any, ...]) -> list[int]:
    """The keys the write `work(conn, *args)` declared (`declare`); none when it declared none."""
    keys = _DECLARED.get(work)
    return [] if keys is None else list(keys(*args))
