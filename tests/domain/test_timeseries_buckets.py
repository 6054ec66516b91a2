"""Time-series buckets (issue 16; README, "Time series"): aligned to the store's local midnight,
hour, Monday or 1st, contiguous, covering the period, daylight-saving correct."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.read.timeseries import MAX_BUCKETS, Interval, TooManyBuckets, buckets


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# (zone, interval, from, to) -> [(start, hours)]
CASES = {
    "Paris, spring forward: a 23-hour day": (
        "Europe/Paris",
        Interval.DAY,
        utc(2026, 3, 28, 12),
        utc(2026, 3, 30, 12),
        [(utc(2026, 3, 27, 23), 24), (utc(2026, 3, 28, 23), 23), (utc(2026, 3, 29, 22), 24)],
    ),
    "Paris, fall back: a 25-hour day": (
        "Europe/Paris",
        Interval.DAY,
        utc(2026, 10, 24, 12),
        utc(2026, 10, 26, 12),
        [(utc(2026, 10, 23, 22), 24), (utc(2026, 10, 24, 22), 25), (utc(2026, 10, 25, 23), 24)],
    ),
    "New York, spring forward": (
        "America/New_York",
        Interval.DAY,
        utc(2026, 3, 8, 12),
        utc(2026, 3, 9, 12),
        [(utc(2026, 3, 8, 5), 23), (utc(2026, 3, 9, 4), 24)],
    ),
    "Santiago, midnight skipped: the day starts at 01:00": (
        "America/Santiago",
        Interval.DAY,
        utc(2026, 9, 6, 12),
        utc(2026, 9, 7, 12),
        [(utc(2026, 9, 6, 4), 23), (utc(2026, 9, 7, 3), 24)],
    ),
    "Kolkata hours begin at :30 UTC": (
        "Asia/Kolkata",
        Interval.HOUR,
        utc(2026, 5, 18, 10, 45),
        utc(2026, 5, 18, 12, 31),
        [(utc(2026, 5, 18, 10, 30), 1), (utc(2026, 5, 18, 11, 30), 1), (utc(2026, 5, 18, 12, 30), 1)],
    ),
    "Paris hours across fall back: 25 one-hour buckets in the day": (
        "Europe/Paris",
        Interval.HOUR,
        utc(2026, 10, 24, 22),
        utc(2026, 10, 25, 23),
        [(utc(2026, 10, 24, 22) + timedelta(hours=hour), 1) for hour in range(25)],
    ),
    "Lord Howe hours across its half-hour fall back: the repeated half hour on its own": (
        "Australia/Lord_Howe",
        Interval.HOUR,
        utc(2026, 4, 4, 13),
        utc(2026, 4, 4, 17),
        [
            (utc(2026, 4, 4, 13), 1),
            (utc(2026, 4, 4, 14), 1),
            (utc(2026, 4, 4, 15), 0.5),
            (utc(2026, 4, 4, 15, 30), 1),
            (utc(2026, 4, 4, 16, 30), 1),
        ],
    ),
    "Lord Howe, a series from inside the repeated half hour: the same buckets": (
        "Australia/Lord_Howe",
        Interval.HOUR,
        utc(2026, 4, 4, 15, 10),
        utc(2026, 4, 4, 17),
        [(utc(2026, 4, 4, 15), 0.5), (utc(2026, 4, 4, 15, 30), 1), (utc(2026, 4, 4, 16, 30), 1)],
    ),
    "Lord Howe hours across its half-hour spring forward: local 02 is half an hour": (
        "Australia/Lord_Howe",
        Interval.HOUR,
        utc(2026, 10, 3, 13, 30),
        utc(2026, 10, 3, 17),
        [
            (utc(2026, 10, 3, 13, 30), 1),
            (utc(2026, 10, 3, 14, 30), 1),
            (utc(2026, 10, 3, 15, 30), 0.5),
            (utc(2026, 10, 3, 16), 1),
        ],
    ),
    "Lord Howe, a series from after the change: the same buckets": (
        "Australia/Lord_Howe",
        Interval.HOUR,
        utc(2026, 10, 3, 15, 45),
        utc(2026, 10, 3, 17),
        [(utc(2026, 10, 3, 15, 30), 0.5), (utc(2026, 10, 3, 16), 1)],
    ),
    "ISO weeks start on Monday": (
        "Europe/Paris",
        Interval.WEEK,
        utc(2026, 3, 26),
        utc(2026, 4, 1),
        [(utc(2026, 3, 22, 23), 167), (utc(2026, 3, 29, 22), 168)],
    ),
    "months of 31, 28 and 31 days, one with the change": (
        "Europe/Paris",
        Interval.MONTH,
        utc(2026, 1, 15),
        utc(2026, 3, 31, 21),
        [(utc(2025, 12, 31, 23), 744), (utc(2026, 1, 31, 23), 672), (utc(2026, 2, 28, 23), 743)],
    ),
    "UTC days": (
        "UTC",
        Interval.DAY,
        utc(2026, 5, 1),
        utc(2026, 5, 3),
        [(utc(2026, 5, 1), 24), (utc(2026, 5, 2), 24)],
    ),
}


@pytest.mark.parametrize(("zone", "interval", "start", "end", "expected"), CASES.values(), ids=CASES.keys())
def test_buckets_in_the_stores_time(zone, interval, start, end, expected) -> None:
    found = buckets(start, end, interval, zone)
    assert [(b_start, (b_end - b_start) / timedelta(hours=1)) for b_start, b_end in found] == expected


ZONES = ["Europe/Paris", "America/New_York", "America/Santiago", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]


@pytest.mark.parametrize("interval", [Interval.DAY, Interval.WEEK, Interval.MONTH])
@pytest.mark.parametrize("zone", ZONES)
def test_a_year_of_buckets_is_contiguous_and_starts_at_local_midnight(zone: str, interval: Interval) -> None:
    found = buckets(utc(2026, 1, 1), utc(2027, 1, 1), interval, zone)
    assert found[0][0] <= utc(2026, 1, 1) < found[0][1] and found[-1][0] < utc(2027, 1, 1) <= found[-1][1]
    assert all(previous[1] == following[0] for previous, following in zip(found, found[1:], strict=False))
    for start, _ in found:
        local = start.astimezone(ZoneInfo(zone))
        just_before = (start - timedelta(microseconds=1)).astimezone(ZoneInfo(zone))
        # local midnight, or where it is skipped, the first instant of the new date
        assert local.time().minute == 0 and just_before.date() < local.date()
        assert interval is not Interval.WEEK or local.weekday() == 0
        assert interval is not Interval.MONTH or local.day == 1


HOUR_ZONES = [*ZONES, "Asia/Kathmandu", "Pacific/Chatham", "Europe/London", "America/St_Johns"]


@pytest.mark.parametrize("zone", HOUR_ZONES)
def test_an_hour_bucket_does_not_depend_on_where_the_series_starts(zone: str) -> None:
    """Around each of the zone's 2026 changes of offset: a series from any quarter of an hour
    has the buckets of a series begun the day before, each starting on a local whole hour or
    at the change itself."""
    tz = ZoneInfo(zone)
    hours = [utc(2026, 1, 1) + timedelta(hours=n) for n in range(24 * 365)]
    changes = [
        hour
        for hour, after in zip(hours, hours[1:], strict=False)
        if hour.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset()
    ]
    for change in changes or [utc(2026, 5, 18)]:
        end = change + timedelta(hours=6)
        reference = buckets(change - timedelta(days=1), end, Interval.HOUR, zone)
        for quarter in range(-16, 16):
            start = change + timedelta(minutes=15 * quarter)
            found = buckets(start, end, Interval.HOUR, zone)
            assert found == [bucket for bucket in reference if bucket[1] > start], (zone, start)
        for bucket_start, _ in reference:
            local = bucket_start.astimezone(tz)
            before = (bucket_start - timedelta(seconds=1)).astimezone(tz)
            assert (local.minute, local.second) == (0, 0) or local.utcoffset() != before.utcoffset(), (
                zone,
                bucket_start,
            )


def test_no_period_has_no_buckets() -> None:
    assert buckets(utc(2026, 5, 1), utc(2026, 5, 1), Interval.DAY, "UTC") == []


def test_more_than_the_maximum_is_refused() -> None:
    assert len(buckets(utc(2026, 1, 1), utc(2026, 1, 1) + timedelta(hours=MAX_BUCKETS), Interval.HOUR, "UTC")) == 1000
    with pytest.raises(TooManyBuckets):
        buckets(utc(2026, 1, 1), utc(2026, 1, 1) + timedelta(hours=MAX_BUCKETS + 1), Interval.HOUR, "UTC")
