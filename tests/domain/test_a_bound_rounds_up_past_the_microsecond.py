"""`parse_utc_bound` (GraphQL's `from`, `to`, `placedAfter`, `placedBefore`; the CLI's
`--since`, `--dead-since`): an instant as `parse_utc_datetime` reads it, a fraction past the
microsecond that is not all zeros rounded up to the next microsecond, so that the bound holds
exactly the stored instants (whole microseconds) it holds as written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.types import parse_utc_bound, parse_utc_datetime

AT = datetime(2026, 5, 18, 10, 0, tzinfo=UTC)
NEXT = datetime(2026, 5, 18, 10, 0, 0, 1, tzinfo=UTC)

# written -> read as a bound
BOUNDS = {
    "2026-05-18T10:00:00Z": AT,
    "2026-05-18T10:00Z": AT,
    "2026-05-18T10:00:00.000000Z": AT,
    "2026-05-18T10:00:00.000000000000Z": AT,  # zeros only: the instant itself
    "2026-05-18T10:00:00.0000001Z": NEXT,
    "2026-05-18T10:00:00.000000999999z": NEXT,
    "2026-05-18T10:00:00.0000000000001Z": NEXT,
    "2026-05-18 12:00:00.0000001+02:00": NEXT,
    "2026-05-18T10:00:00.000001Z": NEXT,  # exactly the next microsecond
    "2026-05-18T10:00:00.0000019Z": datetime(2026, 5, 18, 10, 0, 0, 2, tzinfo=UTC),
    "2026-05-18T09:59:59.9999999Z": AT,  # rounds up into the next second
    "2026-12-31T23:59:59.9999999Z": datetime(2027, 1, 1, tzinfo=UTC),  # and the next year
    "2026-12-31T23:59:60.5Z": datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),  # a leap second's last
}


@pytest.mark.parametrize("written", list(BOUNDS))
def test_a_bound_rounds_up_past_the_microsecond(written: str) -> None:
    assert parse_utc_bound(written) == BOUNDS[written]
    assert parse_utc_bound(written) - parse_utc_datetime(written) in (NEXT - AT, AT - AT)


@pytest.mark.parametrize("written", ["9999-12-31T23:59:59.9999999Z", "2026-05-18", "2026-05-18T10:00:00,1Z"])
def test_what_is_no_bound_is_refused(written: str) -> None:
    with pytest.raises(ValueError):
        parse_utc_bound(written)
