"""Writes that know what they changed: the row before, the row after, created or not.

Events need the before-state, which `INSERT … ON CONFLICT DO UPDATE … RETURNING` cannot give.
So: INSERT … ON CONFLICT DO NOTHING (a row back means created); otherwise lock the existing
row (FOR UPDATE on PostgreSQL), read it, and UPDATE it. Race-free on both engines.

The read row also settles, without another statement, whether the write is stale (its source
`updated_at` older than the stored one: nothing written) and whether it changes anything (a
replay that changes nothing writes nothing, so our own `updated_at` stays)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select, update

from app.db.compiled import Row
from app.db.statements import insert_new
from app.domain.rules.replay_keeps_patch import kept_by_replay, same_json
from app.domain.rules.stale_writes import Arrival, arrival, source_time_after

# Columns a write sets that are bookkeeping, not content: they alone make no change.
_BOOKKEEPING = frozenset({"updated_at", "revision"})

# Given the stored row, the values to write and how the write's source time compares: the
# values to keep from the stored row instead (a rule's say, e.g. a shipment's final status).
Keep = Callable[[Row, Mapping[str, Any], Arrival], dict[str, Any]]


@dataclass(slots=True)  # not frozen: one per write, and a frozen one costs thrice to make
class Change:
    before: Row | None  # None: the row was created
    after: Row
    stale: bool = False  # the write was older than the stored row: nothing was written
    # What the INSERT also returned when it created the row (write_tracked's `created_also`).
    created_also: Row | None = None

    @property
    def created(self) -> bool:
        return self.before is None

    @property
    def unchanged(self) -> bool:
        """An existing row left as it was: `updated` hands back the stored row itself."""
        return self.before is not None and not self.stale and self.after is self.before

    def changed(self, column: str) -> bool:
        return self.before is not None and self.before[column] != self.after[column]

    def previous(self, column: str) -> Any:
        """The column's value before an update; a created row has none (LookupError)."""
        if self.before is None:
            raise LookupError(f"{column}: the row was created")
        return self.before[column]


# Inserts tried while another transaction keeps deleting the row in between (each try needs a
# delete committed meanwhile: more than a few means something deletes it on a loop).
_ATTEMPTS = 5


def write_tracked(
    conn: Connection,
    table: Table,
    key: tuple[str, ...],
    values: dict[str, Any],
    insert_only: tuple[str, ...] = (),
    patchable: tuple[str, ...] = (),
    keep: Keep | None = None,
    created_also: tuple[Any, ...] = (),
) -> Change:
    """Insert the row `values` keyed by `key`, or update the existing one (`insert_only` columns
    keep their stored value). `values["source_updated_at"]` is the write's source time (None:
    undated); a write older than the stored one is stale (`rules.stale_writes`): the stored
    row back, nothing written. `patchable` fields (those a PATCH may change) follow the rule
    `app.domain.rules.replay_keeps_patch`: what the last POST carried is kept in `posted`.
    `keep` names further values to keep from the stored row. `created_also`: labelled
    expressions the INSERT evaluates on the row it creates, in the same statement
    (PrecompiledStatement.inserted_row: not on SQLite), found in `Change.created_also`."""
    if patchable:
        values = {**values, "posted": {name: values[name] for name in patchable}}
    where = [table.c[name] == values[name] for name in key]
    insert = insert_new(conn.dialect.name, table, key, tuple(values))
    for _attempt in range(_ATTEMPTS):
        # Created: every value is already known (revision 1) but the id.
        new = insert.inserted_row(conn, values, created_also)
        if new is not None:
            return Change(before=None, after={**values, "revision": 1, "id": new["id"]}, created_also=new)
        before = conn.execute(select(table).where(*where).with_for_update()).mappings().one_or_none()
        if before is not None:
            return write_over(conn, table, key, values, before, insert_only, patchable, keep)
        # PostgreSQL: the row the INSERT met was deleted (an erasure) and committed before the
        # read locked it: this write comes after the erasure, and creates the row again.
    raise LookupError(f"{table.name}: the row was deleted {_ATTEMPTS} times between its insert and its read")


def write_over(
    conn: Connection,
    table: Table,
    key: tuple[str, ...],
    values: dict[str, Any],
    before: Row,
    insert_only: tuple[str, ...] = (),
    patchable: tuple[str, ...] = (),
    keep: Keep | None = None,
) -> Change:
    """`write_tracked`'s write of `values` over the stored row `before`, read locked in this
    transaction (FOR UPDATE on PostgreSQL): stale, unchanged (no statement) or updated. With
    `patchable`, `values["posted"]` is what this write carries of those fields."""
    sent = values["source_updated_at"]
    came = arrival(before["source_updated_at"], sent)
    if came is Arrival.STALE:
        return Change(before=before, after=before, stale=True)
    values["source_updated_at"] = source_time_after(before["source_updated_at"], sent)
    if patchable:
        values.update(kept_by_replay(before["posted"], values["posted"], before))
    if keep is not None:
        values.update(keep(before, values, came))
    fixed = (*key, *insert_only, "created_at")
    changes = {name: value for name, value in values.items() if name not in fixed}
    return Change(before=before, after=updated(conn, table, before, changes))


def updated(conn: Connection, table: Table, before: Row, changes: dict[str, Any]) -> Row:
    """The row `before` after UPDATE with `changes` (revision + 1); when they change nothing but
    bookkeeping (a replay), no UPDATE: the row stays as it is, our `updated_at` with it."""
    if all(_same(before[name], value) for name, value in changes.items() if name not in _BOOKKEEPING):
        return before
    changes["revision"] = table.c.revision + 1
    statement = update(table).where(table.c.id == before["id"]).values(changes).returning(*table.c)
    after: Row = conn.execute(statement).mappings().one()
    return after


def _same(stored: Any, written: Any) -> bool:
    """Whether writing `written` over `stored` changes nothing: JSON values compared as JSON
    (`same_json`: `false` is not `0`), booleans as booleans, the rest with == (times as
    instants, amounts as numbers, statuses as strings)."""
    if isinstance(written, (dict, list)) or isinstance(stored, (dict, list)):
        return same_json(stored, written)
    if isinstance(stored, bool) or isinstance(written, bool):
        return stored is written
    return bool(stored == written)


def stale_row(conn: Connection, table: Table, store_id: int, external_id: str, sent: datetime | None) -> Row | None:
    """The stored row `external_id` of the store when a write with source time `sent` is stale
    against it, else None. Asked before a write touches other rows (the contact an order's
    customer merges into): a stale write must not. Undated writes are never stale: no query."""
    if sent is None:
        return None
    row = stored_row(conn, table, store_id, external_id)
    if row is None or arrival(row["source_updated_at"], sent) is not Arrival.STALE:
        return None
    return row


def stored_row(conn: Connection, table: Table, store_id: int, external_id: str) -> Row | None:
    """The stored row `external_id` of the store in `table` (every column), or None."""
    where = (table.c.store_id == store_id, table.c.external_id == external_id)
    row: Row | None = conn.execute(select(table).where(*where)).mappings().first()
    return row
