"""README "Platform payloads" and "Phones as shops send them": Shopify's order and checkout
carry the buyer's phone at their top level (`"phone": "+16502530000"`). It attaches the record
after the customer's own phone and before the addresses' (`rules.phone_of_the_order`), read as
an address's phone is (in the addresses' country, else the store's: FR here) and refused at
`phone`, the name sent; null or blank is no phone. On orders, carts and checkouts, by the
single POST and in a batch alike; the answer, the read, the record and the contact say so."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.rules.phone_of_the_order import PhoneSource
from tests.api.platform_writes import WAYS, write
from tests.conftest import cart_body, order_body

US = "+16502530000"
FR = "+33612345678"
OTHER_FR = "+33698765432"
MARIE = {"first_name": "Marie"}

# case -> (body changes, `...` leaving a field out; the contact's E.164; phone_source)
ATTACHED: dict[str, tuple[dict[str, Any], str, str]] = {
    "the top-level phone alone, no customer": ({"customer": ..., "phone": US}, US, "phone"),
    "the top-level phone alone, a null customer": ({"customer": None, "phone": US}, US, "phone"),
    "a customer without a phone": ({"customer": MARIE, "phone": US}, US, "phone"),
    "a customer whose phone is blank": ({"customer": {"phone": " ", **MARIE}, "phone": US}, US, "phone"),
    "the customer's phone first": ({"customer": {"phone": FR}, "phone": US}, FR, "customer"),
    "the customer's phone first, the top-level one unreadable and not read": (
        {"customer": {"phone": FR}, "phone": "12"},
        FR,
        "customer",
    ),
    "before the shipping address's": ({"customer": MARIE, "phone": US, "shipping_address": {"phone": FR}}, US, "phone"),
    "before the billing address's": ({"customer": MARIE, "phone": US, "billing_address": {"phone": FR}}, US, "phone"),
    "before WooCommerce's billing's": ({"customer": ..., "phone": US, "billing": {"phone": FR}}, US, "phone"),
    "national, in the shipping address's country": (
        {"customer": ..., "phone": "(650) 253-0000", "shipping_address": {"country_code": "US", "phone": FR}},
        US,
        "phone",
    ),
    "national, in the billing address's country": (
        {"customer": ..., "phone": "(650) 253-0000", "billing_address": {"country_code": "US"}},
        US,
        "phone",
    ),
    "national, in the store's region": ({"customer": ..., "phone": "06 98 76 54 32"}, OTHER_FR, "phone"),
    "blank: the shipping address's": (
        {"customer": MARIE, "phone": "", "shipping_address": {"phone": FR}, "billing_address": {"phone": US}},
        FR,
        "shipping_address",
    ),
    "whitespace: the billing address's": (
        {"customer": MARIE, "phone": " \t\n", "billing_address": {"phone": FR}},
        FR,
        "billing_address",
    ),
    "null: the shipping address's": ({"customer": ..., "phone": None, "shipping_address": {"phone": FR}}, FR, "shipping_address"),
}  # fmt: skip

# case -> (body changes, the field refused, its code, its message): nothing is stored
REFUSED: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "invalid": (
        {"customer": ..., "phone": "12"},
        "phone",
        "invalid_phone",
        "The phone field is invalid: The phone number is not a valid FR number; write it with + and the country code.",
    ),
    "invalid, used before the shipping address's": (
        {"customer": MARIE, "phone": "12", "shipping_address": {"phone": FR}},
        "phone",
        "invalid_phone",
        "The phone field is invalid: The phone number is not a valid FR number; write it with + and the country code.",
    ),
    "ambiguous in the shipping address's country": (
        {"customer": ..., "phone": "51965123456", "shipping_address": {"country_code": "BR"}},
        "phone",
        "ambiguous_phone",
        "The phone field is invalid: The phone number is ambiguous: +5551965123456 here or +51965123456 "
        "abroad; write it with + and the country code.",
    ),
    "a number, not text": (
        {"customer": ..., "phone": 16502530000},
        "phone",
        "invalid_type",
        "The phone field is invalid: Must be a string.",
    ),
    "longer than an address's phone may be": (
        {"customer": {"phone": FR}, "phone": "1" * 65},
        "phone",
        "too_long",
        "The phone field is invalid: Must be at most 64 characters.",
    ),
    "blank, no other phone": (
        {"customer": MARIE, "phone": "  "},
        "customer.phone",
        "required",
        "The customer.phone field is required.",
    ),
}

# resource -> (path, body, external id, table)
RESOURCES = {
    "order": ("/orders", order_body, "ORDER-1001", "orders"),
    "cart": ("/carts", cart_body, "CART-7700", "carts"),
    "checkout": ("/checkouts", cart_body, "CART-7700", "carts"),
}


def _with(body: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = {**body, **changes}
    return {name: value for name, value in merged.items() if value is not ...}


def test_every_source_has_a_case() -> None:
    assert {source for _, _, source in ATTACHED.values()} == {source.value for source in PhoneSource}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", ATTACHED)
async def test_the_phone_used_and_its_source(api, case, resource, way) -> None:
    path, body, external_id, table = RESOURCES[resource]
    changes, e164, source = ATTACHED[case]
    if way == "single":
        response = await api.post(path, _with(body(), changes))
        assert response.status_code == 201, response.text
        answer = response.json()
        assert (answer["contact"]["phone"], answer["phone_source"]) == (e164, source)
    else:
        assert await write(api, path, _with(body(), changes), way) == (201, None)
    read = (await api.get(f"{path}/{external_id}")).json()
    assert (read["contact"]["phone"], read["phone_source"]) == (e164, source)
    [contact] = await api.rows("contacts")
    assert (contact["phone"], contact["phone_source"]) == (e164, source)
    [row] = await api.rows(table)
    assert (row["contact_id"], row["phone_source"]) == (contact["id"], source)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", REFUSED)
async def test_an_unreadable_top_level_phone_is_refused_at_phone(api, case, resource, way) -> None:
    path, body, _, _ = RESOURCES[resource]
    changes, field, code, message = REFUSED[case]
    assert await write(api, path, _with(body(), changes), way) == (
        422,
        {"codes": {field: [code]}, "errors": {field: [message]}},
    )
    assert (await api.count("orders"), await api.count("carts"), await api.count("contacts")) == (0, 0, 0)


@pytest.mark.parametrize("value", [FR, None, 16502530000])
@pytest.mark.parametrize("resource", RESOURCES)
async def test_a_patch_sending_the_top_level_phone_is_not_allowed(api, resource, value) -> None:
    """`phone` is read from the POST body: a PATCH sending it is `not_allowed` (README "PATCH"),
    as any field of the POST body is, whatever its value, and nothing changes."""
    path, body, external_id, _ = RESOURCES[resource]
    assert (await api.post(path, body())).status_code == 201
    before = await api.snapshot()
    response = await api.patch(f"{path}/{external_id}", {"tags": ["b2b"], "phone": value})
    message = "The phone field cannot be changed with PATCH."
    assert (response.status_code, response.json()) == (
        422,
        {"message": message, "errors": {"phone": [message]}, "codes": {"phone": ["not_allowed"]}},
    )
    assert await api.snapshot() == before


@pytest.mark.parametrize("value", ["", " \t"])
@pytest.mark.parametrize("resource", RESOURCES)
async def test_a_patch_sending_it_blank_leaves_it_out(api, resource, value) -> None:
    """Blank is the field left out (SPEC §10: "never a 422"): the rest of the PATCH applies."""
    path, body, external_id, _ = RESOURCES[resource]
    assert (await api.post(path, body())).status_code == 201
    response = await api.patch(f"{path}/{external_id}", {"tags": ["b2b"], "phone": value})
    assert (response.status_code, response.json()["tags"]) == (200, ["b2b"])
