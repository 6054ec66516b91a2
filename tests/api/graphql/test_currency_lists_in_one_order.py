"""Every per-currency list of the dashboards (storeStats' and storeTimeseries' revenue, a
contact's spent) comes in one order on both engines: by ISO 4217 code, the orders sent without
a currency last (`app.read.revenue.currency_order`). A GROUP BY alone promised none (PostgreSQL
may hash its groups), and the lists that had an ORDER BY put orders without a currency first on
SQLite and last on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.api.graphql.documents import gql
from tests.conftest import Api, order_body

# May in Paris (store 123's timezone) is one bucket of the series
_READS = """{
  storeStats(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { revenue { currency } }
  storeTimeseries(storeId: 123, from: "2026-04-30T22:00:00Z", to: "2026-05-31T22:00:00Z", interval: MONTH) {
    revenue { currency } }
  contact(storeId: 123, phone: "+33612345678") { totals { spent { currency } } }
}"""

# the order they are sent in, each twice as another arrangement of the same currencies
SENT = {
    "none first": [None, "USD", "EUR", "JPY"],
    "none last": ["JPY", "EUR", "USD", None],
    "none between": ["USD", None, "JPY", "EUR"],
}


@pytest.mark.parametrize("currencies", SENT.values(), ids=SENT.keys())
async def test_per_currency_lists_go_by_code_without_currency_last(api: Api, currencies: list[str | None]) -> None:
    for n, currency in enumerate(currencies):
        body = order_body(external_id=f"O-{n}", placed_at=f"2026-05-1{n}T10:00:00Z", total_price=10, line_items=[])
        if currency is None:
            del body["currency"]
        else:
            body["currency"] = currency
        assert (await api.post("/orders", body)).status_code == 201
    answer = await gql(api, _READS)
    assert "errors" not in answer, answer
    data = answer["data"]
    expected = ["EUR", "JPY", "USD", None]
    assert [r["currency"] for r in data["storeStats"]["revenue"]] == expected
    assert [[r["currency"] for r in bucket["revenue"]] for bucket in data["storeTimeseries"]] == [expected]
    assert [s["currency"] for s in data["contact"]["totals"]["spent"]] == expected
