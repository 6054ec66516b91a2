"""Rows kept between requests, forgotten whenever the tables they come from change.

The `Database` owns them (`Database.auth_rows`: the key and store rows authorisation reads)
and is their one invalidation path, whoever writes:

- this process: on SQLite, triggers on the write connection (TEMP: that connection's own)
  call `forget` on every INSERT, UPDATE or DELETE of the kept tables, from any statement of
  any module, raw SQL included; nothing a new writer must remember;
- any other connection (the CLI, another server process): its commit changes SQLite's
  `data_version`, read at most once per turn of the event loop; a new version forgets all.

On PostgreSQL a trigger on the kept tables replaces the rows' version (`kept_versions`,
migration 0009) in every transaction that changes them, whoever writes; it is read at most
once per turn of the event loop (postgres.KeptVersions), and a new version forgets all.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

Version = int | None


class KeptRows:
    """Rows of `tables` by key, kept while the version `version()` reports (or awaits) stays
    the same and nothing calls `forget`; `version()` None means "keep nothing". At most `limit` keys
    are kept: past that, all are dropped and keeping starts afresh."""

    def __init__(
        self,
        name: str,
        tables: tuple[str, ...],
        version: Callable[[], Version | Awaitable[Version]],
        limit: int = 10_000,
    ) -> None:
        self.name = name  # names the SQL function and triggers that call `forget`
        self.tables = tables
        self._version_now = version
        self._limit = limit
        self._version: int | None = None
        self._rows: dict[Hashable, Any] = {}

    async def read_through(self, key: Hashable, load: Callable[[], Awaitable[Any | None]]) -> Any | None:
        """The row kept for `key`, else `await load()` (kept when it found one). The version is
        read before the row, so a change committed after it is seen by the next lookup."""
        version = self._version_now()
        if version.__class__ is not int and inspect.isawaitable(version):  # SQLite's: an int, no ABC check
            version = await version
        if version is None:
            return await load()
        if version != self._version:
            self._rows, self._version = {}, version
        rows = self._rows
        if key in rows:
            return rows[key]
        row = await load()
        # Into the dict the row was looked up in: were it forgotten meanwhile, the row goes
        # with the dropped dict.
        if row is not None:
            if len(rows) >= self._limit:
                rows.clear()
            rows[key] = row
        return row

    def forget(self) -> None:
        """A kept table changed: read afresh from now on."""
        self._rows = {}
