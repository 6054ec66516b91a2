"""README "Batches": an item larger than a single POST's body may be (1 MiB, measured as its
compact JSON) is refused on its own item, `422` with code `too_large` on field `""`, its
neighbours written, where the single POST of it answers `413`; the same rule for every
resource. An item of exactly the limit is written, as a single POST of it is."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import cart_body, order_body, shipment_body

MIB = 1024 * 1024
SINGLE_413 = {"error": f"The request body is larger than {MIB:,} bytes."}


def _customer(**overrides: Any) -> dict[str, Any]:
    return {"external_id": "CU-1", "phone": "+33612345678", "first_name": "Marie", **overrides}


def _compact(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def _sized(make: Callable[..., dict[str, Any]], size: int) -> dict[str, Any]:
    """An item of `size` bytes as compact JSON, padded in `metadata.blob` where the resource
    has one, else in `first_name` (over any length the field takes: the size is refused first)."""

    def padded(pad: str) -> dict[str, Any]:
        if make is order_body:
            return make(external_id="BIG", metadata={"blob": pad})
        return make(external_id="BIG", first_name=pad)

    return padded("b" * (size - len(_compact(padded("")))))


# resource -> (its body, its table)
RESOURCES: dict[str, tuple[Callable[..., dict[str, Any]], str]] = {
    "orders": (order_body, "orders"),
    "carts": (cart_body, "carts"),
    "checkouts": (cart_body, "carts"),
    "customers": (_customer, "customers"),
    "shipments": (shipment_body, "shipments"),
}


def _refused(size: int) -> dict[str, Any]:
    message = f"The item is {size:,} bytes as JSON; a single POST takes at most {MIB:,} bytes."
    return {
        "index": 1,
        "external_id": "BIG",
        "status": 422,
        "message": message,
        "errors": {"": [message]},
        "codes": {"": ["too_large"]},
    }


@pytest.mark.parametrize("resource", RESOURCES)
async def test_an_item_over_the_single_limit_is_refused_on_its_own(api, resource: str):
    make, table = RESOURCES[resource]
    if resource == "shipments":
        assert (await api.post("/orders", order_body())).status_code == 201
    big = _sized(make, MIB + 1)
    assert (await api.raw("POST", f"/{resource}", _compact(big), **{"content-type": "application/json"})).json() == (
        SINGLE_413
    )
    items = [make(external_id="A"), big, make(external_id="C")]
    response = await api.post(f"/{resource}/batch", {"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [results[0]["status"], results[1], results[2]["status"]] == [201, _refused(MIB + 1), 201]
    assert sorted(row["external_id"] for row in await api.rows(table)) == ["A", "C"]


# an order's size -> its status in a batch, then alone (a single POST of the same order)
SIZES = {"at the limit": (MIB, 201, 200), "one byte over": (MIB + 1, 422, 413)}


@pytest.mark.parametrize("name", SIZES)
async def test_the_batch_draws_the_line_where_the_single_post_does(api, name: str):
    size, in_batch, single = SIZES[name]
    item = _sized(order_body, size)
    assert len(_compact(item)) == size
    batched = await api.post("/orders/batch", {"items": [item, order_body(external_id="C")]})
    assert [r["status"] for r in batched.json()["results"]] == [in_batch, 201]
    alone = await api.raw("POST", "/orders", _compact(item), **{"content-type": "application/json"})
    assert alone.status_code == single
