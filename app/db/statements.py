"""Upsert statements built once per dialect and table, executed with bound parameters.

`revision` starts at 1 and grows on every update, so `RETURNING revision` tells an insert
from an update atomically, even when concurrent requests race on the same natural key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from .compiled import PrecompiledStatement

# Both dialects' INSERT has the ON CONFLICT clauses (and `excluded`) with the same arguments.
_INSERTS: dict[str, Callable[[Table], sqlite.Insert | postgresql.Insert]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}
DIALECTS = tuple(_INSERTS)  # the engines statements are built for


def insert_for(dialect: str, table: Table) -> sqlite.Insert | postgresql.Insert:
    """`dialect`'s INSERT into `table`: the one with ON CONFLICT clauses."""
    return _INSERTS[dialect](table)


def param(table: Table, name: str) -> Any:
    return bindparam(name, type_=table.c[name].type)


def build_upsert(
    dialect: str,
    table: Table,
    key: tuple[str, ...],
    replace: tuple[str, ...],
    merge: tuple[str, ...] = (),
    insert_only: tuple[str, ...] = (),
    computed: Mapping[str, tuple[ColumnElement[Any], Callable[[Any], ColumnElement[Any]]]] = {},
    returning: tuple[str, ...] | None = None,
    only_if: ColumnElement[bool] | None = None,
) -> Insert:
    """INSERT … ON CONFLICT (key) DO UPDATE: `replace` columns take the new value, `merge`
    columns take it only when it is not null, `insert_only` columns keep their first value,
    `computed` columns take (value on insert, f(excluded) on update). RETURNING `returning`
    (every column by default). With `only_if`, INSERT … SELECT … WHERE `only_if`: when it is
    false nothing is inserted nor updated, and no row is returned."""
    values: dict[str, Any] = {name: param(table, name) for name in key + replace + merge + insert_only}
    values["created_at"] = param(table, "created_at")
    values["revision"] = 1
    values.update({name: on_insert for name, (on_insert, _) in computed.items()})
    insert = _INSERTS[dialect](table)
    if only_if is None:
        statement = insert.values(values)
    else:  # no row selected, no conflict: ON CONFLICT's update cannot run either
        selected = select(*(value if isinstance(value, ColumnElement) else literal(value) for value in values.values()))
        statement = insert.from_select(list(values), selected.where(only_if))
    new = statement.excluded
    changes: dict[str, Any] = {name: new[name] for name in replace}
    changes.update({name: func.coalesce(new[name], table.c[name]) for name in merge})
    changes.update({name: on_update(new) for name, (_, on_update) in computed.items()})
    changes["revision"] = table.c.revision + 1
    columns = table.c if returning is None else [table.c[name] for name in returning]
    return statement.on_conflict_do_update(index_elements=list(key), set_=changes).returning(*columns)


@cache
def upsert(
    dialect: str,
    table: Table,
    key: tuple[str, ...],
    replace: tuple[str, ...],
    merge: tuple[str, ...] = (),
    insert_only: tuple[str, ...] = (),
    returning: tuple[str, ...] | None = None,
) -> Insert:
    return build_upsert(dialect, table, key, replace, merge, insert_only, returning=returning)


@cache
def insert_new(dialect: str, table: Table, key: tuple[str, ...], columns: tuple[str, ...]) -> PrecompiledStatement:
    """INSERT … ON CONFLICT (key) DO NOTHING, run with `PrecompiledStatement.inserted_id` (or
    `inserted_row`): an id back means
    created. On PostgreSQL a concurrent insert of the same key makes this wait for its commit."""
    values: dict[str, Any] = {name: param(table, name) for name in columns}
    values["revision"] = 1
    statement = _INSERTS[dialect](table).values(values)
    return PrecompiledStatement(statement.on_conflict_do_nothing(index_elements=list(key)))
