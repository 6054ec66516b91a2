"""Time-series buckets (issue 16; README, "Time series"): aligned to the store's local midnight,
hour, Monday or 1st, contiguous, covering the period, daylight-saving correct."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
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
    "Apia skips 2011-12-30 whole: no bucket for it, the 29th then the 31st": (
        "Pacific/Apia",
        Interval.DAY,
        utc(2011, 12, 29, 12),
        utc(2011, 12, 31, 12),
        [(utc(2011, 12, 29, 10), 24), (utc(2011, 12, 30, 10), 24), (utc(2011, 12, 31, 10), 24)],
    ),
    "Apia, a series from the instant the day was skipped: the 31st": (
        "Pacific/Apia",
        Interval.DAY,
        utc(2011, 12, 30, 10),
        utc(2011, 12, 30, 11),
        [(utc(2011, 12, 30, 10), 24)],
    ),
    "Apia, the week of the skipped day has six days": (
        "Pacific/Apia",
        Interval.WEEK,
        utc(2011, 12, 29, 12),
        utc(2012, 1, 2, 12),
        [(utc(2011, 12, 26, 10), 144), (utc(2012, 1, 1, 10), 168)],
    ),
    "Apia, December 2011 has thirty days": (
        "Pacific/Apia",
        Interval.MONTH,
        utc(2011, 12, 29, 12),
        utc(2012, 1, 2, 12),
        [(utc(2011, 12, 1, 10), 720), (utc(2011, 12, 31, 10), 744)],
    ),
    "Apia hours: 23:00 on the 29th, then 00:00 on the 31st": (
        "Pacific/Apia",
        Interval.HOUR,
        utc(2011, 12, 30, 8, 30),
        utc(2011, 12, 30, 11),
        [(utc(2011, 12, 30, 8), 1), (utc(2011, 12, 30, 9), 1), (utc(2011, 12, 30, 10), 1)],
    ),
    "New York, fall back: a 25-hour day": (
        "America/New_York",
        Interval.DAY,
        utc(2026, 11, 1, 12),
        utc(2026, 11, 2, 12),
        [(utc(2026, 11, 1, 4), 25), (utc(2026, 11, 2, 5), 24)],
    ),
    "New York hours, spring forward: 01:00 EST then 03:00 EDT": (
        "America/New_York",
        Interval.HOUR,
        utc(2026, 3, 8, 6),
        utc(2026, 3, 8, 8),
        [(utc(2026, 3, 8, 6), 1), (utc(2026, 3, 8, 7), 1)],
    ),
    "New York hours, fall back: 01:00 EDT and 01:00 EST are two": (
        "America/New_York",
        Interval.HOUR,
        utc(2026, 11, 1, 5),
        utc(2026, 11, 1, 7),
        [(utc(2026, 11, 1, 5), 1), (utc(2026, 11, 1, 6), 1)],
    ),
    "New York, the week of the fall back has 169 hours": (
        "America/New_York",
        Interval.WEEK,
        utc(2026, 10, 30),
        utc(2026, 11, 2, 6),
        [(utc(2026, 10, 26, 4), 169), (utc(2026, 11, 2, 5), 168)],
    ),
    "New York, March has 743 hours": (
        "America/New_York",
        Interval.MONTH,
        utc(2026, 3, 15),
        utc(2026, 3, 31),
        [(utc(2026, 3, 1, 5), 743)],
    ),
    "Paris, October has 745 hours": (
        "Europe/Paris",
        Interval.MONTH,
        utc(2026, 10, 15),
        utc(2026, 10, 31),
        [(utc(2026, 9, 30, 22), 745)],
    ),
    "Lord Howe, the half hour forward: a day of 23.5 hours": (
        "Australia/Lord_Howe",
        Interval.DAY,
        utc(2026, 10, 3, 14),
        utc(2026, 10, 4, 14),
        [(utc(2026, 10, 3, 13, 30), 23.5), (utc(2026, 10, 4, 13), 24)],
    ),
    "Lord Howe, the half hour back: a day of 24.5 hours": (
        "Australia/Lord_Howe",
        Interval.DAY,
        utc(2026, 4, 4, 14),
        utc(2026, 4, 5, 14),
        [(utc(2026, 4, 4, 13), 24.5), (utc(2026, 4, 5, 13, 30), 24)],
    ),
    "Lord Howe, the week of the half hour forward": (
        "Australia/Lord_Howe",
        Interval.WEEK,
        utc(2026, 10, 3, 14),
        utc(2026, 10, 4, 14),
        [(utc(2026, 9, 27, 13, 30), 167.5), (utc(2026, 10, 4, 13), 168)],
    ),
    "Lord Howe, October is 743.5 hours": (
        "Australia/Lord_Howe",
        Interval.MONTH,
        utc(2026, 10, 3, 14),
        utc(2026, 10, 4, 14),
        [(utc(2026, 9, 30, 13, 30), 743.5)],
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


# zone -> a local day its clocks change on: skipped whole, sprung forward, fallen back, by half an hour
CHANGES = {
    "Apia skips the day": ("Pacific/Apia", date(2011, 12, 30)),
    "Paris springs forward": ("Europe/Paris", date(2026, 3, 29)),
    "Paris falls back": ("Europe/Paris", date(2026, 10, 25)),
    "New York springs forward": ("America/New_York", date(2026, 3, 8)),
    "New York falls back": ("America/New_York", date(2026, 11, 1)),
    "Lord Howe half an hour forward": ("Australia/Lord_Howe", date(2026, 10, 4)),
    "Lord Howe half an hour back": ("Australia/Lord_Howe", date(2026, 4, 5)),
    "Santiago skips midnight": ("America/Santiago", date(2026, 9, 6)),
}
# how far around the day a series runs, and how often an instant of it is checked
AROUND = {
    Interval.HOUR: (timedelta(days=2), timedelta(minutes=5)),
    Interval.DAY: (timedelta(days=10), timedelta(minutes=15)),
    Interval.WEEK: (timedelta(days=35), timedelta(hours=1)),
    Interval.MONTH: (timedelta(days=100), timedelta(hours=1)),
}


def _unit(instant: datetime, interval: Interval, zone: ZoneInfo) -> tuple[object, ...]:
    """The local hour (with its offset: a repeated hour is another), day, ISO week or month of `instant`."""
    local = instant.astimezone(zone)
    if interval is Interval.HOUR:
        return (local.date(), local.hour, local.utcoffset())
    if interval is Interval.WEEK:
        return tuple(local.isocalendar()[:2])
    if interval is Interval.MONTH:
        return (local.year, local.month)
    return (local.date(),)


@pytest.mark.parametrize("interval", list(Interval))
@pytest.mark.parametrize(("zone", "day"), CHANGES.values(), ids=CHANGES.keys())
def test_buckets_are_the_local_units_that_have_instants(zone: str, day: date, interval: Interval) -> None:
    """Around a change of the clocks, at every interval: each bucket is at least an instant long
    and holds exactly the instants of one local hour, day, week or month, from its first
    instant on; they follow each other with no gap, and every instant of the period is in the
    bucket of its own local unit. So a unit with no instant (Apia's 2011-12-30) is no bucket."""
    tz = ZoneInfo(zone)
    middle = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    around, step = AROUND[interval]
    start, end = middle - around, middle + around
    found = buckets(start, end, interval, zone)
    assert found[0][0] <= start < found[0][1] and found[-1][0] < end <= found[-1][1]
    assert all(previous[1] == following[0] for previous, following in pairwise(found))
    tick = timedelta(microseconds=1)
    for bucket_start, bucket_end in found:
        assert bucket_end > bucket_start, (bucket_start, bucket_end)
        unit = _unit(bucket_start, interval, tz)
        assert _unit(bucket_end - tick, interval, tz) == unit
        assert _unit(bucket_start - tick, interval, tz) != unit != _unit(bucket_end, interval, tz)
    starts = [bucket_start for bucket_start, _ in found]
    instant = start
    while instant < end:
        holding = found[bisect_right(starts, instant) - 1]
        assert _unit(holding[0], interval, tz) == _unit(instant, interval, tz), instant
        instant += step
    if zone == "Pacific/Apia" and interval is Interval.DAY:
        local_days = [bucket_start.astimezone(tz).date() for bucket_start, _ in found]
        assert date(2011, 12, 29) in local_days and date(2011, 12, 30) not in local_days
        assert local_days[local_days.index(date(2011, 12, 29)) + 1] == date(2011, 12, 31)
