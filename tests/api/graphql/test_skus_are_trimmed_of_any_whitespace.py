"""README "Top products": a line's `sku` is trimmed of any Unicode whitespace (`str.isspace`, as
a blank is read everywhere) when its product is keyed, on both ways `topProducts` counts: the
daily summary (whole UTC days) and the line items of the hours at a period's edges. A sku of
whitespace alone is none: the line is grouped by its title. Before, spaces alone were trimmed:
`"\\tT1\\n"` and `"T1\\u00a0"` were products apart from `"T1"`."""

from __future__ import annotations

import pytest

from tests.api.graphql.documents import gql
from tests.conftest import Api, order_body

WHITESPACE = {
    "space": " ",
    "tab": "\t",
    "line feed": "\n",
    "carriage return": "\r",
    "vertical tab": "\x0b",
    "form feed": "\x0c",
    "next line": "\x85",
    "no-break space": "\xa0",
    "em space": "\u2003",
    "line separator": "\u2028",
    "narrow no-break space": "\u202f",
    "ideographic space": "\u3000",
}
# how topProducts counts the period: its whole UTC days from the daily summary, or every hour
# of it from the orders' line items (a period inside one day has no whole day)
PERIODS = {
    "whole days": ("2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z"),
    "edge hours": ("2026-05-01T09:00:00Z", "2026-05-01T11:00:00Z"),
}
TOP = """query($from: DateTime!, $to: DateTime!) {
  topProducts(storeId: 123, from: $from, to: $to) { sku title quantity orders } }"""


@pytest.mark.parametrize("period", list(PERIODS))
@pytest.mark.parametrize("name", list(WHITESPACE))
async def test_a_sku_is_one_product_whatever_whitespace_wraps_it(api: Api, name: str, period: str) -> None:
    blank = WHITESPACE[name]
    lines = [
        {"sku": "T1", "title": "Tee", "quantity": 1, "price": "10.00"},
        {"sku": f"{blank}T1{blank}", "title": "Tee", "quantity": 2, "price": "10.00"},
        {"sku": f"T1{blank}", "title": "Tee", "quantity": 3, "price": "10.00"},
        {"sku": blank * 2, "title": "Note", "quantity": 1, "price": "0.00"},
    ]
    body = order_body(external_id="O-1", placed_at="2026-05-01T10:00:00Z", total_price="60.00", line_items=lines)
    assert (await api.post("/orders", body)).status_code == 201
    first, last = PERIODS[period]
    answer = await gql(api, TOP, {"from": first, "to": last})
    assert answer["data"]["topProducts"] == [
        {"sku": "T1", "title": "Tee", "quantity": 6.0, "orders": 1},
        {"sku": None, "title": "Note", "quantity": 1.0, "orders": 1},
    ], answer
