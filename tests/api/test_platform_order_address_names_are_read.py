"""README "Platform payloads": WooCommerce's order carries its addresses as `billing` and
`shipping` (`platform_names.ORDER_NAMES`), in WooCommerce's names for their fields. They are
read as `billing_address` and `shipping_address` where ours are absent (null, blank or `[]`),
and dropped where ours are present, on orders and carts, by the single POST and in a batch
alike; what is stored is answered by GET, and the phone of the address read attaches the order."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.platform_names import ORDER_NAMES
from tests.api.platform_writes import WAYS, write
from tests.api.test_platform_address_names_are_read import FIELDS
from tests.conftest import cart_body, order_body

WOO_BILLING = {
    "first_name": "John",
    "last_name": "Doe",
    "company": "",
    "address_1": "969 Market",
    "address_2": "",
    "city": "San Francisco",
    "state": "CA",
    "postcode": "94103",
    "country": "US",
    "email": "john.doe@example.com",
    "phone": "(650) 253-0000",
}
WOO_SHIPPING = {"first_name": "Jane", "address_1": "1 rue X", "city": "Paris", "postcode": "75001", "country": "FR"}
OURS = {"city": "Lyon", "country_code": "FR"}

BILLING_READ = {
    **dict.fromkeys(FIELDS),
    "first_name": "John",
    "last_name": "Doe",
    "address1": "969 Market",
    "city": "San Francisco",
    "province": "CA",
    "zip": "94103",
    "country_code": "US",
    "phone": "(650) 253-0000",
}
SHIPPING_READ = {
    **dict.fromkeys(FIELDS),
    "first_name": "Jane",
    "address1": "1 rue X",
    "city": "Paris",
    "zip": "75001",
    "country_code": "FR",
}
OURS_STORED = {**dict.fromkeys(FIELDS), **OURS}

# case -> (the addresses sent, (shipping_address, billing_address) stored)
READ: dict[str, tuple[dict[str, Any], tuple[Any, Any]]] = {
    "billing and shipping": ({"billing": WOO_BILLING, "shipping": WOO_SHIPPING}, (SHIPPING_READ, BILLING_READ)),
    "billing only": ({"billing": WOO_BILLING}, (None, BILLING_READ)),
    "billing beside a null billing_address": ({"billing": WOO_BILLING, "billing_address": None}, (None, BILLING_READ)),
    "billing beside a blank billing_address": ({"billing": WOO_BILLING, "billing_address": " "}, (None, BILLING_READ)),
    "billing beside an empty PHP array": ({"billing": WOO_BILLING, "billing_address": []}, (None, BILLING_READ)),
    "billing_address beside billing, ours win": ({"billing": WOO_BILLING, "billing_address": OURS}, (None, OURS_STORED)),
    "shipping_address beside shipping, ours win": ({"shipping": WOO_SHIPPING, "shipping_address": OURS}, (OURS_STORED, None)),
    "shipping beside billing_address": ({"shipping": WOO_SHIPPING, "billing_address": OURS}, (SHIPPING_READ, OURS_STORED)),
    "a null billing": ({"billing": None}, (None, None)),
    "a blank shipping": ({"shipping": ""}, (None, None)),
    "an empty PHP array": ({"billing": [], "shipping": []}, (None, None)),
    "every field blank, as WooCommerce sends a guest's shipping": ({"shipping": dict.fromkeys(WOO_SHIPPING, "")}, (None, None)),
}  # fmt: skip

# case -> (the addresses sent, the field refused, its code, its message)
REFUSED: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "billing, a number": ({"billing": 7}, "billing_address", "invalid_type", "Must be an object."),
    "shipping, a list": ({"shipping": ["1 rue X"]}, "shipping_address", "invalid_type", "Must be an object."),
    "billing's postcode too long": (
        {"billing": {"postcode": "9" * 33}},
        "billing_address.zip",
        "too_long",
        "Must be at most 32 characters.",
    ),
    "shipping's country a name": (
        {"shipping": {"country_id": "France"}},
        "shipping_address.country_code",
        "invalid_choice",
        "Must be an ISO 3166 alpha-2 country code, e.g. FR.",
    ),
    "billing's email invalid, the customer's": (
        {"billing": {"email": "not-an-email"}},
        "billing.email",
        "invalid_email",
        "Must be a valid email address.",
    ),
}

RESOURCES = {"order": ("/orders", order_body, "ORDER-1001"), "cart": ("/carts", cart_body, "CART-7700")}


def test_every_other_name_has_a_case() -> None:
    assert set(ORDER_NAMES) <= {name for sent, _ in READ.values() for name in sent}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", READ)
async def test_woocommerce_addresses_are_stored_as_ours(api, case, resource, way) -> None:
    path, body, external_id = RESOURCES[resource]
    sent, (shipping, billing) = READ[case]
    assert await write(api, path, body(**sent), way) == (201, None)
    stored = (await api.get(f"{path}/{external_id}")).json()
    assert (stored["shipping_address"], stored["billing_address"], stored["phone_source"]) == (
        shipping,
        billing,
        "customer",
    )


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", REFUSED)
async def test_a_woocommerce_address_is_refused_at_ours(api, case, resource, way) -> None:
    """Its fields' errors are our address's fields' (as WooCommerce's names inside an address
    are); the customer's email read from `billing.email` is refused where it was sent."""
    path, body, _ = RESOURCES[resource]
    sent, field, code, message = REFUSED[case]
    customer = {"phone": "+33612345678"}  # no email: the billing's is read
    assert await write(api, path, body(customer=customer, **sent), way) == (
        422,
        {"codes": {field: [code]}, "errors": {field: [f"The {field} field is invalid: {message}"]}},
    )
    assert await api.count("orders") + await api.count("carts") == 0


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
async def test_a_woocommerce_order_is_attached_by_its_billing_phone(api, resource, way) -> None:
    """Where it answered 422 "The customer.phone field is required." (the phone was sent, in
    `billing`); the customer's email is the billing's, the only one a WooCommerce order carries."""
    path, body, external_id = RESOURCES[resource]
    sent = body(customer=None, billing=WOO_BILLING, shipping=dict.fromkeys(WOO_SHIPPING, ""))
    assert await write(api, path, sent, way) == (201, None)
    stored = (await api.get(f"{path}/{external_id}")).json()
    assert (stored["billing_address"], stored["shipping_address"], stored["phone_source"]) == (
        BILLING_READ,
        None,
        "billing_address",
    )
    assert stored["contact"]["phone"] == "+16502530000"
