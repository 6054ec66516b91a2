"""storeTimeseries across changes of the clocks (README, "Time series"), on both engines: a
bucket is the instants of one local hour, day, week or month, so a day the clocks skip whole
(Pacific/Apia's 2011-12-30, UTC-10 to UTC+14) is no bucket, where it was one starting and
ending at one instant; a day they spring forward or fall back on is 23 or 25 hours (23.5 or
24.5 on Lord Howe Island), a repeated hour is a bucket of its own, and the week and month
holding the change are that much shorter or longer. Each case puts an order and a cart at
instants either side of a boundary and pins every bucket of the series."""

from __future__ import annotations

import pytest

from app.services import stores
from tests.api.graphql.documents import gql
from tests.conftest import Api, cart_body, order_body

_SERIES = """query($from: DateTime!, $to: DateTime!, $interval: StatsInterval!) {
  storeTimeseries(storeId: 123, from: $from, to: $to, interval: $interval) {
    start end orderCount cartsAbandoned cartsRecovered } }"""

Case = tuple[str, str, str, str, list[str], list[tuple[str, str, int]]]


def _at(text: str) -> str:
    """An answer's instant: "2011-12-30T10:00" -> "2011-12-30T10:00:00+00:00"."""
    return f"{text}:00+00:00"


def _buckets(*rows: tuple[str, str, int]) -> list[tuple[str, str, int]]:
    return [(_at(start), _at(end), count) for start, end, count in rows]


# name -> (zone, interval, from, to, instants an order and a cart are at, [(start, end, how many)])
CASES: dict[str, Case] = {
    "Apia days: the 29th, then the 31st": (
        "Pacific/Apia",
        "DAY",
        "2011-12-29T10:00:00Z",
        "2011-12-31T10:00:00Z",
        ["2011-12-30T09:59:59Z", "2011-12-30T10:00:00Z", "2011-12-30T10:30:00Z"],
        _buckets(("2011-12-29T10:00", "2011-12-30T10:00", 1), ("2011-12-30T10:00", "2011-12-31T10:00", 2)),
    ),
    "Apia, the week of the skipped day: six days": (
        "Pacific/Apia",
        "WEEK",
        "2011-12-26T10:00:00Z",
        "2012-01-01T10:00:01Z",
        ["2011-12-26T10:00:00Z", "2012-01-01T09:59:59Z", "2012-01-01T10:00:00Z"],
        _buckets(("2011-12-26T10:00", "2012-01-01T10:00", 2), ("2012-01-01T10:00", "2012-01-08T10:00", 1)),
    ),
    "Apia, December 2011: thirty days": (
        "Pacific/Apia",
        "MONTH",
        "2011-12-01T10:00:00Z",
        "2011-12-31T10:00:01Z",
        ["2011-12-01T09:59:59Z", "2011-12-31T09:59:59Z", "2011-12-31T10:00:00Z"],
        _buckets(("2011-12-01T10:00", "2011-12-31T10:00", 1), ("2011-12-31T10:00", "2012-01-31T10:00", 1)),
    ),
    "Apia hours: 23:00 on the 29th, then 00:00 on the 31st": (
        "Pacific/Apia",
        "HOUR",
        "2011-12-30T09:00:00Z",
        "2011-12-30T11:00:00Z",
        ["2011-12-30T09:59:59Z", "2011-12-30T10:00:00Z"],
        _buckets(("2011-12-30T09:00", "2011-12-30T10:00", 1), ("2011-12-30T10:00", "2011-12-30T11:00", 1)),
    ),
    "Paris, spring forward: a 23-hour day": (
        "Europe/Paris",
        "DAY",
        "2026-03-28T23:00:00Z",
        "2026-03-30T22:00:00Z",
        ["2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z", "2026-03-29T21:59:59Z", "2026-03-29T22:00:00Z"],
        _buckets(("2026-03-28T23:00", "2026-03-29T22:00", 3), ("2026-03-29T22:00", "2026-03-30T22:00", 1)),
    ),
    "Paris, fall back: a 25-hour day": (
        "Europe/Paris",
        "DAY",
        "2026-10-24T22:00:00Z",
        "2026-10-26T23:00:00Z",
        ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T22:59:59Z", "2026-10-25T23:00:00Z"],
        _buckets(("2026-10-24T22:00", "2026-10-25T23:00", 3), ("2026-10-25T23:00", "2026-10-26T23:00", 1)),
    ),
    "Paris hours, spring forward: 01:00 CET, then 03:00 CEST": (
        "Europe/Paris",
        "HOUR",
        "2026-03-29T00:00:00Z",
        "2026-03-29T02:00:00Z",
        ["2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z"],
        _buckets(("2026-03-29T00:00", "2026-03-29T01:00", 1), ("2026-03-29T01:00", "2026-03-29T02:00", 1)),
    ),
    "Paris hours, fall back: 02:30 CEST and 02:30 CET in two": (
        "Europe/Paris",
        "HOUR",
        "2026-10-25T00:00:00Z",
        "2026-10-25T02:00:00Z",
        ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"],
        _buckets(("2026-10-25T00:00", "2026-10-25T01:00", 1), ("2026-10-25T01:00", "2026-10-25T02:00", 1)),
    ),
    "Paris, the week of the spring forward: 167 hours": (
        "Europe/Paris",
        "WEEK",
        "2026-03-22T23:00:00Z",
        "2026-03-29T22:00:01Z",
        ["2026-03-29T21:59:59Z", "2026-03-29T22:00:00Z"],
        _buckets(("2026-03-22T23:00", "2026-03-29T22:00", 1), ("2026-03-29T22:00", "2026-04-05T22:00", 1)),
    ),
    "Paris, October: 745 hours": (
        "Europe/Paris",
        "MONTH",
        "2026-10-01T00:00:00Z",
        "2026-10-31T23:00:01Z",
        ["2026-10-31T22:59:59Z", "2026-10-31T23:00:00Z"],
        _buckets(("2026-09-30T22:00", "2026-10-31T23:00", 1), ("2026-10-31T23:00", "2026-11-30T23:00", 1)),
    ),
    "New York, spring forward: a 23-hour day": (
        "America/New_York",
        "DAY",
        "2026-03-08T05:00:00Z",
        "2026-03-09T04:00:01Z",
        ["2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z", "2026-03-09T03:59:59Z", "2026-03-09T04:00:00Z"],
        _buckets(("2026-03-08T05:00", "2026-03-09T04:00", 3), ("2026-03-09T04:00", "2026-03-10T04:00", 1)),
    ),
    "New York, fall back: a 25-hour day": (
        "America/New_York",
        "DAY",
        "2026-11-01T04:00:00Z",
        "2026-11-02T05:00:01Z",
        ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z", "2026-11-02T04:59:59Z", "2026-11-02T05:00:00Z"],
        _buckets(("2026-11-01T04:00", "2026-11-02T05:00", 3), ("2026-11-02T05:00", "2026-11-03T05:00", 1)),
    ),
    "New York hours, spring forward: 01:00 EST, then 03:00 EDT": (
        "America/New_York",
        "HOUR",
        "2026-03-08T06:00:00Z",
        "2026-03-08T08:00:00Z",
        ["2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z"],
        _buckets(("2026-03-08T06:00", "2026-03-08T07:00", 1), ("2026-03-08T07:00", "2026-03-08T08:00", 1)),
    ),
    "New York hours, fall back: 01:30 EDT and 01:30 EST in two": (
        "America/New_York",
        "HOUR",
        "2026-11-01T05:00:00Z",
        "2026-11-01T07:00:00Z",
        ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"],
        _buckets(("2026-11-01T05:00", "2026-11-01T06:00", 1), ("2026-11-01T06:00", "2026-11-01T07:00", 1)),
    ),
    "New York, the week of the fall back: 169 hours": (
        "America/New_York",
        "WEEK",
        "2026-10-26T04:00:00Z",
        "2026-11-02T05:00:01Z",
        ["2026-11-02T04:59:59Z", "2026-11-02T05:00:00Z"],
        _buckets(("2026-10-26T04:00", "2026-11-02T05:00", 1), ("2026-11-02T05:00", "2026-11-09T05:00", 1)),
    ),
    "New York, March: 743 hours": (
        "America/New_York",
        "MONTH",
        "2026-03-01T05:00:00Z",
        "2026-04-01T04:00:01Z",
        ["2026-04-01T03:59:59Z", "2026-04-01T04:00:00Z"],
        _buckets(("2026-03-01T05:00", "2026-04-01T04:00", 1), ("2026-04-01T04:00", "2026-05-01T04:00", 1)),
    ),
    "Lord Howe, half an hour forward: a day of 23.5 hours": (
        "Australia/Lord_Howe",
        "DAY",
        "2026-10-03T13:30:00Z",
        "2026-10-04T13:00:01Z",
        ["2026-10-03T15:29:59Z", "2026-10-03T15:30:00Z", "2026-10-04T12:59:59Z", "2026-10-04T13:00:00Z"],
        _buckets(("2026-10-03T13:30", "2026-10-04T13:00", 3), ("2026-10-04T13:00", "2026-10-05T13:00", 1)),
    ),
    "Lord Howe, half an hour back: a day of 24.5 hours": (
        "Australia/Lord_Howe",
        "DAY",
        "2026-04-04T13:00:00Z",
        "2026-04-05T13:30:01Z",
        ["2026-04-04T14:45:00Z", "2026-04-04T15:15:00Z", "2026-04-05T13:29:59Z", "2026-04-05T13:30:00Z"],
        _buckets(("2026-04-04T13:00", "2026-04-05T13:30", 3), ("2026-04-05T13:30", "2026-04-06T13:30", 1)),
    ),
    "Lord Howe hours, half an hour forward: local 02:30 to 03:00 is a bucket": (
        "Australia/Lord_Howe",
        "HOUR",
        "2026-10-03T14:30:00Z",
        "2026-10-03T17:00:00Z",
        ["2026-10-03T15:29:59Z", "2026-10-03T15:30:00Z", "2026-10-03T15:59:59Z", "2026-10-03T16:00:00Z"],
        _buckets(
            ("2026-10-03T14:30", "2026-10-03T15:30", 1),
            ("2026-10-03T15:30", "2026-10-03T16:00", 2),
            ("2026-10-03T16:00", "2026-10-03T17:00", 1),
        ),
    ),
    "Lord Howe hours, half an hour back: the repeated half hour is a bucket": (
        "Australia/Lord_Howe",
        "HOUR",
        "2026-04-04T14:00:00Z",
        "2026-04-04T16:30:00Z",
        ["2026-04-04T14:59:59Z", "2026-04-04T15:00:00Z", "2026-04-04T15:29:59Z", "2026-04-04T15:30:00Z"],
        _buckets(
            ("2026-04-04T14:00", "2026-04-04T15:00", 1),
            ("2026-04-04T15:00", "2026-04-04T15:30", 2),
            ("2026-04-04T15:30", "2026-04-04T16:30", 1),
        ),
    ),
    "Lord Howe, the week of half an hour forward: 167.5 hours": (
        "Australia/Lord_Howe",
        "WEEK",
        "2026-09-27T13:30:00Z",
        "2026-10-04T13:00:01Z",
        ["2026-10-04T12:59:59Z", "2026-10-04T13:00:00Z"],
        _buckets(("2026-09-27T13:30", "2026-10-04T13:00", 1), ("2026-10-04T13:00", "2026-10-11T13:00", 1)),
    ),
    "Lord Howe, October: 743.5 hours": (
        "Australia/Lord_Howe",
        "MONTH",
        "2026-09-30T13:30:00Z",
        "2026-10-31T13:00:01Z",
        ["2026-09-30T13:29:59Z", "2026-10-31T12:59:59Z", "2026-10-31T13:00:00Z"],
        _buckets(("2026-09-30T13:30", "2026-10-31T13:00", 1), ("2026-10-31T13:00", "2026-11-30T13:00", 1)),
    ),
}


@pytest.mark.parametrize(("zone", "interval", "start", "end", "instants", "expected"), CASES.values(), ids=CASES.keys())
async def test_every_bucket_is_one_local_unit_with_instants(
    api: Api, zone: str, interval: str, start: str, end: str, instants: list[str], expected: list[tuple[str, str, int]]
) -> None:
    await stores.set_timezone(api.db, 123, zone)
    for index, instant in enumerate(instants):
        order = order_body(external_id=f"O-{index}", placed_at=instant, line_items=[])
        assert (await api.post("/orders", order)).status_code == 201
        cart = cart_body(external_id=f"C-{index}", abandoned_at=instant, customer={"phone": "+33698765432"})
        assert (await api.post("/carts", cart)).status_code == 201
    answer = await gql(api, _SERIES, {"from": start, "to": end, "interval": interval})
    assert "errors" not in answer, answer
    assert answer["data"]["storeTimeseries"] == [
        {"start": s, "end": e, "orderCount": count, "cartsAbandoned": count, "cartsRecovered": 0}
        for s, e, count in expected
    ]
