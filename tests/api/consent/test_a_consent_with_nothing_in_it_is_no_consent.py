"""A `whatsapp_consent` whose every field, whatever its key, holds nothing (null, a blank string,
`[]` or `{}`), `{}` itself included, is no consent (README, "WhatsApp consent" and "Decisions"):
the write goes on and the stored consent stays. Shopify's consent relayed with every field null
(`{"state": null, "opt_in_level": null, …}`) made the whole order 422 ("Unknown 'consent_collected_from',
…"), and so did `{}` and `{"state": ""}`. A consent holding a key it does not read with something
in it stays refused (`invalid`), wherever it is taken: a customer, the customer of an order, a
cart or a checkout, alone or in a batch. GraphQL's `WhatsappConsentInput` names only the consent's
own fields (any other is a GraphQL error before the command), so its shapes are those."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body

PHONE = "+33622222222"
GIVEN = {"marketing": "subscribed", "consented_at": "2026-05-01T00:00:00Z", "source": "web"}
STORED = {
    "marketing": ("subscribed", "2026-05-01T00:00:00+00:00", "web"),
    "utility": (None, None, None),  # never given: read as not_subscribed
}

# shape -> a consent with nothing in it
NOTHING: dict[str, dict[str, Any]] = {
    "Shopify's keys, every one null": {
        "state": None,
        "opt_in_level": None,
        "consent_updated_at": None,
        "consent_collected_from": None,
    },
    "empty object": {},
    "Shopify's state blank": {"state": ""},
    "whitespace": {"state": "  ", "marketing": "\t\n", "utility": "\u00a0", "source": " \u2028"},
    "null and blank mixed": {"marketing": None, "utility": "", "consented_at": None, "source": " ", "state": None},
    "empty list and object": {"opt_in_level": [], "state": {}, "marketing": None},
}

# shape -> (the consent, the message's keys): something in a key the consent does not read
REFUSED: dict[str, tuple[dict[str, Any], str]] = {
    "Shopify's state given": ({"state": "subscribed", "opt_in_level": None}, "'state'"),
    "Shopify's source given": ({"state": None, "consent_collected_from": "checkout"}, "'consent_collected_from'"),
    "Shopify's state beside ours": ({"marketing": "subscribed", "state": "subscribed"}, "'state'"),
    "a misspelt purpose given": ({"marketing": "subscribed", "utlity": "subscribed"}, "'utlity'"),
    "unknown key beside blank purposes": ({"marketing": "", "utility": None, "opt_in": "yes"}, "'opt_in'"),
    "unknown key holding a list": ({"state": ["subscribed"]}, "'state'"),
}


# shape -> (a consent naming a purpose beside keys it does not read holding nothing: read as
# its own keys say, the others left out), each purpose's state stored after it (its time is the
# record's: an order's placed_at, a cart's abandoned_at)
BESIDE_NOTHING: dict[str, tuple[dict[str, Any], dict[str, str | None]]] = {
    "Shopify's state null": (
        {"marketing": "unsubscribed", "state": None},
        {"marketing": "unsubscribed", "utility": None},
    ),
    "Shopify's opt_in_level blank": (
        {"marketing": "unsubscribed", "opt_in_level": "", "source": "checkout"},
        {"marketing": "unsubscribed", "utility": None},
    ),
    "every Shopify key empty": (
        {"utility": "subscribed", "consent_collected_from": [], "state": {}, "consent_updated_at": " "},
        {"marketing": "subscribed", "utility": "subscribed"},
    ),
}


def _customer(consent: dict[str, Any]) -> dict[str, Any]:
    return {"phone": PHONE, "first_name": "Z", "whatsapp_consent": consent}


def _order(consent: dict[str, Any]) -> dict[str, Any]:
    return order_body(external_id="ORDER-9", customer=_customer(consent))


def _cart(consent: dict[str, Any]) -> dict[str, Any]:
    return cart_body(external_id="CART-9", customer=_customer(consent))


# place -> (path, body of a consent, single or batch, where the consent is in the body)
PLACES = {
    "customer": ("/customers", _customer, False, "whatsapp_consent"),
    "order": ("/orders", _order, False, "customer.whatsapp_consent"),
    "cart": ("/carts", _cart, False, "customer.whatsapp_consent"),
    "checkout": ("/checkouts", _cart, False, "customer.whatsapp_consent"),
    "customers batch": ("/customers/batch", _customer, True, "whatsapp_consent"),
    "orders batch": ("/orders/batch", _order, True, "customer.whatsapp_consent"),
    "carts batch": ("/carts/batch", _cart, True, "customer.whatsapp_consent"),
    "checkouts batch": ("/checkouts/batch", _cart, True, "customer.whatsapp_consent"),
}


# what the write records besides: no consent change
_EVENTS = {"customer": [], "order": ["order.created"], "cart": ["cart.abandoned"], "checkout": ["cart.abandoned"]}


async def _given_consent(api: Api) -> None:
    """The contact of PHONE holds a consent: the one a write with nothing in it must keep."""
    response = await api.post("/customers", {"phone": PHONE, "whatsapp_consent": GIVEN})
    assert response.status_code == 201, response.text


async def _stored(api: Api) -> dict[str, tuple[Any, ...]]:
    (contact,) = await api.rows("contacts")
    return {
        purpose: (
            contact[f"{purpose}_consent"],
            None if contact[f"{purpose}_consented_at"] is None else contact[f"{purpose}_consented_at"].isoformat(),
            contact[f"{purpose}_consent_source"],
        )
        for purpose in ("marketing", "utility")
    }


async def _consent_records(api: Api) -> tuple[int, list[str]]:
    """The consent history's rows, and the events' types."""
    return len(await api.rows("consent_changes")), [row["type"] for row in await api.rows("events")]


async def _send(api: Api, place: str, consent: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The write's status and answer (a batch's one result)."""
    path, body, batch, _ = PLACES[place]
    if not batch:
        response = await api.post(path, body(consent))
        return response.status_code, response.json()
    response = await api.post(path, {"items": [body(consent)]})
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    return result["status"], result


def _utc(stored: dict[str, tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    """The times as the engines give them back (SQLite: naive UTC) written with their offset."""
    return {
        purpose: (state, at if at is None or at.endswith("+00:00") else f"{at}+00:00", source)
        for purpose, (state, at, source) in stored.items()
    }


@pytest.mark.parametrize("shape", NOTHING)
@pytest.mark.parametrize("place", PLACES)
async def test_a_consent_with_nothing_in_it_is_no_consent(api: Api, place: str, shape: str) -> None:
    await _given_consent(api)
    records = await _consent_records(api)
    status, answer = await _send(api, place, dict(NOTHING[shape]))
    # the customer of PHONE exists (200, a phone-only customer is its contact); the order or cart is new
    assert status == (200 if place.startswith("customer") else 201), answer
    assert _utc(await _stored(api)) == STORED
    assert await _consent_records(api) == (records[0], records[1] + _EVENTS[place.split()[0].rstrip("s")])


@pytest.mark.parametrize("shape", REFUSED)
@pytest.mark.parametrize("place", PLACES)
async def test_a_consent_holding_a_key_it_does_not_read_is_refused(api: Api, place: str, shape: str) -> None:
    await _given_consent(api)
    before = await api.snapshot()
    consent, keys = REFUSED[shape]
    status, answer = await _send(api, place, dict(consent))
    field = PLACES[place][3]
    assert status == 422
    assert answer["codes"] == {field: ["invalid"]}
    assert answer["errors"] == {
        field: [
            f"The {field} field is invalid: Unknown {keys}: give marketing and/or utility (with consented_at, source)."
        ]
    }
    assert await api.snapshot() == before


_CONSENT = "whatsappConsent { marketing { state source } utility { state } }"
# mutation -> (document, the input of a consent, the payload's result(s))
_MUTATIONS = {
    "upsertCustomer": (
        f'mutation($c: WhatsappConsentInput) {{ upsertCustomer(storeId: 123, input: {{phone: "{PHONE}", '
        f"whatsappConsent: $c}}) {{ customer {{ {_CONSENT} }} created userErrors {{ field code }} }} }}"
    ),
    "upsertCustomers": (
        f'mutation($c: WhatsappConsentInput) {{ upsertCustomers(storeId: 123, inputs: [{{phone: "{PHONE}", '
        f"whatsappConsent: $c}}]) {{ results {{ customer {{ {_CONSENT} }} created userErrors {{ field code }} }} }} }}"
    ),
    "upsertOrder": (
        'mutation($c: WhatsappConsentInput) { upsertOrder(storeId: 123, input: {externalId: "ORDER-9", '
        f'placedAt: "2026-05-18T10:00:00Z", totalPrice: "1", customer: {{phone: "{PHONE}", whatsappConsent: $c}}}}) '
        "{ created userErrors { field code } } }"
    ),
    "upsertOrders": (
        'mutation($c: WhatsappConsentInput) { upsertOrders(storeId: 123, inputs: [{externalId: "ORDER-9", '
        f'placedAt: "2026-05-18T10:00:00Z", totalPrice: "1", customer: {{phone: "{PHONE}", whatsappConsent: $c}}}}]) '
        "{ results { created userErrors { field code } } } }"
    ),
    "upsertCart": (
        'mutation($c: WhatsappConsentInput) { upsertCart(storeId: 123, input: {externalId: "CART-9", '
        f'abandonedAt: "2026-05-18T10:00:00Z", totalPrice: "1", customer: {{phone: "{PHONE}", whatsappConsent: $c}}}}) '
        "{ created userErrors { field code } } }"
    ),
    "upsertCarts": (
        'mutation($c: WhatsappConsentInput) { upsertCarts(storeId: 123, inputs: [{externalId: "CART-9", '
        f'abandonedAt: "2026-05-18T10:00:00Z", totalPrice: "1", customer: {{phone: "{PHONE}", whatsappConsent: $c}}}}]) '
        "{ results { created userErrors { field code } } } }"
    ),
}
# shape -> the input: GraphQL's own field names only
GRAPHQL_NOTHING: dict[str, dict[str, Any]] = {
    "every field null": {"marketing": None, "utility": None, "consentedAt": None, "source": None},
    "empty object": {},
    "marketing blank": {"marketing": ""},
    "whitespace": {"marketing": "  ", "utility": "\t\n", "source": "\u00a0"},
    "null and blank mixed": {"marketing": None, "utility": "", "consentedAt": " ", "source": None},
}


@pytest.mark.parametrize("shape", GRAPHQL_NOTHING)
@pytest.mark.parametrize("mutation", _MUTATIONS)
async def test_graphql_takes_a_consent_with_nothing_in_it_as_no_consent(api: Api, mutation: str, shape: str) -> None:
    await _given_consent(api)
    records = await _consent_records(api)
    body = await gql(api, _MUTATIONS[mutation], {"c": GRAPHQL_NOTHING[shape]})
    assert "errors" not in body, body
    payload = body["data"][mutation]
    (result,) = payload["results"] if "results" in payload else [payload]
    assert result["userErrors"] == []
    assert result["created"] is (not mutation.startswith("upsertCustomer"))
    if "customer" in result:
        assert result["customer"]["whatsappConsent"] == {
            "marketing": {"state": "subscribed", "source": "web"},
            "utility": {"state": "not_subscribed"},
        }
    assert _utc(await _stored(api)) == STORED
    written = "customer" if mutation.startswith("upsertCustomer") else "cart" if "Cart" in mutation else "order"
    assert await _consent_records(api) == (records[0], records[1] + _EVENTS[written])


@pytest.mark.parametrize("shape", BESIDE_NOTHING)
@pytest.mark.parametrize("place", PLACES)
async def test_a_purpose_beside_keys_holding_nothing_is_read(api: Api, place: str, shape: str) -> None:
    await _given_consent(api)
    consent, states = BESIDE_NOTHING[shape]
    status, answer = await _send(api, place, dict(consent))
    assert status == (200 if place.startswith("customer") else 201), answer
    assert {purpose: state for purpose, (state, *_) in (await _stored(api)).items()} == states
