"""Search is a literal, case-sensitive prefix of the external id (README, "Search": an index
range scan, not a substring), in `orders(filter: {search})` and `contacts(search)`: LIKE
metacharacters match only themselves."""

from __future__ import annotations

import pytest

from tests.api.calls import gql
from tests.conftest import Api, order_body

SEARCH_IDS = ["%-order", "_-order", "\\-order", "A%B", "A_B", "AXB", "ORDER-9", "order-9"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        pytest.param("%", ["%-order"], id="percent"),
        pytest.param("_", ["_-order"], id="underscore"),
        pytest.param("\\", ["\\-order"], id="backslash"),
        pytest.param("A%", ["A%B"], id="percent inside"),
        pytest.param("A_", ["A_B"], id="underscore inside"),
        pytest.param("' OR 1=1 --", [], id="sql"),
        pytest.param("ORDER-", ["ORDER-9"], id="upper-case prefix"),
        pytest.param("order-", ["order-9"], id="lower-case prefix"),
    ],
)
async def test_search_is_a_literal_case_sensitive_prefix(api: Api, search: str, expected: list[str]) -> None:
    """LIKE metacharacters are literal and the prefix is case-sensitive on both engines (SQLite's
    LIKE ignores ASCII case unless told otherwise: 'order-' once matched 'ORDER-9' there only)."""
    for serial, external_id in enumerate(SEARCH_IDS):
        phone = f"+336123{serial:05d}"
        customer = {"external_id": external_id, "phone": phone}
        assert (await api.post("/orders", order_body(external_id=external_id, customer=customer))).status_code == 201
    found_orders = await gql(
        api,
        "query($s: String!) { orders(storeId: 123, first: 100, filter: {search: $s}) { edges { node { externalId } } } }",
        {"s": search},
    )
    found_contacts = await gql(
        api,
        "query($s: String!) { contacts(storeId: 123, first: 100, search: $s) { edges { node { externalId } } } }",
        {"s": search},
    )
    assert sorted(edge["node"]["externalId"] for edge in found_orders["data"]["orders"]["edges"]) == sorted(expected)
    assert sorted(edge["node"]["externalId"] for edge in found_contacts["data"]["contacts"]["edges"]) == sorted(
        expected
    )
