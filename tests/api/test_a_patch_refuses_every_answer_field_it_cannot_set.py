"""README "PATCH" (SPEC §3.1): a field the API knows of the resource — in its POST body or in
its answer — that a PATCH may not change is `422 not_allowed`, and nothing changes.

Walks the answers themselves: every top-level field of a resource's write answer (its record's
fields and `automations`) and of its read, sent in a PATCH of every resource that has one,
where the PATCH cannot set it. Only orders and carts (also served as checkouts) take a PATCH;
shipments and customers answer 405 to one, as their routes say."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.commands import CartUpdate, Command, OrderUpdate
from tests.conftest import Api, cart_body, order_body, shipment_body

# resource path -> (its POST body, its PATCH model)
PATCHED: dict[str, tuple[dict[str, Any], type[Command]]] = {
    "/orders": (order_body(), OrderUpdate),
    "/carts": (cart_body(), CartUpdate),
    "/checkouts": (cart_body(), CartUpdate),
}
# a value of a plausible type for each field: the refusal must not depend on the value
VALUES: list[object] = [None, "x", 1, {}]
# what a shop sends for "no value" (SPEC §10): the field left out, in every field, so never a 422;
# `[]` too (PHP's empty array) where the POST body takes an object, as in a POST
BLANKS: list[object] = ["", "   ", "\u00a0\t", []]
OBJECTS = {"customer", "shipping_address", "billing_address"}


async def _answer_fields(api: Api, path: str) -> set[str]:
    """The top-level fields of the resource's write answer and of its read."""
    body, _ = PATCHED[path]
    written = await api.post(path, body)
    assert written.status_code == 201, written.text
    read = await api.get(f"{path}/{body['external_id']}")
    assert read.status_code == 200, read.text
    return set(written.json()) | set(read.json())


async def _not_patchable(api: Api, path: str) -> list[str]:
    _, model = PATCHED[path]
    return sorted(await _answer_fields(api, path) - set(model.model_fields))


@pytest.mark.parametrize("path", list(PATCHED))
async def test_the_answers_carry_fields_a_patch_cannot_set(api: Api, path: str) -> None:
    """The walk below is not empty: `automations`, the ids and the times are among them."""
    assert {"automations", "id", "store_id", "created_at", "contact"} <= set(await _not_patchable(api, path))


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("path", list(PATCHED))
async def test_every_answer_field_a_patch_cannot_set_is_not_allowed(api: Api, path: str, value: object) -> None:
    external_id = PATCHED[path][0]["external_id"]
    for field in await _not_patchable(api, path):
        before = await api.snapshot()
        response = await api.patch(f"{path}/{external_id}", {"tags": ["b2b"], field: value})
        assert (response.status_code, response.json()) == (
            422,
            {
                "message": f"The {field} field cannot be changed with PATCH.",
                "errors": {field: [f"The {field} field cannot be changed with PATCH."]},
                "codes": {field: ["not_allowed"]},
            },
        ), field
        assert await api.snapshot() == before, field


@pytest.mark.parametrize("value", BLANKS, ids=repr)
@pytest.mark.parametrize("path", list(PATCHED))
async def test_a_field_a_patch_cannot_set_sent_blank_is_left_out(api: Api, path: str, value: object) -> None:
    """Blank, or `[]` (PHP's empty array), is the field left out (SPEC §10: "never a 422"), in a
    field the PATCH cannot set as in any other: the rest of the PATCH applies, the field stays."""
    external_id = PATCHED[path][0]["external_id"]
    for field in await _not_patchable(api, path):
        stored = (await api.get(f"{path}/{external_id}")).json()
        response = await api.patch(f"{path}/{external_id}", {"tags": [field], field: value})
        if value == [] and field not in OBJECTS:  # a list's `[]` is the empty list: a value
            assert (response.status_code, response.json()["codes"]) == (422, {field: ["not_allowed"]}), field
            continue
        assert response.status_code == 200, (field, response.text)
        assert response.json()["tags"] == [field]
        read = (await api.get(f"{path}/{external_id}")).json()
        assert {name: read[name] for name in read if name not in ("tags", "updated_at", "revision")} == {
            name: stored[name] for name in stored if name not in ("tags", "updated_at", "revision")
        }, field


@pytest.mark.parametrize("path", list(PATCHED))
async def test_the_fields_a_patch_sets_are_still_taken(api: Api, path: str) -> None:
    """The fields of the PATCH model, the answer carries them too, are not refused."""
    body, model = PATCHED[path]
    await _answer_fields(api, path)
    response = await api.patch(f"{path}/{body['external_id']}", {"tags": ["b2b"], "metadata": {"k": 1}})
    assert response.status_code == 200, response.text
    assert (response.json()["tags"], response.json()["metadata"]["k"]) == (["b2b"], 1)
    assert {"tags", "metadata", "updated_at"} <= set(model.model_fields)


@pytest.mark.parametrize(
    ("path", "body"),
    [("/shipments", shipment_body()), ("/customers", {"external_id": "CUST-42", "phone": "+33612345678"})],
)
async def test_resources_without_a_patch_refuse_one(api: Api, path: str, body: dict[str, Any]) -> None:
    await api.post("/orders", order_body())
    assert (await api.post(path, body)).status_code == 201
    before = await api.snapshot()
    response = await api.patch(f"{path}/{body['external_id']}", {"automations": []})
    assert response.status_code == 405
    assert await api.snapshot() == before
