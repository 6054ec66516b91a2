"""README "Batches": upsertOrders, upsertCarts, upsertCustomers and createShipments write each
input as the single mutation would, in order, with userErrors per input under [inputs, index];
an empty list or one over 1,000 is BAD_USER_INPUT and changes nothing."""

from __future__ import annotations

import pytest

from tests.api.calls import gql

ORDER = '{{externalId: "{id}", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, currency: "{currency}", customer: {{phone: "+33611111111"}}}}'


def _order(external_id: str, currency: str = "EUR") -> str:
    return ORDER.format(id=external_id, currency=currency)


async def test_each_input_gets_its_own_payload_in_order(api):
    inputs = ", ".join([_order("G-1"), _order("G-2", currency="EURO"), _order("G-1"), _order("G-3")])
    query = f"mutation {{ upsertOrders(storeId: 123, backfill: true, inputs: [{inputs}]) {{ results {{ order {{ externalId }} created stale userErrors {{ field code }} }} }} }}"
    results = (await gql(api, query))["data"]["upsertOrders"]["results"]
    assert results == [
        {"order": {"externalId": "G-1"}, "created": True, "stale": False, "userErrors": []},
        {
            "order": None,
            "created": None,
            "stale": None,
            "userErrors": [{"field": ["inputs", "1", "currency"], "code": "INVALID_CURRENCY"}],
        },
        {"order": {"externalId": "G-1"}, "created": False, "stale": False, "userErrors": []},
        {"order": {"externalId": "G-3"}, "created": True, "stale": False, "userErrors": []},
    ]
    assert sorted(row["external_id"] for row in await api.rows("orders")) == ["G-1", "G-3"]
    assert [row["backfill"] for row in await api.rows("events")] == [True, True]


async def test_every_resource_has_its_batch_mutation(api):
    await gql(api, f"mutation {{ upsertOrder(storeId: 123, input: {_order('G-1')}) {{ created }} }}")
    documents = {
        "createShipments": '[{externalId: "S-1", orderExternalId: "G-1"}, {externalId: "S-2", orderExternalId: "NOPE"}]',
        "upsertCarts": '[{externalId: "C-1", abandonedAt: "2026-05-18T09:00:00Z", totalPrice: 1, customer: {phone: "+33611111111"}}, {externalId: "C-2", abandonedAt: "2026-05-18T09:00:00Z", totalPrice: 1, currency: "EURO", customer: {phone: "+33611111111"}}]',
        "upsertCustomers": '[{externalId: "CU-1", phone: "+33611111111"}, {externalId: "CU-2", phone: "nope"}]',
    }
    for field, inputs in documents.items():
        query = (
            f"mutation {{ {field}(storeId: 123, inputs: {inputs}) {{ results {{ created userErrors {{ field }} }} }} }}"
        )
        results = (await gql(api, query))["data"][field]["results"]
        assert [(r["created"], [e["field"][:2] for e in r["userErrors"]]) for r in results] == [
            (True, []),
            (None, [["inputs", "1"]]),
        ], field
    assert [len(await api.rows(table)) for table in ("shipments", "carts", "customers")] == [1, 1, 1]


@pytest.mark.parametrize(
    ("count", "message"),
    [(0, "inputs must hold at least one item."), (1001, "A batch holds at most 1,000 items; this one holds 1,001.")],
)
async def test_an_empty_or_oversized_list_is_bad_user_input(api, count, message):
    inputs = [
        {
            "externalId": f"G-{n}",
            "placedAt": "2026-05-18T10:00:00Z",
            "totalPrice": 1,
            "customer": {"phone": "+33611111111"},
        }
        for n in range(count)
    ]
    query = "mutation($inputs: [OrderInput!]!) { upsertOrders(storeId: 123, inputs: $inputs) { results { created } } }"
    body = await gql(api, query, {"inputs": inputs})
    (error,) = body["errors"]
    assert (error["message"], error["extensions"]) == (message, {"code": "BAD_USER_INPUT", "field": ["inputs"]})
    assert await api.count("orders") == 0
