"""README "Limits of a PATCH's metadata": a PATCH's metadata, merged (RFC 7386) into the stored
one, takes at most what a single POST can carry — `{"metadata":…}` within KANAL_MAX_BODY_BYTES
(1,048,576 bytes by default), so 1,048,563 bytes as compact JSON — over REST and GraphQL, for
every resource whose PATCH merges a metadata (orders, carts, their `/checkouts` alias). Just
within: written. One byte over: 422 `too_large` on `metadata`, both sizes said, nothing
changed. Each PATCH fitting a body once made metadata of megabytes that no POST could write
again."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body

ROOM = 1024 * 1024 - len('{"metadata":}')
STORED = {"a": "x" * 600_000}  # what the POST carried


def _size(metadata: dict[str, Any]) -> int:
    return len(json.dumps(metadata, ensure_ascii=False, separators=(",", ":")).encode())


def _patch_of_size(total: int) -> dict[str, str]:
    """A patch adding key `b` so that the merged metadata takes `total` bytes as compact JSON."""
    return {"b": "y" * (total - _size({**STORED, "b": ""}))}


RESOURCES = {
    "orders": ("/orders", "ORDER-1001", order_body, "updateOrder", "order", "OrderUpdateInput"),
    "carts": ("/carts", "CART-7700", cart_body, "updateCart", "cart", "CartUpdateInput"),
    "checkouts": ("/checkouts", "CART-7700", cart_body, "updateCart", "cart", "CartUpdateInput"),
}


async def _patch(api: Api, resource: str, via: str, patch: dict[str, Any]) -> tuple[int, Any]:
    """The PATCH's outcome: (200, the metadata written) or (422, (field, code, message))."""
    path, external_id, _, mutation, name, input_type = RESOURCES[resource]
    if via == "rest":
        response = await api.patch(f"{path}/{external_id}", {"metadata": patch})
        body = response.json()
        if response.status_code == 200:
            return 200, body["metadata"]
        (field,) = body["codes"]
        return response.status_code, (field, body["codes"][field][0], body["errors"][field][0])
    document = f"""mutation($input: {input_type}!) {{
      {mutation}(storeId: "123", externalId: "{external_id}", input: $input) {{
        {name} {{ metadata }} userErrors {{ field code message }} }} }}"""
    payload = (await gql(api, document, {"input": {"metadata": patch}}))["data"][mutation]
    if not payload["userErrors"]:
        return 200, payload[name]["metadata"]
    (error,) = payload["userErrors"]
    return 422, (error["field"][-1], error["code"].lower(), error["message"])


@pytest.mark.parametrize("via", ["rest", "graphql"])
@pytest.mark.parametrize("resource", list(RESOURCES))
@pytest.mark.parametrize("over", [0, 1], ids=["just-within", "one-byte-over"])
async def test_a_patched_metadata_fits_a_post(api: Api, resource: str, via: str, over: int) -> None:
    path, external_id, body_of, *_ = RESOURCES[resource]
    assert (await api.post(path, body_of(metadata=STORED))).status_code == 201
    patch = _patch_of_size(ROOM + over)
    before = await api.snapshot()
    status, outcome = await _patch(api, resource, via, patch)
    if not over:
        assert (status, outcome) == (200, {**STORED, **patch})
        read = (await api.get(f"{path}/{external_id}")).json()["metadata"]
        assert _size(read) == ROOM
        return
    message = (
        "The metadata would be 1,048,564 bytes as JSON once merged; a record's metadata takes at most "
        "1,048,563 bytes, what a single POST of at most 1,048,576 bytes can carry. Remove keys with null, "
        "or send smaller values."
    )
    assert (status, outcome) == (422, ("metadata", "too_large", message))
    assert await api.snapshot() == before


@pytest.mark.parametrize("resource", ["orders", "carts"])
async def test_the_reported_growth_stops_at_the_limit(api: Api, resource: str) -> None:
    """The report's case: PATCHes of 1 MB under new keys each; the second one is past the limit."""
    path, external_id, body_of, *_ = RESOURCES[resource]
    assert (await api.post(path, body_of())).status_code == 201
    first = await api.patch(f"{path}/{external_id}", {"metadata": {"a": "x" * 1_000_000}})
    assert first.status_code == 200
    second = await api.patch(f"{path}/{external_id}", {"metadata": {"b": "x" * 1_000_000}})
    assert (second.status_code, second.json()["codes"]) == (422, {"metadata": ["too_large"]})
    # what is stored still fits a POST, and shrinking or clearing it stays possible
    stored = (await api.get(f"{path}/{external_id}")).json()["metadata"]
    assert (await api.post(path, body_of(metadata=stored))).status_code == 200
    shrunk = (await api.patch(f"{path}/{external_id}", {"metadata": {"a": None}})).json()["metadata"]
    assert shrunk == {key: value for key, value in stored.items() if key != "a"}


async def test_a_patch_leaving_the_metadata_out_is_not_measured(api: Api) -> None:
    """A status or tags PATCH never fails on the metadata, whatever it holds."""
    assert (await api.post("/orders", order_body(metadata=STORED))).status_code == 201
    response = await api.patch("/orders/ORDER-1001", {"financial_status": "refunded", "tags": ["x"]})
    assert (response.status_code, response.json()["metadata"]) == (200, STORED)
