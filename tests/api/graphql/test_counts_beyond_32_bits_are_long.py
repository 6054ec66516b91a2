"""SPEC §3.4 (lifetime_value, orders_count: integers >= 0, accepted up to 2^62) through GraphQL,
whose Int holds 32 bits: they are the Long scalar, in and out."""

from __future__ import annotations

import pytest

from tests.api.graphql.documents import gql

BIG = [2**31, 10**12, 2**62]


@pytest.mark.parametrize("value", BIG)
async def test_a_count_rest_accepted_reads_back_through_graphql(api, value):
    body = {
        "external_id": "BIG",
        "phone": "+33611118888",
        "lifetime_value": value,
        "orders_count": value,
        "updated_at": "2026-09-01T12:00:00Z",
    }
    assert (await api.post("/customers", body)).status_code == 201
    # an older write is stale: the payload answers the stored customer, as REST stored it
    query = 'mutation { upsertCustomer(storeId: 123, input: {externalId: "BIG", phone: "+33611118888", lifetimeValue: 1, updatedAt: "2026-09-01T11:00:00Z"}) { customer { lifetimeValue ordersCount } stale userErrors { code } } }'
    body = await gql(api, query)
    assert body == {
        "data": {
            "upsertCustomer": {
                "customer": {"lifetimeValue": value, "ordersCount": value},
                "stale": True,
                "userErrors": [],
            }
        }
    }


@pytest.mark.parametrize("value", BIG)
async def test_a_count_beyond_32_bits_is_accepted_by_the_mutation(api, value):
    query = 'mutation($v: Long) { upsertCustomer(storeId: 123, input: {externalId: "BIG", phone: "+33611118888", lifetimeValue: $v}) { customer { lifetimeValue } userErrors { code } } }'
    payload = (await gql(api, query, {"v": value}))["data"]["upsertCustomer"]
    assert payload == {"customer": {"lifetimeValue": value}, "userErrors": []}


async def test_a_count_beyond_2_to_the_62_is_a_user_error(api):
    query = 'mutation($v: Long) { upsertCustomer(storeId: 123, input: {externalId: "BIG", phone: "+33611118888", lifetimeValue: $v}) { customer { lifetimeValue } userErrors { field code } } }'
    payload = (await gql(api, query, {"v": 2**62 + 1}))["data"]["upsertCustomer"]
    assert payload == {"customer": None, "userErrors": [{"field": ["input", "lifetimeValue"], "code": "OUT_OF_RANGE"}]}
