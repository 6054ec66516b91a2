"""A PATCH body's schema (/openapi.json) says, field by field, whether null is taken: a client
validating against it sends what the endpoint answers. A cart's `status` documented null, which
the endpoint refuses (`required`: a cart always has a status); every field documented nullable
takes null (it clears the field, README "PATCH"), every other is refused."""

from __future__ import annotations

import pytest

from tests.conftest import Api, cart_body, order_body

PATCHES = {"/orders/ORDER-1001": ("OrderUpdate", order_body), "/carts/CART-7700": ("CartUpdate", cart_body)}


def _nullable(schema: dict) -> bool:
    return schema.get("type") == "null" or any(_nullable(option) for option in schema.get("anyOf", ()))


async def _cases(api: Api) -> list[tuple[str, str, bool]]:
    schemas = (await api.client.get("/openapi.json")).json()["components"]["schemas"]
    return [
        (path, field, _nullable(schema))
        for path, (name, _body) in PATCHES.items()
        for field, schema in schemas[name]["properties"].items()
    ]


@pytest.mark.parametrize("path", PATCHES)
async def test_each_patch_field_takes_null_as_its_schema_says(api: Api, path: str) -> None:
    name, body = PATCHES[path]
    assert (await api.post(path.rsplit("/", 1)[0], body())).status_code == 201
    cases = [case for case in await _cases(api) if case[0] == path]
    assert {field for _path, field, _nullable in cases} >= ({"status"} if name == "CartUpdate" else {"tags"})
    for _path, field, nullable in cases:
        before = await api.get(path)
        answer = await api.patch(path, {field: None})
        if nullable:
            assert answer.status_code == 200, (field, answer.text)
            continue
        assert (answer.status_code, answer.json()["codes"]) == (422, {field: ["required"]}), field
        assert (await api.get(path)).json() == before.json()  # refused: nothing changed
