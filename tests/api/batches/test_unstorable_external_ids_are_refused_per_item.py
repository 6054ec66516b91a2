"""An item whose external_id holds text no engine stores (a lone surrogate, a NUL) is refused
on its own, 422 `invalid_characters` with `external_id: null` in its result, on every batch
resource; its neighbours are written (the batch answered 500 while its other items were
written: no JSON answer can repeat a lone surrogate)."""

import json

import pytest

from tests.conftest import order_body

RESOURCES = ["orders", "carts", "checkouts", "customers", "shipments"]
UNSTORABLE = {"high surrogate": "\\ud800", "low surrogate": "A\\udfff", "NUL": "A\\u0000B"}


@pytest.mark.parametrize("text", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize("resource", RESOURCES)
async def test_an_unstorable_external_id_is_refused_on_its_item(api, resource, text):
    neighbour = json.dumps(order_body(external_id="NEIGHBOUR"))
    body = f'{{"items": [{neighbour}, {{"external_id": "{text}"}}]}}'.encode()
    answer = await api.raw("POST", f"/{resource}/batch", body, **{"Content-Type": "application/json"})

    assert answer.status_code == 200, answer.text
    refused = answer.json()["results"][1]
    assert (refused["index"], refused["external_id"], refused["status"]) == (1, None, 422)
    assert refused["codes"]["external_id"] == ["invalid_characters"]


async def test_the_neighbours_of_an_unstorable_external_id_are_written(api):
    neighbour = json.dumps(order_body(external_id="NEIGHBOUR"))
    body = f'{{"items": [{neighbour}, {{"external_id": "\\ud800"}}]}}'.encode()
    answer = await api.raw("POST", "/orders/batch", body, **{"Content-Type": "application/json"})

    assert [result["status"] for result in answer.json()["results"]] == [201, 422]
    assert [row["external_id"] for row in await api.rows("orders")] == ["NEIGHBOUR"]
