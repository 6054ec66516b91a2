"""Hot statements compiled once by SQLAlchemy and run straight on the DBAPI cursor (SQLite, asyncpg).

Not server-side prepared statements: SQLite's own statement cache (in the sqlite3 module)
already reuses the parsed SQL, and on PostgreSQL SQLAlchemy's asyncpg adapter keeps its
prepared statements per connection. What this saves is SQLAlchemy's Python work per execution.
SQLAlchemy Core spends about 20 µs of Python on each statement it executes (cache lookup,
parameter construction, result set-up); SQLite itself needs 5-20 µs for ours. The ingest
path runs three to five statements per order, so for those few statements we keep what
SQLAlchemy compiled — the SQL text, the order of the parameters, the type conversions in
both directions — and replay it on the connection's own DBAPI cursor, inside the same
transaction: SQLite's, and on PostgreSQL SQLAlchemy's asyncpg adapter cursor (the same
conversions SQLAlchemy applies; a database error then comes as the adapter's DBAPI error,
with its `sqlstate`, not wrapped in SQLAlchemy's `DBAPIError`). Other engines go through
SQLAlchemy as usual.

No public SQLAlchemy API gives that speed (`exec_driver_sql` still costs about twice as
much), so `_compile` reads three of SQLAlchemy's private attributes, named in
`SQLALCHEMY_INTERNALS`. pyproject.toml pins SQLAlchemy to the minor version this was tested
with, and tests/db/test_compiled.py fails with a clear message when one of them is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy
from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable

# A row by column name: a dict (on the cursor) or SQLAlchemy's RowMapping (whose keys may also be columns).
Row = Mapping[Any, Any]
_log = logging.getLogger("sqlalchemy.engine.Engine")
Converter = Callable[[Any], Any] | None


def _on_the_cursor(dialect: Dialect) -> bool:
    """Whether statements run on the DBAPI cursor: SQLite (qmark) and asyncpg ($1), whose
    compiled statements take positional parameters. Others go through SQLAlchemy."""
    return dialect.name == "sqlite" or (dialect.name, dialect.driver) == ("postgresql", "asyncpg")


# The private SQLAlchemy attributes `_compile` reads: (what has it, attribute).
SQLALCHEMY_INTERNALS = (
    ("SQLCompiler", "_bind_processors"),  # {bind name: to-the-database conversion}
    ("SQLCompiler", "_result_columns"),  # [entry with .keyname and .type], in column order
    ("TypeEngine", "_cached_result_processor"),  # (dialect, coltype) -> from-the-database conversion
)


class SqlalchemyInternalsMissing(RuntimeError):
    """The installed SQLAlchemy lacks an attribute `_compile` reads (see SQLALCHEMY_INTERNALS)."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    binds: tuple[tuple[str, Any, Converter], ...]  # (name, default, to the database)
    columns: tuple[str, ...]
    readers: tuple[tuple[str, Callable[[Any], Any]], ...]  # (column, from the database)
    # `binds` split for `_execute`, which runs for every statement: (name, default) in order,
    # then (position, conversion) for the parameters that have one (most have none).
    parameters: tuple[tuple[str, Any], ...] = ()
    conversions: tuple[tuple[int, Callable[[Any], Any]], ...] = ()


class PrecompiledStatement:
    """`PrecompiledStatement(statement).rows(conn, params)`: the rows as dicts (SQLite,
    asyncpg) or mappings (other drivers), exactly as SQLAlchemy would return them.

    Compiled on first use with a dialect, and again only when used with another dialect
    object. Raises `SqlalchemyInternalsMissing` when SQLAlchemy changed under it."""

    def __init__(self, statement: Executable):
        self.statement = statement
        self._compiled: _Compiled | None = None
        self._dialect: Dialect | None = None
        self._returning: dict[tuple[Any, ...], PrecompiledStatement] = {}

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> Sequence[Row]:
        if not _on_the_cursor(conn.dialect):
            return list(conn.execute(self.statement, params).mappings())
        compiled = self._compile(conn.dialect)
        return read_rows(compiled, self._execute(conn, compiled, params))

    def inserted_id(self, conn: Connection, params: Mapping[str, Any]) -> int | None:
        """For an `INSERT … ON CONFLICT DO NOTHING` without RETURNING: the new row's id, or None
        when the key existed. SQLite's cursor tells (a RETURNING clause costs it a result table,
        about 1 µs a row); other engines are asked with RETURNING id."""
        row = self.inserted_row(conn, params)
        return None if row is None else row["id"]

    def inserted_row(self, conn: Connection, params: Mapping[str, Any], also: tuple[Any, ...] = ()) -> Row | None:
        """`inserted_id`, as a row `{"id": …}`; on engines that answer with RETURNING, also the
        labelled expressions `also` (evaluated on the new row, in the same statement). On
        SQLite, whose cursor answers without RETURNING, `also` is not asked: only "id"."""
        if conn.dialect.name != "sqlite":
            statement = self._returning.get(also)
            if statement is None:
                insert = self.statement
                statement = PrecompiledStatement(insert.returning(insert.table.c.id, *also))  # type: ignore[attr-defined]
                self._returning[also] = statement
            return statement.first(conn, params)
        cursor = self._execute(conn, self._compile(conn.dialect), params)
        return {"id": cursor.lastrowid} if cursor.rowcount == 1 else None

    @staticmethod
    def _execute(conn: Connection, compiled: _Compiled, params: Mapping[str, Any]) -> Any:
        get = params.get
        values = [get(name, default) for name, default in compiled.parameters]
        for position, convert in compiled.conversions:
            values[position] = convert(values[position])
        cursor = announced(conn, compiled.sql, values)
        cursor.execute(compiled.sql, values)
        return cursor

    def execute_many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement (one without RETURNING) once per parameter set of `rows`, with one
        DBAPI `executemany`."""
        if not _on_the_cursor(conn.dialect):
            conn.execute(self.statement, list(rows))
            return
        compiled = self._compile(conn.dialect)
        values = [bound(compiled.binds, row) for row in rows]
        announced(conn, compiled.sql, values, many=True).executemany(compiled.sql, values)

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Row | None:
        rows = self.rows(conn, params)
        return rows[0] if rows else None

    def one(self, conn: Connection, params: Mapping[str, Any]) -> Row:
        rows = self.rows(conn, params)
        if len(rows) != 1:
            raise LookupError(f"expected one row, got {len(rows)}")
        return rows[0]

    def _compile(self, dialect: Dialect) -> _Compiled:
        # One compilation per statement and dialect object: an application has one per engine.
        if self._compiled is None or self._dialect is not dialect:
            self._compiled = _compile(self.statement, dialect)
            self._dialect = dialect
        return self._compiled


def bound(binds: Sequence[tuple[str, Any, Converter]], params: Mapping[str, Any]) -> list[Any]:
    """The DBAPI parameters of `binds` (a `_Compiled`'s, or a part of them) from `params`: each
    by name, else its compiled default, converted for the database."""
    get = params.get
    return [get(name, default) if convert is None else convert(get(name, default)) for name, default, convert in binds]


def announced(conn: Connection, sql: str, values: Any, many: bool = False) -> Any:
    """A DBAPI cursor of `conn`'s connection, the statement `sql` with `values` announced as
    SQLAlchemy's own statements are: to its echo log and to cursor-event listeners (statement
    counters, tracing). The caller executes it."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    if _log.isEnabledFor(logging.INFO):
        _log.info("%s\n[precompiled] %r", sql, values if many else tuple(values))
    if conn.dispatch.before_cursor_execute:
        for listener in conn.dispatch.before_cursor_execute:
            listener(conn, cursor, sql, values, None, many)
    return cursor


def read_rows(compiled: _Compiled, cursor: Any) -> Sequence[Row]:
    """The executed statement's rows as dicts by column, converted from the database; none
    when it returns no columns."""
    if not compiled.columns:
        return []
    rows = [dict(zip(compiled.columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for name, reader in compiled.readers:
            row[name] = reader(row[name])
    return rows


def _compile(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    if compiled.positiontup is None or compiled.escaped_bind_names:
        raise ValueError("precompiled statements need plain positional parameters")
    defaults = compiled.params
    try:
        processors = compiled._bind_processors
        entries = compiled._result_columns
        readers = [(entry.keyname, entry.type._cached_result_processor(dialect, None)) for entry in entries]
    except AttributeError as exc:
        raise SqlalchemyInternalsMissing(internals_missing_message(exc.name)) from exc
    binds = tuple((name, defaults.get(name), processors.get(name)) for name in compiled.positiontup)
    return _Compiled(
        sql=compiled.string,
        binds=binds,
        columns=tuple(entry.keyname for entry in entries),
        readers=tuple((name, reader) for name, reader in readers if reader is not None),
        parameters=tuple((name, default) for name, default, _ in binds),
        conversions=tuple((i, convert) for i, (_, _, convert) in enumerate(binds) if convert is not None),
    )


def internals_missing_message(attribute: str | None) -> str:
    """What to say when the installed SQLAlchemy lacks `attribute` (one of SQLALCHEMY_INTERNALS)."""
    return (
        f"SQLAlchemy {sqlalchemy.__version__} has no {attribute or 'attribute'} that app/db/compiled.py reads "
        f"(it needs {', '.join(f'{owner}.{name}' for owner, name in SQLALCHEMY_INTERNALS)}). "
        "Adapt app/db/compiled.py to this version, or install the SQLAlchemy version pyproject.toml pins."
    )
