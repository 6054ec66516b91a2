"""Writes that know what they changed: the row before, the row after, created or not.

Events need the before-state, which `INSERT … ON CONFLICT DO UPDATE … RETURNING` cannot give.
So: INSERT … ON CONFLICT DO NOTHING (a row back means created); otherwise lock the existing
row (FOR UPDATE on PostgreSQL), read it, and UPDATE it. Race-free on both engines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, select, update

from app.db.compiled import Row
from app.db.statements import insert_new
from app.domain.rules.replay_keeps_patch import kept_by_replay


@dataclass(frozen=True)
class Change:
    before: Row | None  # None: the row was created
    after: Row

    @property
    def created(self) -> bool:
        return self.before is None

    def changed(self, column: str) -> bool:
        return self.before is not None and self.before[column] != self.after[column]

    def previous(self, column: str) -> Any:
        """The column's value before an update; a created row has none (LookupError)."""
        if self.before is None:
            raise LookupError(f"{column}: the row was created")
        return self.before[column]


def write_tracked(
    conn: Connection,
    table: Table,
    key: tuple[str, ...],
    values: dict[str, Any],
    insert_only: tuple[str, ...] = (),
    patchable: tuple[str, ...] = (),
) -> Change:
    """Insert the row `values` keyed by `key`, or update the existing one (`insert_only` columns
    keep their stored value). `patchable` fields (those a PATCH may change) follow the rule
    `app.domain.rules.replay_keeps_patch`: what the last POST carried is kept in `posted`."""
    if patchable:
        values = {**values, "posted": {name: values[name] for name in patchable}}
    # Created: every value is already known (revision 1) but the id.
    new_id = insert_new(conn.dialect.name, table, key, tuple(values)).inserted_id(conn, values)
    if new_id is not None:
        return Change(before=None, after={**values, "revision": 1, "id": new_id})
    where = [table.c[name] == values[name] for name in key]
    before: Row = conn.execute(select(table).where(*where).with_for_update()).mappings().one()
    if patchable:
        values.update(kept_by_replay(before["posted"], values["posted"], before))
    fixed = (*key, *insert_only, "created_at")
    changes = {name: value for name, value in values.items() if name not in fixed}
    changes["revision"] = table.c.revision + 1
    after = conn.execute(update(table).where(table.c.id == before["id"]).values(changes).returning(*table.c))
    return Change(before=before, after=after.mappings().one())
