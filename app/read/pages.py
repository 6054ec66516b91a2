"""Keyset pagination: newest first, the cursor holds the last row's sort key.

How many rows a page may hold is `app.policies.page_size`; how a cursor is written and read
is `app.policies.ids`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, Select, and_, func, or_, select

from app.db.types import UtcDateTime
from app.policies.ids import decode_cursor, encode_cursor


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    has_next: bool
    has_previous: bool

    def cursor(self, row: dict[str, Any], order: tuple[Column[Any], ...]) -> str:
        return encode_cursor(list_name(order), [row[column.name] for column in order])


def list_name(order: tuple[Column[Any], ...]) -> str:
    """The list a cursor belongs to: the table its sort columns are of."""
    return order[0].table.name


def _shape(order: tuple[Column[Any], ...]) -> tuple[type, ...]:
    return tuple(datetime if isinstance(column.type, UtcDateTime) else int for column in order)


def after_key(after: str | None, order: tuple[Column[Any], ...]) -> list[Any] | None:
    """The sort key an `after` cursor holds (None for the first page); raises ValidationFailed."""
    return None if after is None else decode_cursor(after, list_name(order), _shape(order))


def _after(order: tuple[Column[Any], ...], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after the cursor in descending (a, b, …) order. The redundant bound on the
    first column lets the index seek to the cursor instead of walking to it."""
    (column, *rest), (value, *rest_values) = order, values
    if not rest:
        strictly_after: ColumnElement[bool] = column < value
        return strictly_after
    return and_(column <= value, or_(column < value, and_(column == value, _after(tuple(rest), rest_values))))


def fetch_page(
    conn: Connection, query: Select[Any], order: tuple[Column[Any], ...], first: int, after: list[Any] | None
) -> Page:
    """Up to `first` rows after the sort key `after` (None: from the newest). Both are checked
    at the edge (`check_first`, `after_key`) before a connection is taken."""
    if after is not None:
        query = query.where(_after(order, after))
    query = query.order_by(*(column.desc() for column in order)).limit(first + 1)
    rows = [dict(row) for row in conn.execute(query).mappings()]
    return Page(rows=rows[:first], has_next=len(rows) > first, has_previous=after is not None)


def count(conn: Connection, query: Select[Any]) -> int:
    return conn.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
