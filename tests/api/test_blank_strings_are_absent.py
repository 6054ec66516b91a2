"""Blank strings are absent (SPEC §10, issue 11; README, "Blank strings"): shops relay `""` (or
whitespace) for "no value". In every optional field of every command — a string field, and a
field no string fills (an address, the customer, a consent, line items, metadata, a count) — a
blank is the same request as the field left out: never a 422; a POST stores null, the embedded
customer keeps the contact's value, a PATCH leaves the field alone. A blank required field is
422 `required`.

The fields come from the command models themselves (`blank_fields`), so a new field is in these
tables as soon as it exists. The oracle: on the walkthrough's data, send the request
without the field, then with it blank: the second answers 200 and leaves every row as the first
left it (our own `updated_at` and `revision` aside)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, get_args

import jsonschema_rs
import pytest

from app.domain.commands import (
    CartInput,
    CartUpdate,
    Command,
    CustomerInput,
    OrderInput,
    OrderUpdate,
    ShipmentInput,
    blank_fields,
    validate,
)
from app.domain.text import is_blank
from app.rest.blank_schemas import BLANK, NOT_BLANK
from app.rest.openapi import openapi_document
from tests.api.calls import gql
from tests.api.walkthrough import PHONE, seed
from tests.conftest import Api, cart_body, order_body, shipment_body
from tests.domain.optional_fields import NULL_REFUSED, optional_paths

BLANKS = {"empty": "", "spaces": "   ", "tab newline": "\t\n"}


# Both purposes given, so that either one left out still leaves a consent (issue 15).
CONSENT = {"marketing": "subscribed", "utility": "subscribed", "consented_at": "2026-05-01T00:00:00Z", "source": "web"}


def customer_body() -> dict[str, Any]:
    return {
        "external_id": "CUST-42",
        "phone": PHONE,
        "first_name": "Marie",
        "email": "marie.durand@example.com",
        "whatsapp_consent": dict(CONSENT),
    }


def with_consent(body_for: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """The body of an order or a cart whose customer gives a consent."""

    def body() -> dict[str, Any]:
        made = body_for()
        made["customer"] = {**made["customer"], "whatsapp_consent": dict(CONSENT)}
        return made

    return body


# endpoint -> (command, body the field is put in)
ENDPOINTS: dict[str, tuple[type[Command], Callable[[], dict[str, Any]]]] = {
    "POST /orders": (OrderInput, with_consent(order_body)),
    "POST /carts": (CartInput, with_consent(cart_body)),
    "POST /shipments": (ShipmentInput, shipment_body),
    "POST /customers": (CustomerInput, customer_body),
    "PATCH /orders/ORDER-1001": (OrderUpdate, dict),
    "PATCH /carts/CART-7700": (CartUpdate, dict),
}


# Optional in its model, yet required of the order or cart when no address has a phone (SPEC §4.1
# as amended): a blank one there, or a blank customer, is the phone left out, so 422 required on
# the phone.
PHONE_OF_THE_ORDER = ("customer", "phone")
HOLDS_THE_PHONE = (PHONE_OF_THE_ORDER, ("customer",))


def blank_paths(model: type[Command], required: bool, at: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The paths of `model`'s fields that read a blank as absent, nested commands (the embedded
    customer, the addresses, a consent) and their own fields included; the phone of an order or
    a cart, and the customer holding it, count as required."""
    for name, field in model.model_fields.items():
        here = (*at, name)
        if name in blank_fields(model) and (field.is_required() or here in HOLDS_THE_PHONE) == required:
            yield (name,)
        # an optional nested command (`EmbeddedCustomer | None`, an address) is walked too
        nested = next((arg for arg in get_args(field.annotation) if arg is not type(None)), field.annotation)
        if isinstance(nested, type) and issubclass(nested, Command):
            yield from ((name, *path) for path in blank_paths(nested, required, here))


def cases(required: bool) -> list[Any]:
    return [
        pytest.param(endpoint, path, blank, id=f"{endpoint} {'.'.join(path)} {label}")
        for endpoint, (model, _) in ENDPOINTS.items()
        for path in blank_paths(model, required)
        for label, blank in BLANKS.items()
    ]


def put(body: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """`body` with the field at `path` set to `value`, or left out when `value` is ...."""
    node = body
    for part in path[:-1]:
        node = node.setdefault(part, {})
    if value is ...:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return body


def stable(snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Rows without our own write bookkeeping, which a replay may move."""
    return {
        table: [{k: v for k, v in row.items() if k not in ("updated_at", "revision")} for row in rows]
        for table, rows in snapshot.items()
    }


async def send(api: Api, endpoint: str, body: dict[str, Any]) -> Any:
    method, path = endpoint.split(" ", 1)
    return await (api.post(path, body) if method == "POST" else api.patch(path, body))


def test_the_table_is_derived_from_the_commands() -> None:
    found = {
        (endpoint, ".".join(path)) for endpoint, (model, _) in ENDPOINTS.items() for path in blank_paths(model, False)
    }
    assert {
        ("POST /orders", "currency"),
        ("POST /orders", "customer.first_name"),
        ("POST /carts", "customer.email"),
        ("POST /shipments", "status"),
        ("POST /customers", "external_id"),
        ("PATCH /carts/CART-7700", "status"),
        ("POST /orders", "shipping_address.city"),
        ("POST /carts", "billing_address.phone"),
        ("POST /orders", "shipping_address"),
        ("POST /orders", "line_items"),
        ("POST /orders", "metadata"),
        ("POST /carts", "customer.lifetime_value"),
        ("POST /customers", "orders_count"),
        ("POST /customers", "whatsapp_consent"),
        ("PATCH /orders/ORDER-1001", "metadata"),
    } <= found
    assert ("POST /orders", "tags") not in found  # Shopify's comma-separated tags: "" is no tag
    # 29 (a cart's completed_at among them); 10 fields of each of 2 addresses on orders and carts; updated_at on the 6 endpoints and
    # on the customer embedded in orders and carts; the 4 of a WhatsApp consent on customers and
    # on the customer embedded in orders and carts
    assert ("POST /customers", "whatsapp_consent.source") in found
    # and 23 fields that are no text (or, counts, not only text): 2 addresses, line items and metadata on orders and carts;
    # lifetime value, orders count, consent and tags (a contact's: merged, never overwritten by a
    # blank) of the customer embedded in orders and carts and of customers; the metadata of
    # shipments and of both PATCHes (the customer of an order or a cart holds its phone: required)
    assert ("POST /carts", "customer.tags") in found
    assert ("POST /carts", "completed_at") in found
    assert len(found) == 89 + 23


@pytest.mark.parametrize(("endpoint", "path", "blank"), cases(required=False))
async def test_a_blank_optional_string_is_the_field_left_out(api: Api, endpoint: str, path, blank: str) -> None:
    await seed(api)
    model, body_for = ENDPOINTS[endpoint]
    without = await send(api, endpoint, put(body_for(), path, ...))
    assert without.status_code in (200, 201), without.text[:300]
    before = await api.snapshot()
    with_blank = await send(api, endpoint, put(body_for(), path, blank))
    assert with_blank.status_code == 200, with_blank.text[:300]
    assert stable(await api.snapshot()) == stable(before)


@pytest.mark.parametrize(("endpoint", "path", "blank"), cases(required=True))
async def test_a_blank_required_string_is_required(api: Api, endpoint: str, path, blank: str) -> None:
    await seed(api)
    _, body_for = ENDPOINTS[endpoint]
    before = await api.snapshot()
    response = await send(api, endpoint, put(body_for(), path, blank))
    assert response.status_code == 422, response.text[:300]
    missing = PHONE_OF_THE_ORDER if path in HOLDS_THE_PHONE else path
    assert response.json()["codes"] == {".".join(missing): ["required"]}
    assert await api.snapshot() == before


@pytest.mark.parametrize("blank", BLANKS.values(), ids=BLANKS.keys())
async def test_a_cart_with_a_blank_name_keeps_the_name_an_order_gave(api: Api, blank: str) -> None:
    """SPEC §4.2: the merge overwrites with present values only; a blank is not one."""
    assert (await api.post("/orders", order_body())).status_code == 201
    customer = {"phone": PHONE, "first_name": blank, "last_name": blank, "email": blank, "external_id": blank}
    customer["tags"] = blank  # the contact's: never overwritten by a blank (it emptied them)
    assert (await api.post("/carts", cart_body(customer=customer))).status_code == 201
    contact = (await api.get("/customers/CUST-42")).json()
    assert (contact["first_name"], contact["last_name"], contact["email"], contact["tags"]) == (
        "Marie",
        "Durand",
        "marie.durand@example.com",
        ["vip"],
    )


@pytest.mark.parametrize("blank", BLANKS.values(), ids=BLANKS.keys())
async def test_a_blank_post_field_is_stored_null(api: Api, blank: str) -> None:
    """SPEC §3: a POST replaces; a blank optional field, like an omitted one, becomes null."""
    assert (await api.post("/orders", order_body())).status_code == 201
    response = await api.post("/orders", order_body(currency=blank, financial_status=blank))
    assert response.status_code == 200, response.text[:300]
    assert (response.json()["currency"], response.json()["financial_status"]) == (None, None)


_UPSERT_ORDER = """mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) {
  order { currency financialStatus fulfillmentStatus customerExternalId contact { firstName lastName email } }
  userErrors { field code } } }"""
_UPDATE_CART = """mutation($status: String, $url: String) {
  updateCart(storeId: 123, externalId: "CART-7700", input: {status: $status, recoveryUrl: $url}) {
  cart { status recoveryUrl } userErrors { field code } } }"""
_CREATE_SHIPMENT = """mutation($input: ShipmentInput!) { createShipment(storeId: 123, input: $input) {
  shipment { trackingUrl carrier status } userErrors { field code } } }"""


@pytest.mark.parametrize("blank", BLANKS.values(), ids=BLANKS.keys())
async def test_graphql_inputs_take_blanks_as_absent(api: Api, blank: str) -> None:
    """The GraphQL inputs are the same commands: the same outcome, no userErrors."""
    await seed(api)
    order = {
        "externalId": "ORDER-1001",
        "placedAt": "2026-05-18T10:00:00Z",
        "totalPrice": "49.90",
        "currency": blank,
        "financialStatus": blank,
        "fulfillmentStatus": blank,
        "customer": {"phone": PHONE, "externalId": blank, "firstName": blank, "lastName": blank, "email": blank},
    }
    payload = (await gql(api, _UPSERT_ORDER, {"input": order}))["data"]["upsertOrder"]
    assert payload["userErrors"] == []
    assert payload["order"] == {
        "currency": None,
        "financialStatus": None,
        "fulfillmentStatus": None,
        "customerExternalId": None,
        "contact": {"firstName": "Marie", "lastName": "Durand", "email": "marie.durand@example.com"},
    }

    payload = (await gql(api, _UPDATE_CART, {"status": blank, "url": blank}))["data"]["updateCart"]
    assert payload == {
        "cart": {"status": "recovered", "recoveryUrl": "https://shop.example.com/cart/recover/7700"},
        "userErrors": [],
    }

    shipment = {"externalId": "SHIP-1", "orderExternalId": "ORDER-1001", "trackingUrl": blank, "carrier": blank}
    payload = (await gql(api, _CREATE_SHIPMENT, {"input": {**shipment, "status": blank}}))["data"]["createShipment"]
    assert payload == {"shipment": {"trackingUrl": None, "carrier": None, "status": None}, "userErrors": []}


@pytest.mark.parametrize("blank", BLANKS.values(), ids=BLANKS.keys())
async def test_graphql_blank_required_field_is_required(api: Api, blank: str) -> None:
    order = {"externalId": blank, "placedAt": "2026-05-18T10:00:00Z", "totalPrice": "1", "customer": {"phone": blank}}
    payload = (await gql(api, _UPSERT_ORDER, {"input": order}))["data"]["upsertOrder"]
    assert payload["order"] is None
    assert sorted((e["field"], e["code"]) for e in payload["userErrors"]) == [
        (["input", "customer", "phone"], "REQUIRED"),
        (["input", "externalId"], "REQUIRED"),
    ]


# A consent with nothing in it: every field blank or null (platforms relay an unanswered consent
# so; any key, `{}` too: tests/api/consent/test_a_consent_with_nothing_in_it_is_no_consent.py). A
# lone source stays `invalid` (tests/api/corpora).
EMPTY_CONSENTS = {
    "marketing": {"marketing": ""},
    "both purposes": {"marketing": "", "utility": " "},
    "every field": {"marketing": "\t", "utility": "", "consented_at": "", "source": "  "},
    "null and blank": {"marketing": None, "utility": ""},
}
# endpoint -> where its body holds the consent
CONSENT_AT = {
    "POST /orders": ("customer", "whatsapp_consent"),
    "POST /carts": ("customer", "whatsapp_consent"),
    "POST /customers": ("whatsapp_consent",),
}


@pytest.mark.parametrize("shape", EMPTY_CONSENTS, ids=EMPTY_CONSENTS.keys())
@pytest.mark.parametrize("endpoint", CONSENT_AT)
async def test_a_consent_with_nothing_in_it_is_the_consent_left_out(api: Api, endpoint: str, shape: str) -> None:
    """Where it refused the whole order, cart or customer (422, no purpose named)."""
    await seed(api)
    _, body_for = ENDPOINTS[endpoint]
    without = await send(api, endpoint, put(body_for(), CONSENT_AT[endpoint], ...))
    assert without.status_code in (200, 201), without.text[:300]
    before = await api.snapshot()
    with_empty = await send(api, endpoint, put(body_for(), CONSENT_AT[endpoint], dict(EMPTY_CONSENTS[shape])))
    assert with_empty.status_code == 200, with_empty.text[:300]
    assert stable(await api.snapshot()) == stable(before)


_UPSERT_CUSTOMER = """mutation($input: CustomerInput!) { upsertCustomer(storeId: 123, input: $input) {
  customer { firstName whatsappConsent { marketing { state } utility { state } } } userErrors { field code } } }"""


@pytest.mark.parametrize("blank", BLANKS.values(), ids=BLANKS.keys())
async def test_graphql_takes_a_consent_with_nothing_in_it_as_absent(api: Api, blank: str) -> None:
    consent = {"marketing": blank, "utility": blank, "source": blank}
    customer = {"phone": PHONE, "firstName": "Marie", "whatsappConsent": consent}
    payload = (await gql(api, _UPSERT_CUSTOMER, {"input": customer}))["data"]["upsertCustomer"]
    unsubscribed = {"state": "not_subscribed"}
    assert payload == {
        "customer": {"firstName": "Marie", "whatsappConsent": {"marketing": unsubscribed, "utility": unsubscribed}},
        "userErrors": [],
    }


def _request_schema(endpoint: str) -> dict[str, Any]:
    """The endpoint's request body schema in the OpenAPI document, formats checked (as a
    validating client checks them), with the document's components."""
    method, path = endpoint.split(" ", 1)
    parts = path.split("/")
    template = "/".join(parts[:2] + ["{external_id}"] * (len(parts) > 2))
    document = openapi_document()
    operation = document["paths"][f"/api/v1/stores/{{store_id}}{template}"][method.lower()]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    return {**schema, "components": document["components"]}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_the_documented_bodies_validate_against_the_openapi_document(endpoint: str) -> None:
    validator = jsonschema_rs.validator_for(_request_schema(endpoint), validate_formats=True)
    assert validator.is_valid(ENDPOINTS[endpoint][1]())


@pytest.mark.parametrize(("endpoint", "path", "blank"), cases(required=False))
def test_the_openapi_document_allows_a_blank_optional_string(endpoint: str, path, blank: str) -> None:
    """A client validating its requests against /openapi.json sends what the API takes: a blank
    where it would leave the field out (a currency, an email, a time, an id)."""
    validator = jsonschema_rs.validator_for(_request_schema(endpoint), validate_formats=True)
    validator.validate(put(ENDPOINTS[endpoint][1](), path, blank))


# The phone of an order or a cart is required only when no address has one: a rule across
# fields, which the document gives in words.
@pytest.mark.parametrize(
    ("endpoint", "path", "blank"), [case for case in cases(required=True) if case.values[1] not in HOLDS_THE_PHONE]
)
def test_the_openapi_document_refuses_a_blank_required_string(endpoint: str, path, blank: str) -> None:
    validator = jsonschema_rs.validator_for(_request_schema(endpoint), validate_formats=True)
    assert not validator.is_valid(put(ENDPOINTS[endpoint][1](), path, blank))


# Every character either side reads as whitespace: Python's (`str.isspace`, the API's) and
# ECMA-262's `\s` (JSON Schema patterns'), which differ at U+FEFF, U+001C–U+001F and U+0085.
EDGES = sorted(
    {chr(c) for c in range(0x3001) if chr(c).isspace()} | set("\t\n\v\f\r \u00a0\ufeff\u2028") | set("a0\u200b")
)


@pytest.mark.parametrize("char", EDGES, ids=[f"U+{ord(c):04X}" for c in EDGES])
def test_the_document_reads_a_blank_as_the_api_does(char: str) -> None:
    """`/openapi.json`'s blank and non-blank patterns agree with `text.is_blank` on each character."""
    blank = jsonschema_rs.validator_for(BLANK)
    required = jsonschema_rs.validator_for({"type": "string", "pattern": NOT_BLANK})
    for text in (char, f" {char}{char} "):
        assert blank.is_valid(text) is is_blank(text), text
        assert required.is_valid(text) is not is_blank(text), text


NULLS = [
    pytest.param(endpoint, path, id=f"{endpoint} {'.'.join(path)}")
    for endpoint, (model, _) in ENDPOINTS.items()
    for path in optional_paths(model)
    if (model, path) not in NULL_REFUSED  # tests/domain/test_blank_strings_are_absent.py
]


@pytest.mark.parametrize(("endpoint", "path"), NULLS)
def test_the_document_allows_a_null_the_api_takes(endpoint: str, path: tuple[str, ...]) -> None:
    """SPEC §3: platforms send `null` for "no value"; where the API takes it (line items,
    metadata and tags read it as none), /openapi.json does too (`app/rest/null_schemas.py`)."""
    model, body_for = ENDPOINTS[endpoint]
    body = put(body_for(), path, None)
    validate(model, body, "FR")
    jsonschema_rs.validator_for(_request_schema(endpoint), validate_formats=True).validate(body)
