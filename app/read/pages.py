"""Keyset pagination: newest first, the cursor holds the last row's sort key.

How many rows a page may hold is `app.policies.page_size`; how a cursor is written and read
is `app.policies.ids`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, Select, and_, func, or_, select

from app.db.types import UtcDateTime
from app.domain.records import of_row
from app.policies.ids import decode_cursor, encode_cursor


@dataclass(frozen=True)
class Page:
    """One keyset page: its records (app.domain.records), newest first, and the cursor of each."""

    records: list[Any]
    cursors: list[str]
    has_next: bool
    has_previous: bool


def list_name(order: tuple[Column[Any], ...], scope: str) -> str:
    """The list a cursor belongs to: the table its sort columns are of, in `scope` (the store
    and space listed, `relay.paged`), so that a cursor another store's list handed out is no
    cursor of this one."""
    return f"{order[0].table.name}@{scope}"


def _shape(order: tuple[Column[Any], ...]) -> tuple[type, ...]:
    return tuple(datetime if isinstance(column.type, UtcDateTime) else int for column in order)


def after_key(after: str | None, order: tuple[Column[Any], ...], scope: str) -> list[Any] | None:
    """The sort key an `after` cursor of the list in `scope` holds (None for the first page);
    raises ValidationFailed."""
    return None if after is None else decode_cursor(after, list_name(order, scope), _shape(order))


def _after(order: tuple[Column[Any], ...], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after the cursor in descending (a, b, …) order. The redundant bound on the
    first column lets the index seek to the cursor instead of walking to it."""
    (column, *rest), (value, *rest_values) = order, values
    if not rest:
        strictly_after: ColumnElement[bool] = column < value
        return strictly_after
    return and_(column <= value, or_(column < value, and_(column == value, _after(tuple(rest), rest_values))))


def fetch_page(
    conn: Connection,
    query: Select[Any],
    order: tuple[Column[Any], ...],
    first: int,
    after: list[Any] | None,
    record: type[Any],
    scope: str,
) -> Page:
    """Up to `first` rows after the sort key `after` (None: from the newest), as `record`s. Both
    are checked at the edge (`check_first`, `after_key`) before a connection is taken."""
    if after is not None:
        query = query.where(_after(order, after))
    query = query.order_by(*(column.desc() for column in order)).limit(first + 1)
    rows = conn.execute(query).mappings().all()[: first + 1]
    name = list_name(order, scope)
    kept = rows[:first]
    return Page(
        records=[of_row(record, row) for row in kept],
        cursors=[encode_cursor(name, [row[column.name] for column in order]) for row in kept],
        has_next=len(rows) > first,
        has_previous=after is not None,
    )


def count(conn: Connection, query: Select[Any]) -> int:
    return conn.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
