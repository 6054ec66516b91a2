"""README "Batches": at most 1,000 items (422 beyond) and 5 MiB (413 beyond); `items` must be a
non-empty list (absent or null: `required`); an item that is not an object is refused alone. A refused batch changes nothing."""

from __future__ import annotations

import json

import pytest

from tests.conftest import order_body

MIB = 1024 * 1024


def _orders(count: int, padding: int = 0) -> list[dict[str, object]]:
    return [order_body(external_id=f"L-{n}", note="x" * padding) for n in range(count)]


# (name, body, HTTP status, field codes of a 422)
REFUSED = [
    ("1,001 items", {"items": _orders(1001)}, 422, {"items": ["out_of_range"]}),
    ("empty items", {"items": []}, 422, {"items": ["required"]}),
    ("no items", {}, 422, {"items": ["required"]}),
    ("items an object", {"items": {"external_id": "L-1"}}, 422, {"items": ["invalid_type"]}),
    ("items a string", {"items": "L-1"}, 422, {"items": ["invalid_type"]}),
    ("items null", {"items": None}, 422, {"items": ["required"]}),
    ("over 5 MiB", {"items": _orders(6, padding=MIB)}, 413, None),
]


@pytest.mark.parametrize(("body", "status", "codes"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
async def test_a_batch_beyond_the_limits_is_refused_whole(api, body, status, codes):
    before = await api.snapshot()
    response = await api.raw("POST", "/orders/batch", json.dumps(body).encode(), **{"content-type": "application/json"})
    assert response.status_code == status
    if codes is None:
        assert set(response.json()) == {"error"}
    else:
        assert response.json()["codes"] == codes
    assert await api.snapshot() == before


# body -> what the 422 says of `items`
SAID = {
    "no items": ({}, "The items field is required."),
    "items null": ({"items": None}, "The items field is required."),
    "items an object": ({"items": {}}, "items must be a list of objects."),
    "empty items": ({"items": []}, "items must hold at least one item."),
}


@pytest.mark.parametrize("name", SAID)
async def test_what_a_refused_batch_says_of_its_items(api, name):
    body, message = SAID[name]
    response = await api.post("/orders/batch", body)
    assert (response.status_code, response.json()["errors"]) == (422, {"items": [message]})


@pytest.mark.parametrize("item", [1, "L-1", None, [order_body()], True], ids=repr)
async def test_an_item_that_is_not_an_object_is_refused_alone(api, item):
    response = await api.post("/orders/batch", {"items": [item, order_body()]})
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "index": 0,
            "external_id": None,
            "status": 422,
            "message": "An item must be a JSON object.",
            "errors": {"": ["An item must be a JSON object."]},
            "codes": {"": ["invalid_type"]},
        },
        {"index": 1, "external_id": "ORDER-1001", "status": 201, "automations": []},
    ]
    assert await api.count("orders") == 1


async def test_1000_items_over_the_single_body_limit_are_one_batch(api):
    items = [order_body(external_id=f"L-{n}", customer={"phone": "+33612345678"}, note="x" * 3000) for n in range(1000)]
    body = json.dumps({"items": items}).encode()
    assert 2 * MIB < len(body) < 5 * MIB
    response = await api.raw("POST", "/orders/batch", body, **{"content-type": "application/json"})
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == [201] * 1000
    assert await api.count("orders") == 1000
    assert await api.count("events") == 1000
