"""SQLite binds an aware datetime as the text of its UTC instant, whatever was converted before:
the conversion remembers the instants it converted, and an equal instant in another zone, a
repeated one or one between others must give the text a fresh conversion gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from app.db.types import UTC_DATETIME

PARIS_SUMMER = timezone(timedelta(hours=2))
KATHMANDU = timezone(timedelta(hours=5, minutes=45))
BEHIND = timezone(timedelta(hours=-9, minutes=-30))

# (value, the text SQLite stores)
INSTANTS = [
    (datetime(2026, 5, 18, 10, 0, tzinfo=UTC), "2026-05-18 10:00:00.000000"),
    (datetime(2026, 5, 18, 12, 0, tzinfo=PARIS_SUMMER), "2026-05-18 10:00:00.000000"),
    (datetime(2026, 5, 18, 15, 45, tzinfo=KATHMANDU), "2026-05-18 10:00:00.000000"),
    (datetime(2026, 5, 18, 10, 0, 0, 1, tzinfo=UTC), "2026-05-18 10:00:00.000001"),
    (datetime(2026, 5, 18, 0, 30, tzinfo=BEHIND), "2026-05-18 10:00:00.000000"),
    (datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC), "2026-12-31 23:59:59.999999"),
    (datetime(2027, 1, 1, 1, 59, 59, 999_999, tzinfo=PARIS_SUMMER), "2026-12-31 23:59:59.999999"),
    (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01 00:00:00.000000"),
    (datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC), "9999-12-31 23:59:59.999999"),
]


def _fresh():
    return UTC_DATETIME.bind_processor(sqlite.dialect())


@pytest.mark.parametrize(("value", "text"), INSTANTS)
def test_each_instant_alone(value, text):
    assert _fresh()(value) == text


def test_every_order_of_conversion_gives_the_same_texts():
    convert = _fresh()
    sequence = (
        INSTANTS + INSTANTS[::-1] + [item for pair in zip(INSTANTS[:-3], INSTANTS[3:], strict=True) for item in pair]
    )
    assert [convert(value) for value, _ in sequence] == [text for _, text in sequence]


def test_more_instants_than_it_keeps():
    convert = _fresh()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    hours = [start + timedelta(hours=n) for n in range(10_000)]
    for _ in range(2):
        assert [convert(hour) for hour in hours] == [hour.isoformat(" ", "microseconds")[:26] for hour in hours]


def test_none_is_null():
    assert _fresh()(None) is None
