"""Every DateTime argument bounds a period or a filter (`from`, `to`, `placedAfter`,
`placedBefore`), and a stored instant is a whole microsecond. A bound written with a fraction
past the microsecond (RFC 3339 takes any length) now rounds up to the next microsecond
(`types.parse_utc_bound`), so it holds exactly the instants it holds as written. Cut down, as a
stored instant is, `from: …10:00:00.0000001Z` took in an order placed at 10:00:00, `to` of that
instant left it out, and a period from 10:00:00 to 10:00:00.0000001 was refused as not ending
after it starts. Walks the same table of every DateTime argument as
test_datetime_arguments_are_read_like_rest; storeTimeseries, whose buckets are the store's
whole local days, months…, holds the buckets its period touches."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.calls import gql
from tests.api.graphql.test_datetime_arguments_are_read_like_rest import DOCUMENTS
from tests.conftest import Api, cart_body, order_body, shipment_body

AT = "2026-05-18T10:00:00Z"  # the order's placed_at, the cart's abandoned_at, the shipment's report
# bound as written -> (counted as a lower bound: from, placedAfter; as an upper bound: to, placedBefore)
BOUNDS: dict[str, tuple[int, int]] = {
    "2026-05-18T10:00:00.0000001Z": (0, 1),  # a tenth of a microsecond after
    "2026-05-18T10:00:00.000000999Z": (0, 1),
    "2026-05-18T09:59:59.9999991Z": (1, 0),  # just before
    "2026-05-18T10:00:00.0000000Z": (1, 0),  # the instant itself, zeros past the microsecond
    "2026-05-18T10:00:00.000000Z": (1, 0),
    "2026-05-18T12:00:00.0000001+02:00": (0, 1),  # the same instants in another offset
    "2026-05-18T11:59:59.9999991+02:00": (1, 0),
}
ANALYTICS = ["storeStats", "storeTimeseries", "topProducts", "recoveryFunnel", "carrierPerformance"]
SELECTED = {
    "storeStats": "orderCount",
    "storeTimeseries": "orderCount",
    "topProducts": "sku",
    "recoveryFunnel": "cartsAbandoned",
    "carrierPerformance": "shipments",
}


async def _written(api: Api) -> None:
    assert (await api.post("/orders", order_body(placed_at=AT))).status_code == 201
    assert (await api.post("/carts", cart_body(abandoned_at=AT))).status_code == 201
    assert (await api.post("/shipments", shipment_body(updated_at=AT))).status_code == 201


def _counted(answer: Any) -> int:
    """What a field's answer counts: a list's numbers added up (a product row counts 1)."""
    if isinstance(answer, list):
        return sum(_counted(item) for item in answer)
    if isinstance(answer, dict):
        (value,) = answer.values()
        return value if isinstance(value, int) else 1
    raise AssertionError(answer)


EXACT = [argument for argument in DOCUMENTS if argument[0] != "storeTimeseries"]
# `to` as written (store 123: Europe/Paris, +02:00 in May) -> the DAY buckets from May 18 on
DAYS_TOUCHED = {
    "2026-05-19T00:00:00+02:00": 1,
    "2026-05-19T00:00:00.0000000+02:00": 1,
    "2026-05-19T00:00:00.0000001+02:00": 2,  # a tenth of a microsecond of May 19
    "2026-05-18T22:00:00.000000001Z": 2,
}


def test_every_datetime_argument_is_tried() -> None:
    assert set(EXACT) | {("storeTimeseries", ("from",)), ("storeTimeseries", ("to",))} == set(DOCUMENTS)


@pytest.mark.parametrize("bound", list(BOUNDS))
@pytest.mark.parametrize("argument", EXACT, ids=[f"{n}.{'.'.join(p)}" for n, p in EXACT])
async def test_a_bound_holds_the_instants_it_holds_as_written(
    api: Api, argument: tuple[str, tuple[str, ...]], bound: str
) -> None:
    await _written(api)
    body = await gql(api, "{ " + DOCUMENTS[argument].format(v=json.dumps(bound)) + " }")
    assert "errors" not in body, body
    lower = argument[1][-1] in ("from", "placedAfter")
    assert _counted(body["data"][argument[0]]) == BOUNDS[bound][0 if lower else 1]


@pytest.mark.parametrize("field", ANALYTICS)
async def test_a_period_a_tenth_of_a_microsecond_long_holds_its_instant(api: Api, field: str) -> None:
    await _written(api)
    period = f'from: "{AT}", to: "2026-05-18T10:00:00.0000001Z"'
    extra = ", interval: HOUR" if field == "storeTimeseries" else ""
    body = await gql(api, f"{{ {field}(storeId: 123, {period}{extra}) {{ {SELECTED[field]} }} }}")
    assert "errors" not in body, body
    assert _counted(body["data"][field]) == 1


@pytest.mark.parametrize("to", list(DAYS_TOUCHED))
async def test_a_time_series_holds_each_day_its_period_touches(api: Api, to: str) -> None:
    document = '{ storeTimeseries(storeId: 123, from: "2026-05-18T00:00:00+02:00", to: %s, interval: DAY) { start } }'
    body = await gql(api, document % json.dumps(to))
    assert "errors" not in body, body
    assert len(body["data"]["storeTimeseries"]) == DAYS_TOUCHED[to]
