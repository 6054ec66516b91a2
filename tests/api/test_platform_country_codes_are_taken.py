"""README "Platform payloads": the country codes the platforms' country lists give an address
beyond ISO 3166-1's assigned ones (`country.PLATFORM_CODES`: Kosovo's `XK`, Shopify's `AC` and
`TA`) are taken wherever a country code is (an order's and a cart's or checkout's addresses,
under our name or WooCommerce's and Magento's, WooCommerce's `shipping`, GraphQL's address
input, a batch, a store's region), stored upper-cased, and a national phone in such an address
is read in that region. Other codes ISO has not assigned stay refused, as they were."""

from __future__ import annotations

from typing import Any

import phonenumbers
import pytest

from app.domain.country import ISO_CODES, PLATFORM_CODES
from app.services import keys, stores
from tests.api.graphql.documents import gql
from tests.api.platform_writes import write
from tests.conftest import cart_body, order_body

# code -> (a national phone written in that region, the number it is there)
PHONES = {"XK": ("044 123 456", "+38344123456"), "AC": ("40123", "+24740123"), "TA": ("8999", "+2908999")}

CUSTOMER = {"first_name": "Arta"}  # no phone: the address's is used


def _address(code: str, **names: str) -> dict[str, Any]:
    phone = PHONES[code][0] if code in PHONES else "+38344123456"  # a refused code reads no phone
    return {"city": "Prishtina", "phone": phone, **names}


# place -> (path, body, the key the address is sent under, the name of its country there)
PLACES: dict[str, tuple[str, Any, str, str]] = {
    "order shipping_address.country_code": ("/orders", order_body, "shipping_address", "country_code"),
    "order billing_address.country_code": ("/orders", order_body, "billing_address", "country_code"),
    "order shipping_address.country (WooCommerce)": ("/orders", order_body, "shipping_address", "country"),
    "order shipping.country (WooCommerce's order)": ("/orders", order_body, "shipping", "country"),
    "order billing_address.country_id (Magento)": ("/orders", order_body, "billing_address", "country_id"),
    "cart shipping_address.country_code": ("/carts", cart_body, "shipping_address", "country_code"),
    "cart billing_address.country_id (Magento's quote)": ("/carts", cart_body, "billing_address", "country_id"),
    "checkout shipping_address.country_code": ("/checkouts", cart_body, "shipping_address", "country_code"),
}
_OURS = {"shipping": "shipping_address"}  # WooCommerce's order's address -> ours


def _sent(place: str, code: str) -> tuple[str, dict[str, Any], str]:
    """(path, body, the address it is stored as) of `code` sent at `place`."""
    path, body, key, name = PLACES[place]
    return path, body(customer=CUSTOMER, **{key: _address(code, **{name: code})}), _OURS.get(key, key)


REFUSED = ("AN", "ZZ", "XA", "AA", "QM", "XX", "EU", "UK")
INVALID = "Must be an ISO 3166 alpha-2 country code, e.g. FR."


def test_each_extra_code_is_a_phone_region_iso_has_not_assigned() -> None:
    assert set(PHONES) == set(PLATFORM_CODES)
    assert all(code in phonenumbers.SUPPORTED_REGIONS and code not in ISO_CODES for code in PLATFORM_CODES)


@pytest.mark.parametrize("way", ("single", "batch"))
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("code", PLATFORM_CODES)
async def test_an_extra_code_is_stored_and_reads_the_phone(api, code, place, way) -> None:
    path, sent, address = _sent(place, code)
    assert await write(api, path, sent, way) == (201, None)
    stored = (await api.get(f"{path}/{sent['external_id']}")).json()
    assert (stored[address]["country_code"], stored["phone_source"], stored["contact"]["phone"]) == (
        code,
        address,
        PHONES[code][1],
    )


_UPSERT = """mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) {
  order { shippingAddress { countryCode } contact { phone } } userErrors { field code message } } }"""


@pytest.mark.parametrize("code", PLATFORM_CODES)
async def test_graphql_takes_an_extra_code(api, code) -> None:
    order = {
        "externalId": "ORDER-1001",
        "placedAt": "2026-05-18T10:00:00Z",
        "totalPrice": "49.9",
        "customer": {"firstName": "Arta"},
        "shippingAddress": {"city": "Prishtina", "countryCode": code, "phone": PHONES[code][0]},
    }
    answer = await gql(api, _UPSERT, {"input": order})
    assert answer["data"]["upsertOrder"] == {
        "order": {"shippingAddress": {"countryCode": code}, "contact": {"phone": PHONES[code][1]}},
        "userErrors": [],
    }


@pytest.mark.parametrize("code", PLATFORM_CODES)
async def test_a_store_in_an_extra_region_reads_national_phones_there(api, code) -> None:
    """`kanal stores create --region` takes phonenumbers' regions, these among them."""
    store = await stores.create_store(api.db, 77, "Kosova shop", code.lower())
    key, _ = await keys.create_key(api.db, store_id=77, name="test")
    assert store["region"] == code
    response = await api.post("/orders", order_body(customer={"phone": PHONES[code][0]}), store=77, key=key)
    assert response.status_code == 201, response.text
    assert response.json()["contact"]["phone"] == PHONES[code][1]


@pytest.mark.parametrize("way", ("single", "batch"))
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("code", REFUSED)
async def test_other_unassigned_codes_stay_refused(api, code, place, way) -> None:
    path, sent, address = _sent(place, code)
    dotted = f"{address}.country_code"
    assert await write(api, path, sent, way) == (
        422,
        {"codes": {dotted: ["invalid_choice"]}, "errors": {dotted: [f"The {dotted} field is invalid: {INVALID}"]}},
    )
    assert await api.count("orders") + await api.count("carts") == 0
