"""SPEC §5 with §3.1 as amended (README, Money): every GraphQL `Decimal` amount renders in its
currency's decimals, as REST does: Order and Cart totals and line prices, a contact's `spent`,
storeStats revenue and average (rounded half-even to the currency's unit); an amount with more
decimals than its currency has is a TOO_PRECISE userError."""

import pytest

from tests.api.graphql.documents import UPSERT_ORDER, gql, order_input
from tests.conftest import cart_body, order_body

# (currency, total sent, line price sent) -> (total rendered, line price rendered)
ORDERS = [
    ("EUR", "49.9", 24.95, "49.90", "24.95"),
    ("JPY", 1500, "750", "1500", "750"),
    ("KWD", "12.3", "6.15", "12.300", "6.150"),
    (None, "0.125", 1, "0.125", "1.00"),
]

QUERY = """{
  orders(storeId: 123, first: 10) { edges { node { externalId totalPrice lineItems { price } } } }
  carts(storeId: 123) { edges { node { externalId totalPrice lineItems { price } } } }
  contact(storeId: 123, phone: "+33612345678") { totals { spent { currency amount } } }
  storeStats(storeId: 123, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") {
    revenue { currency amount average } }
}"""


async def test_amounts_render_in_their_currency_decimals(api):
    for index, (currency, total, price, _, _) in enumerate(ORDERS):
        line_items = [{"quantity": 1, "price": price}]
        common = {"external_id": f"X-{index}", "total_price": total, "currency": currency, "line_items": line_items}
        assert (await api.post("/orders", order_body(**common))).status_code == 201
        assert (await api.post("/carts", cart_body(**common))).status_code == 201
    data = (await gql(api, QUERY))["data"]
    expected = {f"X-{index}": (total, [{"price": price}]) for index, (*_, total, price) in enumerate(ORDERS)}
    for kind in ("orders", "carts"):
        nodes = [edge["node"] for edge in data[kind]["edges"]]
        assert {node["externalId"]: (node["totalPrice"], node["lineItems"]) for node in nodes} == expected
    by_currency = {row[0]: row[3] for row in ORDERS}
    spent = data["contact"]["totals"]["spent"]
    assert {row["currency"]: row["amount"] for row in spent} == by_currency
    revenue = data["storeStats"]["revenue"]
    assert {row["currency"]: (row["amount"], row["average"]) for row in revenue} == {
        "EUR": ("49.90", "49.90"),
        "JPY": ("1500", "1500"),
        "KWD": ("12.300", "12.300"),
        None: ("0.125", "0.12"),  # an average rounds to two decimals without a currency (half-even)
    }


# (currency, order totals) -> the average storeStats gives: rounded half-even to the currency's unit.
AVERAGES = [
    ("EUR", ["0.01", "0.02"], "0.02"),  # 0.015: to the even cent
    ("EUR", ["0.01", "0.04"], "0.02"),  # 0.025: to the even cent, not up
    ("EUR", ["10", "10", "10.01"], "10.00"),  # 10.00333…
    ("EUR", ["10", "10.01", "10.01"], "10.01"),  # 10.00666…
    ("JPY", ["1", "2"], "2"),  # 1.5
    ("JPY", ["1", "4"], "2"),  # 2.5
    ("JPY", ["1000", "1001", "1001"], "1001"),  # 1000.666…
    ("KWD", ["0.001", "0.004"], "0.002"),  # 0.0025
    ("KWD", ["0.001", "0.002"], "0.002"),  # 0.0015
    (None, ["0.01", "0.04"], "0.02"),
    (None, ["0.0001", "0.0004"], "0.00"),
]


@pytest.mark.parametrize(("currency", "totals", "average"), AVERAGES)
async def test_store_stats_averages_round_half_even_to_the_currency_unit(api, currency, totals, average):
    for index, total in enumerate(totals):
        body = order_body(external_id=f"A-{index}", total_price=total, currency=currency, line_items=[])
        assert (await api.post("/orders", body)).status_code == 201
    query = """{ storeStats(storeId: 123, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") {
      revenue { currency average orders } } }"""
    revenue = (await gql(api, query))["data"]["storeStats"]["revenue"]
    assert revenue == [{"currency": currency, "average": average, "orders": len(totals)}]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"currency": "JPY", "totalPrice": "1500.5", "lineItems": []}, ["input", "totalPrice"]),
        ({"currency": "EUR", "totalPrice": "49.901", "lineItems": []}, ["input", "totalPrice"]),
        (
            {"currency": "KWD", "totalPrice": "1", "lineItems": [{"price": "0.0005"}]},
            ["input", "lineItems", "0", "price"],
        ),
    ],
)
async def test_more_decimals_than_the_currency_is_a_too_precise_user_error(api, overrides, field):
    payload = (await gql(api, UPSERT_ORDER, {"input": order_input(**overrides)}))["data"]["upsertOrder"]
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == [(field, "TOO_PRECISE")]
    assert await api.count("orders") == 0
