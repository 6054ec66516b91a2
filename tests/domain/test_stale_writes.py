"""rules.stale_writes: how a write's source `updated_at` compares with the stored one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.domain.rules.stale_writes import Arrival, arrival, source_time_after

T0 = datetime(2026, 5, 18, 10, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
MICRO = timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("stored", "sent", "expected"),
    [
        pytest.param(None, None, Arrival.UNDATED, id="neither dated"),
        pytest.param(T0, None, Arrival.UNDATED, id="undated write over a dated row"),
        pytest.param(None, T0, Arrival.FIRST_DATED, id="first dated write"),
        pytest.param(T0, T0 - SECOND, Arrival.STALE, id="a second older"),
        pytest.param(T0, T0 - MICRO, Arrival.STALE, id="a microsecond older"),
        pytest.param(T0, T0, Arrival.REPLAY, id="equal"),
        pytest.param(T0, T0.astimezone(timezone(timedelta(hours=-3))), Arrival.REPLAY, id="equal in another offset"),
        pytest.param(T0, T0 + MICRO, Arrival.NEWER, id="a microsecond newer"),
        pytest.param(T0, T0 + SECOND, Arrival.NEWER, id="a second newer"),
    ],
)
def test_arrival(stored: datetime | None, sent: datetime | None, expected: Arrival) -> None:
    assert arrival(stored, sent) is expected


@pytest.mark.parametrize(
    ("stored", "sent", "expected"),
    [
        pytest.param(None, None, None, id="neither dated"),
        pytest.param(T0, None, T0, id="an undated write keeps the stored time"),
        pytest.param(None, T0, T0, id="the first time is stored"),
        pytest.param(T0, T0 + SECOND, T0 + SECOND, id="a newer time replaces it"),
        pytest.param(T0, T0, T0, id="a replay keeps it"),
    ],
)
def test_source_time_after(stored: datetime | None, sent: datetime | None, expected: datetime | None) -> None:
    assert source_time_after(stored, sent) == expected
