"""SPEC §3.1: placed_at is stored in UTC; a value without offset is UTC. Every RFC 3339 form is
accepted (issue 11; the whole table of forms is in tests/domain/test_validation.py)."""

import pytest

from tests.conftest import order_body


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2026-05-18T10:00:00Z", "2026-05-18T10:00:00+00:00"),
        ("2026-05-18T12:00:00+02:00", "2026-05-18T10:00:00+00:00"),
        ("2026-05-18T10:00:00", "2026-05-18T10:00:00+00:00"),
        ("2026-05-18T05:30:00.250-04:30", "2026-05-18T10:00:00.250000+00:00"),
        ("2026-05-18t15:30:00.123456789+05:30", "2026-05-18T10:00:00.123456+00:00"),
        ("2026-05-18 10:00:00z", "2026-05-18T10:00:00+00:00"),
        ("2026-05-18T10:00:00-00:00", "2026-05-18T10:00:00+00:00"),
        ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59.999999+00:00"),
    ],
)
async def test_timestamps_are_stored_in_utc(api, sent, stored):
    response = await api.post("/orders", order_body(placed_at=sent))
    assert response.json()["placed_at"] == stored
    assert (await api.get("/orders/ORDER-1001")).json()["placed_at"] == stored
