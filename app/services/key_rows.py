"""The rows authorisation reads (a key, and the store it asks for), kept between requests.

On SQLite every request would otherwise read them again. A kept row stays good while keys
and stores are unchanged: this process changes them only through services/keys.py and
services/stores.py, which call `forget`; any other connection that commits (the CLI,
another server process) changes the database's data_version, which empties the lot before
the next lookup. PostgreSQL has no such number: there every request reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any
from weakref import WeakKeyDictionary

from app.db.database import Database

_LIMIT = 10_000  # distinct (key, store) pairs kept per database before starting afresh


class _Kept:
    def __init__(self, version: int):
        self.version = version
        self.rows: dict[Hashable, Any] = {}


_kept: WeakKeyDictionary[Database, _Kept] = WeakKeyDictionary()


async def read_through(db: Database, key: Hashable, load: Callable[[], Awaitable[Any | None]]) -> Any | None:
    """The row kept for `key`, else `await load()` (kept when it found one). The version is
    read before the row: a change committed after it is seen by the next lookup."""
    version = db.data_version()
    if version is None:
        return await load()
    kept = _kept.get(db)
    if kept is None or kept.version != version:
        kept = _kept[db] = _Kept(version)
    elif key in kept.rows:
        return kept.rows[key]
    row = await load()
    if row is not None:
        if len(kept.rows) >= _LIMIT:
            kept.rows.clear()
        kept.rows[key] = row
    return row


def forget(db: Database) -> None:
    """Keys or stores changed in this process: read them afresh."""
    _kept.pop(db, None)
