"""A JSON body may begin with a UTF-8 byte order mark (U+FEFF): editors and some PHP sources
put one first. RFC 8259 §8.1 says a sender must not add it and a parser may ignore it; Kanal
ignores it on every way in that reads a JSON body (a single POST, a batch, a PATCH, a GraphQL
POST), reading the text after it exactly as without it. Only first: one anywhere else is the
character it is (a BOM between two values is not JSON)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import order_body

BOM = "\ufeff".encode()
JSON = {"Content-Type": "application/json"}


def _order(external_id: str) -> bytes:
    return json.dumps(order_body(external_id=external_id)).encode()


# name -> (method, path, body after the BOM, status, a field of the answer and its value)
WAYS = {
    "single POST": ("POST", "/orders", _order("BOM-1"), 201, ("external_id", "BOM-1")),
    "batch": ("POST", "/orders/batch", b'{"items": [' + _order("BOM-2") + b"]}", 200, ("results", None)),
    "PATCH": (
        "PATCH",
        "/orders/ORDER-1001",
        b'{"financial_status": "refunded"}',
        200,
        ("financial_status", "refunded"),
    ),
}


@pytest.mark.parametrize("way", WAYS)
async def test_a_bom_first_is_ignored(api, way: str) -> None:
    method, path, body, status, (field, value) = WAYS[way]
    if method == "PATCH":
        assert (await api.post("/orders", order_body())).status_code == 201
    response = await api.raw(method, path, BOM + body, **JSON)
    assert response.status_code == status, response.text
    if value is None:
        assert [result["status"] for result in response.json()[field]] == [201]
    else:
        assert response.json()[field] == value
    stored = {"single POST": ["BOM-1"], "batch": ["BOM-2"], "PATCH": ["ORDER-1001"]}[way]
    assert [row["external_id"] for row in await api.rows("orders")] == stored


async def test_a_bom_first_is_ignored_by_graphql(api) -> None:
    body = BOM + b'{"query": "{ __typename }"}'
    response = await api.client.post("/graphql", content=body, headers={**api.auth(), **JSON})
    assert (response.status_code, response.json()) == (200, {"data": {"__typename": "Query"}})


async def test_a_bom_after_the_first_character_is_not_json(api) -> None:
    before = await api.snapshot()
    response = await api.raw("POST", "/orders", b" " + BOM + _order("BOM-3"), **JSON)
    assert (response.status_code, response.json()["error"]) == (
        400,
        "The request body is not valid JSON: Expecting value: line 1 column 2 (char 1)",
    )
    assert await api.snapshot() == before
