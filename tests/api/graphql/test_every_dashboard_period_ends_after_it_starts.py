"""Every dashboard field over a period [from, to) refuses a period whose `to` is not after its
`from`: BAD_USER_INPUT at `to`, never an empty answer (storeStats answered zeros while the
other four refused it)."""

import pytest

from tests.api.calls import gql

FIELDS = {
    "storeStats": "storeStats(storeId: 123, from: $from, to: $to) { orderCount }",
    "storeTimeseries": "storeTimeseries(storeId: 123, from: $from, to: $to) { start }",
    "topProducts": "topProducts(storeId: 123, from: $from, to: $to) { sku }",
    "recoveryFunnel": "recoveryFunnel(storeId: 123, from: $from, to: $to) { cartsAbandoned }",
    "carrierPerformance": "carrierPerformance(storeId: 123, from: $from, to: $to) { carrier }",
}
PERIODS = {
    "to before from": {"from": "2026-06-01T00:00:00Z", "to": "2026-05-01T00:00:00Z"},
    "to equal to from": {"from": "2026-05-01T00:00:00Z", "to": "2026-05-01T00:00:00Z"},
    "to an instant before from in another offset": {"from": "2026-05-01T02:00:00+02:00", "to": "2026-04-30T23:59:59Z"},
}


@pytest.mark.parametrize("period", PERIODS.values(), ids=list(PERIODS))
@pytest.mark.parametrize("field", FIELDS, ids=list(FIELDS))
async def test_a_period_that_does_not_end_after_it_starts_is_bad_user_input(api, field, period):
    answer = await gql(api, f"query($from: DateTime!, $to: DateTime!) {{ {FIELDS[field]} }}", period)
    assert [(e["message"], e["extensions"], e["path"]) for e in answer["errors"]] == [
        ("`to` must be after `from`.", {"code": "BAD_USER_INPUT", "field": ["to"]}, [field])
    ]
