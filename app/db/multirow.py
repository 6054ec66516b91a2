"""An INSERT of one row, run for many rows in one statement (`VALUES (…), (…), …`).

A batch writes a chunk's new records with a statement per table instead of one per record:
on PostgreSQL a round trip each, on SQLite the per-statement work of both SQLite and Python.
The statement is written for one row whose VALUES are plain parameters (no subquery); it is
compiled once per dialect (`compiled._compile`: SQL text, parameter order, conversions) and
its VALUES group repeated for the rows, the parameters renumbered on PostgreSQL ($n). The
other parameters (in ON CONFLICT … DO UPDATE, RETURNING) take their compiled defaults.
Run on the DBAPI cursor as `compiled.PrecompiledStatement` runs, inside the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.dml import Insert

from .compiled import Row, _compile, _Compiled, _on_the_cursor, announced, bound, read_rows
from .types import dumps, json_text

_DOLLAR = re.compile(r"\$(\d+)")
# Both engines take 32,766 parameters at least; a statement's rows stay under.
MAX_PARAMETERS = 30_000


@dataclass(frozen=True, eq=False)  # hashed by identity: `_sql`'s cache key
class _Shape:
    compiled: _Compiled
    head: str  # up to VALUES
    group: str  # one row's "(…)"
    tail: str  # after the rows
    width: int  # parameters per row
    numbered: bool  # $n parameters (PostgreSQL), else ? (SQLite)
    readers: tuple[Callable[[Mapping[str, Any]], Any], ...]  # each row parameter's, by name (KeyError: absent)

    def sql(self, rows: int) -> str:
        return _sql(self, rows)


# A batch's statements come in few sizes (a full chunk's, and the rest): renumbering the
# parameters of 200 rows for each ran a regular expression 200 times, 11% of a PostgreSQL
# batch's CPU. A text is at most a few hundred KB (MAX_PARAMETERS): 64 of them stay small.
@lru_cache(maxsize=64)
def _sql(shape: _Shape, rows: int) -> str:
    """The statement's text for `rows` rows."""
    if not shape.numbered:
        return shape.head + ", ".join([shape.group] * rows) + shape.tail
    groups = [_renumbered(shape.group, row * shape.width) for row in range(rows)]
    return shape.head + ", ".join(groups) + _renumbered(shape.tail, (rows - 1) * shape.width)


def _row_values(shape: _Shape, values: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The rows' parameters, one row after the other, converted for the database, each by
    name else its compiled default. Filled column by column (a conversion runs over its
    column's slice: no Python loop per row and parameter) when the rows name the same
    parameters, as a statement's rows built by one function do; else row by row."""
    row_binds = shape.compiled.binds[: shape.width]
    first, width, count = values[0], shape.width, len(values)
    flat: list[Any] = [None] * (count * width)
    try:
        for position, ((name, default, convert), read) in enumerate(zip(row_binds, shape.readers, strict=True)):
            if name in first:
                column: Any = map(read, values)  # KeyError: a row lacks it
                flat[position::width] = column if convert is None else map(convert, column)
            elif any(name in row for row in values):
                raise KeyError(name)
            else:
                flat[position::width] = [default if convert is None else convert(default)] * count
    except KeyError:
        return [value for params in values for value in bound(row_binds, params)]
    return flat


def _renumbered(text: str, by: int) -> str:
    return _DOLLAR.sub(lambda match: f"${int(match[1]) + by}", text) if by else text


class MultiRowInsert:
    """`MultiRowInsert(insert).rows(conn, [values, …])`: the RETURNING rows (dicts, in no
    promised order: match them by a key) of one INSERT of every row, in statements of at most
    `MAX_PARAMETERS` parameters. Raises ValueError when the statement's VALUES are not plain
    parameters; on engines other than SQLite and asyncpg, runs one statement per row through
    SQLAlchemy."""

    def __init__(self, statement: Insert):
        self.statement = statement
        self._shape: _Shape | None = None
        self._dialect: Dialect | None = None

    def rows(self, conn: Connection, values: Sequence[Mapping[str, Any]]) -> list[Row]:
        if not values:
            return []
        if not _on_the_cursor(conn.dialect):
            return [dict(row) for params in values for row in conn.execute(self.statement, params).mappings()]
        shape = self._shaped(conn.dialect)
        page = max(1, MAX_PARAMETERS // shape.width)
        found: list[Row] = []
        for start in range(0, len(values), page):
            found.extend(self._run(conn, shape, values[start : start + page]))
        return found

    def _run(self, conn: Connection, shape: _Shape, values: Sequence[Mapping[str, Any]]) -> Sequence[Row]:
        compiled = shape.compiled
        flat = _row_values(shape, values)
        flat += bound(compiled.binds[shape.width :], {})  # ON CONFLICT, RETURNING: their compiled defaults
        sql = shape.sql(len(values))
        cursor = announced(conn, sql, flat)
        cursor.execute(sql, flat)
        return read_rows(compiled, cursor)

    def _shaped(self, dialect: Dialect) -> _Shape:
        if self._shape is None or self._dialect is not dialect:
            self._shape = _shape(_direct_json(_compile(self.statement, dialect), self.statement, dialect))
            self._dialect = dialect
        return self._shape


def _direct_json(compiled: _Compiled, statement: Insert, dialect: Dialect) -> _Compiled:
    """`compiled` with the JSON columns' conversions `types.json_text` (same texts, fewer calls)."""
    if getattr(dialect, "_json_serializer", None) is not dumps:
        return compiled
    typed = statement.compile(dialect=dialect).binds
    binds = tuple(
        (name, default, json_text(convert) if convert and _plain_json(typed[name].type, dialect) else convert)
        for name, default, convert in compiled.binds
    )
    return replace(compiled, binds=binds)


def _plain_json(type_: Any, dialect: Dialect) -> bool:
    """A JSON type whose conversion is the serializer's text alone, None as NULL."""
    if not isinstance(type_, JSON) or not type_.none_as_null:
        return False
    return type_.dialect_impl(dialect)._str_impl.bind_processor(dialect) is None  # type: ignore[attr-defined]


def _shape(compiled: _Compiled) -> _Shape:
    sql = compiled.sql
    start = sql.find(" VALUES (")
    if start < 0:
        raise ValueError("a multi-row INSERT needs a VALUES clause")
    start += len(" VALUES ")
    depth, end = 0, start
    for end in range(start, len(sql)):
        depth += {"(": 1, ")": -1}.get(sql[end], 0)
        if depth == 0:
            break
    head, group, tail = sql[:start], sql[start : end + 1], sql[end + 1 :]
    if "SELECT" in group.upper():
        raise ValueError("a multi-row INSERT's VALUES must be plain parameters")
    numbered = "$" in group
    width = len(_DOLLAR.findall(group)) if numbered else group.count("?")
    if ("?" in head) or _DOLLAR.search(head):
        raise ValueError("a multi-row INSERT takes no parameter before its VALUES")
    readers = tuple(itemgetter(name) for name, _, _ in compiled.binds[:width])
    return _Shape(compiled, head, group, tail, width, numbered, readers)
