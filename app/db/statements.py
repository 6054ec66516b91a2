"""Upsert statements built once per dialect and table, executed with bound parameters.

`revision` starts at 1 and grows on every update, so `RETURNING revision` tells an insert
from an update atomically, even when concurrent requests race on the same natural key.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def _params(table: Table, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: bindparam(name, type_=table.c[name].type) for name in names}


@cache
def upsert(
    dialect: str,
    table: Table,
    key: tuple[str, ...],
    replace: tuple[str, ...],
    merge: tuple[str, ...] = (),
    insert_only: tuple[str, ...] = (),
) -> Insert:
    """INSERT … ON CONFLICT (key) DO UPDATE: `replace` columns take the new value, `merge`
    columns take it only when it is not null, `insert_only` columns keep their first value.
    RETURNING every column."""
    values = _params(table, key + replace + merge + insert_only + ("created_at",))
    values["revision"] = 1
    statement = _INSERTS[dialect](table).values(values)
    new = statement.excluded
    changes: dict[str, Any] = {name: new[name] for name in replace}
    changes.update({name: func.coalesce(new[name], table.c[name]) for name in merge})
    changes["revision"] = table.c.revision + 1
    return statement.on_conflict_do_update(index_elements=list(key), set_=changes).returning(*table.c)
