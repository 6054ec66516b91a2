"""README "Platform payloads": a customer object in Magento's names (its `CustomerInterface`:
`firstname`, `lastname`) gives our `first_name` and `last_name` where ours are absent (absent,
null or blank), wherever a customer is sent: a customer's own POST, an order's, a cart's or a
checkout's customer, by the single POST and in a batch alike; ours win where they hold a value,
and win over the order's top-level `customer_firstname`. A value refused is refused at our
field, as an address's names are (`billing_address.firstname` at `billing_address.first_name`).
They were unknown keys, dropped: the contact went without a name."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.platform_names import CUSTOMER_NAMES
from tests.api.platform_writes import WAYS, write
from tests.conftest import cart_body, order_body

PHONE = "+33612345678"


def _customer_body(customer: dict[str, Any]) -> dict[str, Any]:
    return {**customer, "external_id": "C-1"}


# where a customer is sent -> (path, the body holding `customer`, the customer's error prefix)
PLACES = {
    "customer": ("/customers", _customer_body, ""),
    "order": ("/orders", lambda customer: order_body(customer=customer), "customer."),
    "cart": ("/carts", lambda customer: cart_body(customer=customer), "customer."),
    "checkout": ("/checkouts", lambda customer: cart_body(customer=customer), "customer."),
}
# Magento's name -> (a value, our field's own value)
VALUES = {"firstname": ("Jo", "Marie"), "lastname": ("Do", "Durand")}
# how our field is given beside theirs: absent, null, blank (theirs read), or a value (ours kept)
OURS: dict[str, tuple[dict[str, Any], bool]] = {
    "left out": ({}, True),
    "null": ({"of": None}, True),
    "empty": ({"of": ""}, True),
    "blank": ({"of": " \t"}, True),
    "a value": ({"of": "own"}, False),
}


def test_every_name_has_a_case() -> None:
    assert set(VALUES) == set(CUSTOMER_NAMES)


async def _contact(api) -> dict[str, Any]:
    (contact,) = await api.rows("contacts")
    return contact


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("ours", OURS)
@pytest.mark.parametrize("theirs", VALUES)
async def test_magentos_name_is_read_where_ours_is_absent(api, theirs, ours, place, way) -> None:
    path, body, _ = PLACES[place]
    field = CUSTOMER_NAMES[theirs]
    value, own = VALUES[theirs]
    given, read = OURS[ours]
    customer = {
        "phone": PHONE,
        theirs: value,
        **({field: own if given["of"] == "own" else given["of"]} if given else {}),
    }
    assert await write(api, path, body(customer), way) == (201, None)
    assert (await _contact(api))[field] == (value if read else own)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("theirs", VALUES)
async def test_a_value_refused_is_refused_at_our_field(api, theirs, place, way) -> None:
    path, body, prefix = PLACES[place]
    at = f"{prefix}{CUSTOMER_NAMES[theirs]}"
    answer = await write(api, path, body({"phone": PHONE, theirs: 12}), way)
    assert answer == (
        422,
        {"codes": {at: ["invalid_type"]}, "errors": {at: [f"The {at} field is invalid: Must be a string."]}},
    )
    assert await api.rows("contacts") == []


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", ("/orders", "/carts"))
async def test_the_customers_own_magento_name_wins_over_the_top_level_one(api, resource, way) -> None:
    body = (order_body if resource == "/orders" else cart_body)(
        customer={"phone": PHONE, "firstname": "Jo"}, customer_firstname="Top"
    )
    assert await write(api, resource, body, way) == (201, None)
    assert (await _contact(api))["first_name"] == "Jo"
