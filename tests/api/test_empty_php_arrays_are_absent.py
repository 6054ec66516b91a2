"""README "Platform payloads": PHP's json_encode writes an empty array as `[]`, also where an
object goes, so `[]` in a field holding an object — an address, the customer, a consent,
metadata, in every command — is the field left out, as a blank is (they answered 422 "Must be
an object." on metadata, the customer and the consent, while an address was already none).
The fields are walked from the models (`object_fields`), so a new one is in the table.

The oracle, on the walkthrough's data: the request without the field, then with `[]` there,
by the single endpoint and as a batch item: the second is written and leaves every row as the
first left it. An order's or a cart's customer holds its phone: `customer: []` with no phone
on an address is the customer left out, 422 required on customer.phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

import pytest

from app.domain.commands import Command, object_fields
from app.rest.blank_schemas import EMPTY_ARRAY, commands_within
from app.rest.openapi import openapi_document
from tests.api.platform_writes import WAYS, write
from tests.api.test_blank_strings_are_absent import ENDPOINTS, put, send, stable
from tests.api.walkthrough import seed
from tests.conftest import Api, cart_body, order_body


def object_paths(model: type[Command], at: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The paths of `model`'s object fields, and of those of the commands within it."""
    for name, field in model.model_fields.items():
        if name in object_fields(model):
            yield (*at, name)
        nested = next((arg for arg in get_args(field.annotation) if arg is not type(None)), field.annotation)
        if isinstance(nested, type) and issubclass(nested, Command):
            yield from object_paths(nested, (*at, name))


CASES = [
    (endpoint, path, way)
    for endpoint, (model, _) in ENDPOINTS.items()
    for path in object_paths(model)
    for way in (WAYS if endpoint.startswith("POST") else ("single",))  # no PATCH batch
]


def test_the_table_is_walked_from_the_commands() -> None:
    assert sorted({(endpoint, ".".join(path)) for endpoint, path, _ in CASES}) == [
        ("PATCH /carts/CART-7700", "metadata"),
        ("PATCH /orders/ORDER-1001", "metadata"),
        ("POST /carts", "billing_address"),
        ("POST /carts", "customer"),
        ("POST /carts", "customer.whatsapp_consent"),
        ("POST /carts", "metadata"),
        ("POST /carts", "shipping_address"),
        ("POST /customers", "whatsapp_consent"),
        ("POST /orders", "billing_address"),
        ("POST /orders", "customer"),
        ("POST /orders", "customer.whatsapp_consent"),
        ("POST /orders", "metadata"),
        ("POST /orders", "shipping_address"),
        ("POST /shipments", "metadata"),
    ]


async def _send(api: Api, endpoint: str, body: dict[str, Any], way: str) -> tuple[int, Any]:
    if way == "single" and endpoint.startswith("PATCH"):
        response = await send(api, endpoint, body)
        return response.status_code, None if response.status_code < 300 else response.json()
    return await write(api, endpoint.split(" ", 1)[1], body, way)


# The customer of an order or a cart holds its phone: left out, another phone is needed.
HOLDS_THE_PHONE = ("customer",)


@pytest.mark.parametrize(("endpoint", "path", "way"), CASES, ids=[f"{e} {'.'.join(p)} {w}" for e, p, w in CASES])
async def test_an_empty_php_array_is_the_object_left_out(api: Api, endpoint: str, path, way: str) -> None:
    await seed(api)
    _, body_for = ENDPOINTS[endpoint]
    phone = {"shipping_address": {"city": "Paris", "phone": "06 11 22 33 44"}} if path == HOLDS_THE_PHONE else {}
    status, refused = await _send(api, endpoint, {**put(body_for(), path, ...), **phone}, way)
    assert (status in (200, 201), refused) == (True, None)
    before = await api.snapshot()
    assert await _send(api, endpoint, {**put(body_for(), path, []), **phone}, way) == (200, None)
    assert stable(await api.snapshot()) == stable(before)


REQUIRED = "The customer.phone field is required."


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize(("path", "body"), [("/orders", order_body), ("/carts", cart_body)])
async def test_an_empty_customer_with_no_other_phone_is_a_missing_customer(api: Api, path, body, way) -> None:
    missing = await write(api, path, put(body(), ("customer",), ...), way)
    assert missing == (422, {"codes": {"customer.phone": ["required"]}, "errors": {"customer.phone": [REQUIRED]}})
    assert await write(api, path, body(customer=[]), way) == missing
    assert await api.count("orders") + await api.count("carts") + await api.count("contacts") == 0


@pytest.mark.parametrize("way", WAYS)
async def test_empty_metadata_is_stored_as_none(api: Api, way: str) -> None:
    """`metadata: []` on a POST: no metadata, `{}` as when it is left out."""
    assert await write(api, "/orders", order_body(metadata=[]), way) == (201, None)
    assert (await api.get("/orders/ORDER-1001")).json()["metadata"] == {}


async def test_an_empty_patch_metadata_changes_nothing(api: Api) -> None:
    """`metadata: []` on a PATCH is no merge patch: the metadata stays; `null` clears it."""
    assert (await api.post("/orders", order_body())).status_code == 201
    patched = await api.patch("/orders/ORDER-1001", {"metadata": []})
    assert (patched.status_code, patched.json()["metadata"]) == (200, {"source": "custom-checkout"})


def test_the_openapi_document_allows_it() -> None:
    """A client validating its requests against /openapi.json sends `[]` where the API takes it."""
    schemas = openapi_document()["components"]["schemas"]
    allowed = set()
    for model in {nested for top, _ in ENDPOINTS.values() for nested in commands_within(top)}:
        schema = schemas.get(f"{model.__name__}-Input") or schemas[model.__name__]
        allowed |= {
            (model.__name__, name)
            for name in object_fields(model)
            if EMPTY_ARRAY in schema["properties"][name]["anyOf"]
        }
    assert sorted(allowed) == sorted(
        (model.__name__, name)
        for model in {nested for top, _ in ENDPOINTS.values() for nested in commands_within(top)}
        for name in object_fields(model)
    )
    assert ("EmbeddedCustomer", "whatsapp_consent") in allowed and ("OrderUpdate", "metadata") in allowed
