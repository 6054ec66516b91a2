"""SPEC §7 ("no input ever yields a 500") for GraphQL read arguments: instants out of range are
BAD_USER_INPUT naming the argument's path, as the same values in a write are refused; phone
arguments name their own path. Text no engine can compare (NUL, lone surrogate), in every text
argument of the schema: test_arguments_naming_a_record_refuse_text_no_engine_stores.py."""

from __future__ import annotations

import pytest

from tests.api.calls import gql


@pytest.mark.parametrize(
    ("query", "path"),
    [
        (
            '{ orders(storeId: 123, filter: {placedAfter: "0001-01-01T00:00:00+14:00"}) { totalCount } }',
            ["filter", "placedAfter"],
        ),
        (
            '{ orders(storeId: 123, filter: {placedBefore: "9999-12-31T23:59:59-14:00"}) { totalCount } }',
            ["filter", "placedBefore"],
        ),
        (
            '{ storeStats(storeId: 123, from: "0001-01-01T00:00:00+01:00", to: "2027-01-01T00:00:00Z") { orderCount } }',
            ["from"],
        ),
        (
            '{ storeStats(storeId: 123, from: "2026-01-01T00:00:00Z", to: "9999-12-31T23:59:59-14:00") { orderCount } }',
            ["to"],
        ),
    ],
    ids=["placedAfter", "placedBefore", "storeStats from", "storeStats to"],
)
async def test_an_instant_out_of_range_in_utc_is_bad_user_input(api, query, path):
    body = await gql(api, query, {})
    (error,) = body["errors"]
    assert (error["message"], error["extensions"]) == (
        "The datetime is out of range.",
        {"code": "BAD_USER_INPUT", "field": path},
    )


@pytest.mark.parametrize(
    "query",
    ['{ contact(storeId: 123, phone: "abc") { id } }', '{ contacts(storeId: 123, phone: "abc") { totalCount } }'],
    ids=["contact", "contacts"],
)
async def test_a_bad_phone_argument_names_its_own_path(api, query):
    (error,) = (await gql(api, query, {}))["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": ["phone"]}


@pytest.mark.parametrize("store", ["0123", "000000000000000000000000000123"])
async def test_an_id_with_leading_zeros_is_the_same_number(api, store):
    body = await gql(api, f'{{ store(storeId: "{store}") {{ id }} }}', {})
    assert body == {"data": {"store": {"id": "123"}}}
    response = await api.client.get(f"/api/v1/stores/{store}/orders/NOPE", headers=api.auth())
    assert (response.status_code, response.json()) == (404, {"error": "Order not found"})
