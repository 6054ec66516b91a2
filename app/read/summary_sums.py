"""Rows of an order summary (app/db/summaries.py) added up by the database, exact at any size.

A summary's exact sums (`types.ExactSum`: ten-thousandths of any size) are NUMERIC on
PostgreSQL, whose SUM of them is exact. On SQLite they are decimal texts and SQLite's integers
stop at 2^63: the texts are summed as integers, unless one is too long to read so or the sum
overflows, when the rows are read one by one for Python to add up exactly. Summing in the
database keeps a year of summary rows (hundreds of thousands for `product_days`) within a
read's time budget: row by row in Python it took seconds, and on PostgreSQL held the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Column, ColumnElement, Connection, cast, func, select, type_coerce
from sqlalchemy.exc import OperationalError

from app.db.types import EXACT_SUM

# The most characters of a summed value SQLite's CAST reads exactly (2^63 has 19 digits); a
# longer one is clamped by CAST without a word.
_EXACT_CAST = 18


def added_up(
    conn: Connection,
    where: Sequence[ColumnElement[bool]],
    group: Sequence[Column[Any]],
    counts: Sequence[Column[Any]],
    exact: Sequence[Column[Any]],
) -> Sequence[Any]:
    """Rows of the summary rows matching `where`, each holding the `group` columns, then the
    SUM of each of `counts` (BIGINT columns) and of `exact` (EXACT_SUM columns, read as ints),
    each under its column's name: one row per group, or, on SQLite when a sum is too large for
    its integers, the summary rows themselves (several per group). Either way, adding the rows
    of a group up gives its sums."""
    summed = [func.sum(column).label(column.name) for column in counts]
    if conn.dialect.name != "sqlite":
        totals = [_sum(column, column.name) for column in exact]
        return conn.execute(select(*group, *summed, *totals).where(*where).group_by(*group)).all()
    as_integers = [_sum(cast(column, BigInteger), column.name) for column in exact]
    lengths = [func.length(column) for column in exact]
    longest = func.max(lengths[0] if len(lengths) == 1 else func.max(*lengths))  # SQLite's max of a row's, then of all
    try:
        rows = conn.execute(
            select(*group, *summed, *as_integers, longest.label("longest")).where(*where).group_by(*group)
        ).all()
    except OperationalError as exc:
        if "integer overflow" not in str(exc.orig):
            raise
    else:
        if all(row.longest <= _EXACT_CAST for row in rows):
            return rows
    return conn.execute(select(*group, *counts, *exact).where(*where)).all()


def _sum(column: Any, name: str) -> Any:
    """SUM(column) read back as an exact int (`EXACT_SUM`), named `name`."""
    return type_coerce(func.sum(column), EXACT_SUM).label(name)
