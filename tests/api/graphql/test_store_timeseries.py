"""storeTimeseries (issue 16; README, "Time series"): per bucket of the store's timezone, zero-
filled, orders and revenue per currency, carts abandoned and recovered; counted in SQL on both
engines. Store 123's region is FR: its timezone is Europe/Paris."""

from __future__ import annotations

import pytest

from app.services import stores
from tests.api.graphql.documents import gql
from tests.conftest import Api, cart_body, order_body

_SERIES = """query($from: DateTime!, $to: DateTime!, $interval: StatsInterval!) {
  storeTimeseries(storeId: 123, from: $from, to: $to, interval: $interval) {
    start end orderCount revenue { currency amount orders average } cartsAbandoned cartsRecovered } }"""


async def _order(api: Api, external_id: str, placed_at: str, total: str, currency: str = "EUR") -> None:
    body = order_body(external_id=external_id, placed_at=placed_at, total_price=total, currency=currency, line_items=[])
    assert (await api.post("/orders", body)).status_code == 201


async def _series(api: Api, start: str, end: str, interval: str = "DAY") -> list[dict]:
    answer = await gql(api, _SERIES, {"from": start, "to": end, "interval": interval})
    assert "errors" not in answer, answer
    return answer["data"]["storeTimeseries"]


async def test_days_follow_paris_across_the_spring_change(api: Api) -> None:
    await _order(api, "O-1", "2026-03-28T22:59:59Z", "10.00")  # 23:59:59 on the 28th in Paris
    await _order(api, "O-2", "2026-03-28T23:00:00Z", "20.00")  # 00:00 on the 29th
    await _order(api, "O-3", "2026-03-29T21:59:59Z", "30.00")  # 23:59:59 on the 29th (CEST)
    await _order(api, "O-4", "2026-03-29T22:00:00Z", "1500", currency="JPY")  # the 30th
    await _order(api, "O-5", "2026-03-29T22:30:00Z", "45.01")
    series = await _series(api, "2026-03-27T23:00:00Z", "2026-03-30T22:00:00Z")
    assert series == [
        {
            "start": "2026-03-27T23:00:00+00:00",
            "end": "2026-03-28T23:00:00+00:00",
            "orderCount": 1,
            "revenue": [{"currency": "EUR", "amount": "10.00", "orders": 1, "average": "10.00"}],
            "cartsAbandoned": 0,
            "cartsRecovered": 0,
        },
        {
            "start": "2026-03-28T23:00:00+00:00",
            "end": "2026-03-29T22:00:00+00:00",  # 23 hours
            "orderCount": 2,
            "revenue": [{"currency": "EUR", "amount": "50.00", "orders": 2, "average": "25.00"}],
            "cartsAbandoned": 0,
            "cartsRecovered": 0,
        },
        {
            "start": "2026-03-29T22:00:00+00:00",
            "end": "2026-03-30T22:00:00+00:00",
            "orderCount": 2,
            "revenue": [
                {"currency": "EUR", "amount": "45.01", "orders": 1, "average": "45.01"},
                {"currency": "JPY", "amount": "1500", "orders": 1, "average": "1500"},
            ],
            "cartsAbandoned": 0,
            "cartsRecovered": 0,
        },
    ]


async def test_the_fall_back_day_has_25_hours(api: Api) -> None:
    await _order(api, "O-1", "2026-10-25T00:30:00Z", "10.00")  # 02:30 CEST
    await _order(api, "O-2", "2026-10-25T01:30:00Z", "10.00")  # 02:30 CET, the repeated hour
    await _order(api, "O-3", "2026-10-25T22:59:00Z", "10.00")  # 23:59 CET
    series = await _series(api, "2026-10-25T00:00:00Z", "2026-10-25T12:00:00Z")
    assert [(b["start"], b["end"], b["orderCount"]) for b in series] == [
        ("2026-10-24T22:00:00+00:00", "2026-10-25T23:00:00+00:00", 3)
    ]


async def test_empty_buckets_are_zero_and_carts_are_counted(api: Api) -> None:
    await api.post("/carts", cart_body(external_id="C-1", abandoned_at="2026-05-02T10:00:00Z"))
    await api.post("/carts", cart_body(external_id="C-2", abandoned_at="2026-05-02T11:00:00Z"))
    await api.patch("/carts/C-2", {"status": "recovered"})
    await api.post("/carts", cart_body(external_id="C-3", abandoned_at="2026-05-04T10:00:00Z"))
    series = await _series(api, "2026-05-01T00:00:00+02:00", "2026-05-05T00:00:00+02:00")
    assert [(b["start"], b["orderCount"], b["revenue"], b["cartsAbandoned"], b["cartsRecovered"]) for b in series] == [
        ("2026-04-30T22:00:00+00:00", 0, [], 0, 0),
        ("2026-05-01T22:00:00+00:00", 0, [], 2, 1),
        ("2026-05-02T22:00:00+00:00", 0, [], 0, 0),
        ("2026-05-03T22:00:00+00:00", 0, [], 1, 0),
    ]


@pytest.mark.parametrize(
    ("interval", "start", "end", "starts"),
    [
        (
            "HOUR",
            "2026-05-18T10:15:00Z",
            "2026-05-18T12:00:00Z",
            ["2026-05-18T10:00:00+00:00", "2026-05-18T11:00:00+00:00"],
        ),
        (
            "WEEK",
            "2026-05-18T10:00:00Z",
            "2026-05-30T00:00:00Z",
            ["2026-05-17T22:00:00+00:00", "2026-05-24T22:00:00+00:00"],
        ),
        (
            "MONTH",
            "2026-05-18T10:00:00Z",
            "2026-06-02T00:00:00Z",
            ["2026-04-30T22:00:00+00:00", "2026-05-31T22:00:00+00:00"],
        ),
    ],
)
async def test_every_interval_holds_the_order(api: Api, interval: str, start: str, end: str, starts: list[str]) -> None:
    await _order(api, "O-1", "2026-05-18T10:00:00Z", "49.90")
    series = await _series(api, start, end, interval)
    assert [b["start"] for b in series] == starts
    assert [b["orderCount"] for b in series] == [1, 0]


async def test_the_stores_timezone_is_used(api: Api) -> None:
    await _order(api, "O-1", "2026-05-18T23:30:00Z", "49.90")  # the 19th in Paris, the 18th in New York
    await stores.set_timezone(api.db, 123, "America/New_York")
    answer = await gql(api, "{ store(id: 123) { timezone } }")
    assert answer["data"]["store"] == {"timezone": "America/New_York"}
    series = await _series(api, "2026-05-18T12:00:00Z", "2026-05-19T12:00:00Z")
    assert [(b["start"], b["orderCount"]) for b in series] == [
        ("2026-05-18T04:00:00+00:00", 1),
        ("2026-05-19T04:00:00+00:00", 0),
    ]


async def test_a_new_store_has_its_regions_timezone(api: Api) -> None:
    assert (await gql(api, "{ store(id: 123) { timezone } }"))["data"]["store"] == {"timezone": "Europe/Paris"}


# (arguments) -> (message, field): BAD_USER_INPUT, nothing computed
REFUSED = {
    "to before from": (
        'from: "2026-05-02T00:00:00Z", to: "2026-05-01T00:00:00Z"',
        "`to` must be after `from`.",
        ["to"],
    ),
    "to equal to from": (
        'from: "2026-05-01T00:00:00Z", to: "2026-05-01T00:00:00Z"',
        "`to` must be after `from`.",
        ["to"],
    ),
    "1,001 hours": (
        'from: "2026-01-01T00:00:00Z", to: "2026-02-11T17:00:00Z", interval: HOUR',
        "The period holds more than 1000 buckets of one hour.",
        ["interval"],
    ),
    "4 years of days": (
        'from: "2026-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z"',
        "The period holds more than 1000 buckets of one day.",
        ["interval"],
    ),
}


@pytest.mark.parametrize(("arguments", "message", "field"), REFUSED.values(), ids=REFUSED.keys())
async def test_bad_periods_are_bad_user_input(api: Api, arguments: str, message: str, field: list[str]) -> None:
    answer = await gql(api, f"{{ storeTimeseries(storeId: 123, {arguments}) {{ start }} }}")
    assert answer["data"] is None
    assert [(e["message"], e["extensions"]) for e in answer["errors"]] == [
        (message, {"code": "BAD_USER_INPUT", "field": field})
    ]


async def test_another_stores_orders_are_not_counted(api: Api) -> None:
    await _order(api, "O-1", "2026-05-18T10:00:00Z", "49.90")
    await stores.create_store(api.db, 124, "Other shop", "FR")
    answer = await gql(
        api,
        '{ storeTimeseries(storeId: 124, from: "2026-05-18T00:00:00Z", to: "2026-05-19T00:00:00Z") { orderCount } }',
    )
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
