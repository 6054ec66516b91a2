"""Filters dashboards apply to lists; phone filters take any form the REST layer accepts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, cast, exists, func, literal_column, select
from sqlalchemy.dialects.postgresql import JSONB

from app.db.tables import contacts
from app.domain.errors import ErrorCode, FieldError, ValidationFailed
from app.domain.phone import InvalidPhone, parse_phone
from app.domain.types import parse_utc_datetime


def contact_of_phone(store_id: int, raw: str, region: str, contact_id: Column[Any]) -> ColumnElement[bool]:
    try:
        e164 = parse_phone(raw, region).e164
    except InvalidPhone as exc:
        raise ValidationFailed([FieldError(("filter", "phone"), ErrorCode.INVALID_PHONE, str(exc))]) from None
    return contact_id.in_(select(contacts.c.id).where(contacts.c.store_id == store_id, contacts.c.phone == e164))


def has_tag(tags: Column[Any], tag: str, dialect: str) -> ColumnElement[bool]:
    """Tags are a JSON array of strings."""
    if dialect == "postgresql":
        has_key: ColumnElement[bool] = cast(tags, JSONB).has_key(tag)
        return has_key
    each = func.json_each(tags).table_valued("value")
    return exists(select(literal_column("1")).select_from(each).where(each.c.value == tag))


def starts_with(column: Column[Any], prefix: str) -> ColumnElement[bool]:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"{escaped}%", escape="\\")


def moment(value: str | datetime, name: str) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return parse_utc_datetime(value)
    except ValueError as exc:
        raise ValidationFailed([FieldError(("filter", name), ErrorCode.INVALID_DATETIME, str(exc))]) from None


def type_matches(column: Column[Any], pattern: str) -> ColumnElement[bool]:
    """`order.created`, or a family such as `order.*`."""
    if pattern.endswith(".*"):
        return starts_with(column, pattern[:-1])
    return column == pattern
