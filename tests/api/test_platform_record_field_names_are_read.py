"""README "Platform payloads": an order's or a cart's own fields under a platform's name
(`platform_names.ORDER_OWN_NAMES`, `CART_OWN_NAMES`) are read where ours is absent (null or
blank) and dropped where ours is present: Magento 2's order carries its currency as
`order_currency_code`, Shopify's checkout its recovery link as `abandoned_checkout_url`. By the
single POST and in a batch alike; GET answers what is stored. Before, both were unknown fields,
ignored: the order was stored with no currency (its revenue counted under none, its amounts
checked against no minor unit) and the checkout with no link for its recovery message. And
Magento's quote sends `currency` as an object, read as its `quote_currency_code`."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.platform_names import CART_OWN_NAMES, ORDER_OWN_NAMES
from tests.api.platform_writes import WAYS, write
from tests.conftest import cart_body, order_body

LINK = "https://shop.example.com/123/checkouts/ac1/recover?key=abc"
OURS = "https://shop.example.com/cart/recover/7700"

# resource -> (path, body, external id, the field, the platform's name)
RESOURCES = {
    "order": ("/orders", order_body, "ORDER-1001", "currency", "order_currency_code"),
    "cart": ("/carts", cart_body, "CART-7700", "recovery_url", "abandoned_checkout_url"),
    "checkout": ("/checkouts", cart_body, "CART-7700", "recovery_url", "abandoned_checkout_url"),
}

# case -> {resource: (ours as sent (absent: ...), theirs as sent, the field stored)}
READ: dict[str, dict[str, tuple[Any, Any, Any]]] = {
    "theirs alone": {"order": (..., "USD", "USD"), "cart": (..., LINK, LINK)},
    "theirs in lower case, as ours would be": {"order": (..., "usd", "USD"), "cart": (..., LINK, LINK)},
    "beside a null field of ours": {"order": (None, "USD", "USD"), "cart": (None, LINK, LINK)},
    "beside a blank field of ours": {"order": (" ", "USD", "USD"), "cart": ("", LINK, LINK)},
    "ours win where present": {"order": ("EUR", "USD", "EUR"), "cart": (OURS, LINK, OURS)},
    "a blank one of theirs is none": {"order": (..., "", None), "cart": (..., " ", None)},
    "a null one of theirs is none": {"order": (..., None, None), "cart": (..., None, None)},
}

# case -> {resource: (theirs as sent, the field refused, its code)}
REFUSED: dict[str, dict[str, tuple[Any, str, str]]] = {
    "not a value of the field": {
        "order": ("EURO", "currency", "invalid_currency"),
        "cart": ("not a url", "recovery_url", "invalid_url"),
    },
    "not a string": {"order": (978, "currency", "invalid_type"), "cart": (7, "recovery_url", "invalid_type")},
    "text no engine can store, at the name sent": {
        "order": ("EU\u0000R", "order_currency_code", "invalid_characters"),
        "cart": ("https://x.example/\u0000", "abandoned_checkout_url", "invalid_characters"),
    },
}


def _body(resource: str, ours: Any, theirs: Any) -> dict[str, Any]:
    _, body, _, field, name = RESOURCES[resource]
    fields = body(**{name: theirs})
    if ours is ...:
        fields.pop(field)
    else:
        fields[field] = ours
    return fields


def _kind(resource: str) -> str:
    return "order" if resource == "order" else "cart"


def test_every_other_name_has_a_case() -> None:
    assert {RESOURCES[resource][4] for resource in RESOURCES} == {*ORDER_OWN_NAMES, *CART_OWN_NAMES}
    assert {RESOURCES["order"][3]} == set(ORDER_OWN_NAMES.values())
    assert {RESOURCES["cart"][3]} == set(CART_OWN_NAMES.values())


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", READ)
async def test_the_field_is_read_from_the_platforms_name(api, case, resource, way) -> None:
    path, _, external_id, field, name = RESOURCES[resource]
    ours, theirs, stored = READ[case][_kind(resource)]
    assert await write(api, path, _body(resource, ours, theirs), way) == (201, None)
    answer = (await api.get(f"{path}/{external_id}")).json()
    assert (answer[field], name in answer) == (stored, False)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", REFUSED)
async def test_a_value_the_field_refuses_is_refused(api, case, resource, way) -> None:
    """Named by our field, as an address's other names are; text no engine can store at the
    name sent. Nothing is written."""
    path, _, _, _, _ = RESOURCES[resource]
    theirs, field, code = REFUSED[case][_kind(resource)]
    answer = await write(api, path, _body(resource, ..., theirs), way)
    assert (answer[0], answer[1]["codes"]) == (422, {field: [code]})
    assert await api.count("orders") + await api.count("carts") == 0


@pytest.mark.parametrize("resource", ["order", "cart"])
async def test_a_patch_sending_the_platforms_name_is_not_allowed(api, resource) -> None:
    """As any field of the POST body a PATCH does not take (PATCH bodies take no platform names)."""
    path, body, external_id, _, name = RESOURCES[resource]
    assert (await api.post(path, body())).status_code == 201
    theirs = READ["theirs alone"][resource][1]
    response = await api.patch(f"{path}/{external_id}", {name: theirs})
    assert (response.status_code, response.json()["codes"]) == (422, {name: ["not_allowed"]})


# Magento 2's quote sends `currency` as an object (`CurrencyInterface`), read as its
# `quote_currency_code` (`platform_names.quote_currency`): where the cart was refused `422`
# `invalid_type` and lost. case -> (the object, the currency stored, or (field, code) refused)
MAGENTO_CURRENCY = {
    "base_currency_code": "EUR",
    "global_currency_code": "EUR",
    "store_currency_code": "EUR",
    "store_to_base_rate": 0,
    "base_to_quote_rate": 1,
}
QUOTE_CURRENCY: dict[str, tuple[dict[str, Any], Any]] = {
    "Magento's quote currency": ({**MAGENTO_CURRENCY, "quote_currency_code": "USD"}, "USD"),
    "in lower case with spaces": ({**MAGENTO_CURRENCY, "quote_currency_code": " usd "}, "USD"),
    "a null code is none": ({**MAGENTO_CURRENCY, "quote_currency_code": None}, None),
    "a blank code is none": ({**MAGENTO_CURRENCY, "quote_currency_code": ""}, None),
    "its decimals check the amounts": ({"quote_currency_code": "JPY"}, ("total_price", "too_precise")),
    "no quote code: an object": (MAGENTO_CURRENCY, ("currency", "invalid_type")),
    "not a currency code": ({"quote_currency_code": "EURO"}, ("currency", "invalid_currency")),
    "not a string": ({"quote_currency_code": 978}, ("currency", "invalid_type")),
    "text no engine can store, where sent": (
        {"quote_currency_code": "E\u0000UR"},
        ("currency.quote_currency_code", "invalid_characters"),
    ),
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("case", QUOTE_CURRENCY)
async def test_a_quotes_currency_object_is_read_as_its_code(api, case, resource, way) -> None:
    path, body, external_id, _, _ = RESOURCES[resource]
    sent, outcome = QUOTE_CURRENCY[case]
    answer = await write(api, path, body(currency=sent, line_items=[]), way)
    if isinstance(outcome, tuple):
        assert (answer[0], answer[1]["codes"]) == (422, {outcome[0]: [outcome[1]]})
        assert await api.count("orders") + await api.count("carts") == 0
    else:
        assert answer == (201, None)
        assert (await api.get(f"{path}/{external_id}")).json()["currency"] == outcome
