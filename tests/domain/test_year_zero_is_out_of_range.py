"""RFC 3339 §5.6 writes a year in four digits, 0000 among them; Python's datetime starts at year
1. A time of year 0000 was refused as no time at all ("Must be an RFC 3339 datetime"); it is now
refused as out of range, as 10000 years later is, or read as the instant it is when an offset
behind UTC puts it in year 1. Its leap second is judged in UTC, as any other's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.types import (
    DATETIME_HINT,
    DATETIME_OUT_OF_RANGE,
    LEAP_SECOND_OUT_OF_PLACE,
    parse_utc_bound,
    parse_utc_datetime,
)

# written -> the instant read, or the refusal's words
YEAR_ZERO: dict[str, datetime | str] = {
    "0000-01-01T00:00:00Z": DATETIME_OUT_OF_RANGE,
    "0000-06-15T12:00:00+02:00": DATETIME_OUT_OF_RANGE,
    "0000-02-29T00:00:00Z": DATETIME_OUT_OF_RANGE,  # year 0 is a leap year: a day, out of range
    "0000-12-31T23:59:59.999999Z": DATETIME_OUT_OF_RANGE,
    "0000-12-31T18:59:59-05:00": DATETIME_OUT_OF_RANGE,  # 23:59:59Z of year 0
    "0000-12-31t23:00z": DATETIME_OUT_OF_RANGE,
    "0000-12-31 23:00": DATETIME_OUT_OF_RANGE,
    "0000-12-31T18:59:60-05:00": DATETIME_OUT_OF_RANGE,  # a leap second where one may be, in year 0
    "0000-12-31T23:00:00-05:00": datetime(1, 1, 1, 4, 0, tzinfo=UTC),
    "0000-12-31T19:00:00-05:00": datetime(1, 1, 1, 0, 0, tzinfo=UTC),
    "0000-12-31T23:30-0100": datetime(1, 1, 1, 0, 30, tzinfo=UTC),
    "0000-12-31T23:59:60-00:01": LEAP_SECOND_OUT_OF_PLACE,  # 00:00:60Z of year 1
    "0000-02-30T00:00:00Z": DATETIME_HINT,  # no such day
    "0000-13-01T00:00Z": DATETIME_HINT,
    "0000-12-31T24:00Z": DATETIME_HINT,
    "0000-1-01T00:00Z": DATETIME_HINT,
}


@pytest.mark.parametrize("written", list(YEAR_ZERO))
def test_year_zero_is_out_of_range_or_read_in_utc(written: str) -> None:
    expected = YEAR_ZERO[written]
    if isinstance(expected, datetime):
        assert (parse_utc_datetime(written), parse_utc_bound(written)) == (expected, expected)
        return
    for parse in (parse_utc_datetime, parse_utc_bound):
        with pytest.raises(ValueError) as refused:
            parse(written)
        assert str(refused.value) == expected
