"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import BigInteger, DateTime, Numeric, Text
from sqlalchemy.types import TypeDecorator

from app.domain.json_values import dumps as dumps  # the engines' JSON serializer, named from here
from app.domain.json_values import json_default
from app.domain.money import from_units, to_units


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        # One call a value instead of TypeDecorator's two chained ones, and none past a NULL
        # (a contact's consent and erasure times, read back by every order's contact upsert).
        read = self.impl_instance.result_processor(dialect, coltype)
        if read is None:
            return super().result_processor(dialect, coltype)

        def to_utc(value: Any) -> datetime | None:
            if value is None:
                return None
            value = read(value)
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

        return to_utc

    def bind_processor(self, dialect: Any) -> Any:
        # On SQLite the value is text: one direct conversion instead of two chained ones (this
        # runs several times per write), giving SQLAlchemy's text "YYYY-MM-DD HH:MM:SS.ffffff".
        # SQLAlchemy asks once per type and dialect and keeps the answer on the dialect.
        return _sqlite_text_conversion() if dialect.name == "sqlite" else super().bind_processor(dialect)


def _sqlite_text_conversion() -> Callable[[datetime | None], str | None]:
    """datetime -> SQLite's text, remembering the instants converted (up to `_KEPT`): a write
    binds the same instant (its "now") several times, and the hours and days of the order
    summaries recur from order to order; converting one costs about 1 µs."""
    last: tuple[datetime | None, str] = (None, "")
    kept: dict[datetime, str] = {}

    def to_text(value: datetime | None) -> str | None:
        nonlocal last
        if value is None:
            return None
        if value is last[0]:
            return last[1]
        text = kept.get(value) if value.tzinfo is not None else None  # equal aware values: one instant
        if text is None:
            utc = value if value.tzinfo is UTC else value.astimezone(UTC)
            # Always 26 characters ("YYYY-MM-DD HH:MM:SS.ffffff"), then the offset, which SQLite keeps not.
            text = utc.isoformat(" ", "microseconds")[:26]
            if value.tzinfo is not None:
                if len(kept) >= _KEPT:
                    kept.clear()
                kept[value] = text
        last = (value, text)
        return text

    return to_text


_KEPT = 4096


# One instance for every column: the conversion SQLAlchemy keeps per type and dialect, and
# the instant it remembers, are then shared by all the columns a write binds.
UTC_DATETIME = UtcDateTime()


class ExactMoney(TypeDecorator[Decimal]):
    """Money as an integer count of ten-thousandths: exact on every engine, summable in SQL."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        return None if value is None else to_units(value)

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        return None if value is None else from_units(value)


def json_text(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """SQLAlchemy's JSON bind conversion `process` (of a `JSON(none_as_null=True)` column, on
    an engine whose serializer is `dumps`) made direct for the values writes bind: None is
    NULL, a dict, list or text is `dumps`'s text; anything else (`JSON.NULL`, `null()`…) is
    left to `process`. A batch binds several JSON values per row."""

    def to_text(value: Any) -> Any:
        if value is None:
            return None
        if value.__class__ in _JSON_CONTAINERS:
            return orjson.dumps(value, default=json_default).decode()  # `dumps`, without its call
        return process(value)

    return to_text


_JSON_CONTAINERS = frozenset({dict, list, str})


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


class ExactSum(TypeDecorator[int]):
    """An exact integer of any size, as summary tables add them up (summaries.py): NUMERIC on
    PostgreSQL; on SQLite, whose integers stop at 2^63, its decimal text, added by the SQL
    function `kanal_add` (summaries.py registers it on the connections that write)."""

    impl = Numeric()
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(Text() if dialect.name == "sqlite" else Numeric())

    def process_bind_param(self, value: int | None, dialect: Any) -> Any:
        if value is None:
            return None
        return str(value) if dialect.name == "sqlite" else Decimal(value)

    def process_result_value(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int(value)

    def bind_processor(self, dialect: Any) -> Any:
        # One call a value instead of TypeDecorator's two: summary writes bind two a row.
        return _text_or_none if dialect.name == "sqlite" else super().bind_processor(dialect)


def _text_or_none(value: int | None) -> str | None:
    return None if value is None else str(value)


EXACT_SUM = ExactSum()
