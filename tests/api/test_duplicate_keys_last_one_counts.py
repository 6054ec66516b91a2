"""A JSON object that repeats a name (RFC 8259 §4 leaves it to the parser): the last occurrence
counts, and the value validated is the value stored, so no parser difference can let an invalid
value through. The refused forms (last value invalid) are in tests/api/corpora/bodies/duplicate_keys.json."""

from __future__ import annotations

import json

from tests.conftest import Api, order_body


async def test_a_repeated_name_keeps_its_last_value(api: Api) -> None:
    body = json.dumps(order_body(external_id="ORDER-DUP")).replace(
        '"total_price": 49.9', '"total_price": -1, "total_price": 3'
    )
    assert body.count('"total_price"') == 2
    response = await api.raw("POST", "/orders", body.encode(), **{"content-type": "application/json"})
    assert response.status_code == 201, response.text
    assert response.json()["total_price"] == "3.00"
    assert (await api.get("/orders/ORDER-DUP")).json()["total_price"] == "3.00"
