"""Keyset pagination: newest first, the cursor holds the last row's sort key.

How many rows a page may hold is `app.policies.page_size`, checked at the edge."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Column, ColumnElement, Connection, Select, and_, func, or_, select

from app.db.types import UtcDateTime
from app.domain.errors import FieldError, ValidationFailed


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    has_next: bool
    has_previous: bool

    def cursor(self, row: dict[str, Any], order: tuple[Column[Any], ...]) -> str:
        return encode_cursor([row[column.name] for column in order])


def encode_cursor(values: list[Any]) -> str:
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(orjson.dumps(plain)).decode()


def decode_cursor(cursor: str, order: tuple[Column[Any], ...]) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(values, list) or len(values) != len(order):
            raise ValueError
        return [
            datetime.fromisoformat(value) if isinstance(column.type, UtcDateTime) else int(value)
            for column, value in zip(order, values, strict=True)
        ]
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise ValidationFailed([FieldError(("after",), "invalid_cursor", "The cursor is not valid.")]) from None


def _after(order: tuple[Column[Any], ...], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after the cursor in descending (a, b, …) order. The redundant bound on the
    first column lets the index seek to the cursor instead of walking to it."""
    (column, *rest), (value, *rest_values) = order, values
    if not rest:
        return column < value
    return and_(column <= value, or_(column < value, and_(column == value, _after(tuple(rest), rest_values))))


def fetch_page(
    conn: Connection, query: Select[Any], order: tuple[Column[Any], ...], first: int, after: str | None
) -> Page:
    if after:
        query = query.where(_after(order, decode_cursor(after, order)))
    query = query.order_by(*(column.desc() for column in order)).limit(first + 1)
    rows = [dict(row) for row in conn.execute(query).mappings()]
    return Page(rows=rows[:first], has_next=len(rows) > first, has_previous=after is not None)


def count(conn: Connection, query: Select[Any]) -> int:
    return conn.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
