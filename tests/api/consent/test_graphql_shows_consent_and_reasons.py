"""Issue 15 in GraphQL: mutations take `whatsappConsent` and their payloads list `automations`;
`Contact.consent`, `Contact.consentHistory`, the `consent` filter on contacts, and the reasons on
`Contact.automationLog`, `Order.events` and `Cart.events`."""

from __future__ import annotations

import pytest

from tests.api.calls import gql
from tests.api.consent.consent import consent, customer
from tests.conftest import Api, cart_body, order_body

CART = """mutation($consent: WhatsappConsentInput) {
  upsertCart(storeId: 123, input: {externalId: "CART-1", abandonedAt: "2026-05-18T09:40:00Z", totalPrice: 10,
    customer: {externalId: "CUST-42", phone: "+33612345678", whatsappConsent: $consent}}) {
    cart { externalId events { type automation reason } }
    automations { automation reason subjectType externalId }
    userErrors { field code }
  }
}"""


@pytest.mark.parametrize(
    ("given", "reason"),
    [({"marketing": "subscribed", "consentedAt": "2026-05-01T00:00:00Z"}, "not_due_yet"), (None, "no_consent")],
)
async def test_a_cart_mutation_says_what_it_scheduled_or_suppressed(api: Api, given, reason: str) -> None:
    payload = (await gql(api, CART, {"consent": given}))["data"]["upsertCart"]
    decision = {"automation": "cart_recovery", "reason": reason, "subjectType": "cart", "externalId": "CART-1"}
    assert payload["automations"] == [decision]
    assert payload["cart"]["events"] == [{"type": "cart.abandoned", "automation": "cart_recovery", "reason": reason}]
    replay = (await gql(api, CART, {"consent": given}))["data"]["upsertCart"]
    assert replay["automations"] == [{**decision, "reason": "unchanged"}]


async def test_shipment_order_and_customer_payloads(api: Api) -> None:
    await api.post("/carts", cart_body(customer=customer(consent(marketing="subscribed"))))
    order = await gql(
        api,
        """mutation { upsertOrder(storeId: 123, input: {externalId: "O-1", placedAt: "2026-05-18T10:00:00Z",
             totalPrice: 1, customer: {phone: "+33612345678"}}) {
           automations { automation reason externalId } order { events { type reason } } } }""",
    )
    assert order["data"]["upsertOrder"] == {
        "automations": [{"automation": "cart_recovery", "reason": "recovered_by_order", "externalId": "CART-7700"}],
        "order": {"events": [{"type": "order.created", "reason": None}]},
    }
    shipment = await gql(
        api,
        """mutation { createShipment(storeId: 123, input: {externalId: "S-1", orderExternalId: "O-1"}) {
           automations { automation reason externalId } } }""",
    )
    assert shipment["data"]["createShipment"]["automations"] == [
        {"automation": "shipping_notification", "reason": "fired", "externalId": "S-1"}
    ]
    upserted = await gql(
        api,
        """mutation { upsertCustomer(storeId: 123, input: {externalId: "CUST-42", phone: "+33612345678",
             whatsappConsent: {utility: "unsubscribed", source: "whatsapp"}}) {
           automations { reason } customer { whatsappConsent { utility { state source } } } userErrors { code } } }""",
    )
    assert upserted["data"]["upsertCustomer"] == {
        "automations": [],
        "customer": {"whatsappConsent": {"utility": {"state": "unsubscribed", "source": "whatsapp"}}},
        "userErrors": [],
    }


async def test_a_bad_consent_is_a_user_error(api: Api) -> None:
    payload = (await gql(api, CART, {"consent": {"marketing": "yes"}}))["data"]["upsertCart"]
    assert payload["userErrors"] == [
        {"field": ["input", "customer", "whatsappConsent", "marketing"], "code": "INVALID_CHOICE"}
    ]
    assert payload["automations"] == [] and await api.count("carts") == 0


async def test_contact_consent_history_and_filter(api: Api) -> None:
    await api.post("/customers", customer(consent("subscribed", "subscribed", "2026-05-01T00:00:00Z", "checkout")))
    await api.post(
        "/orders", order_body(customer=customer(consent(marketing="unsubscribed", at="2026-05-02T00:00:00Z")))
    )
    await api.post("/customers", {"external_id": "CUST-43", "phone": "+33698765432"})
    found = await gql(
        api,
        """{ contact(storeId: 123, externalId: "CUST-42") {
             consent { marketing { state consentedAt source } utility { state consentedAt source } }
             consentHistory { purpose previousState state consentedAt source writtenBy writtenById } } }""",
    )
    assert found["data"]["contact"] == {
        "consent": {
            "marketing": {"state": "unsubscribed", "consentedAt": "2026-05-02T00:00:00+00:00", "source": None},
            "utility": {"state": "subscribed", "consentedAt": "2026-05-01T00:00:00+00:00", "source": "checkout"},
        },
        "consentHistory": [
            {
                "purpose": "marketing",
                "previousState": "not_subscribed",
                "state": "subscribed",
                "consentedAt": "2026-05-01T00:00:00+00:00",
                "source": "checkout",
                "writtenBy": "customer",
                "writtenById": "CUST-42",
            },
            {
                "purpose": "utility",
                "previousState": "not_subscribed",
                "state": "subscribed",
                "consentedAt": "2026-05-01T00:00:00+00:00",
                "source": "checkout",
                "writtenBy": "customer",
                "writtenById": "CUST-42",
            },
            {
                "purpose": "marketing",
                "previousState": "subscribed",
                "state": "unsubscribed",
                "consentedAt": "2026-05-02T00:00:00+00:00",
                "source": None,
                "writtenBy": "order",
                "writtenById": "ORDER-1001",
            },
        ],
    }

    async def listed(filter_: str) -> list[str]:
        body = await gql(
            api, f"{{ contacts(storeId: 123, consent: {filter_}) {{ edges {{ node {{ externalId }} }} }} }}"
        )
        return [edge["node"]["externalId"] for edge in body["data"]["contacts"]["edges"]]

    assert await listed('{marketing: "unsubscribed"}') == ["CUST-42"]
    assert await listed('{marketing: "not_subscribed"}') == ["CUST-43"]  # never given counts as not_subscribed
    assert await listed('{marketing: "subscribed"}') == []
    assert await listed('{utility: "subscribed", marketing: "unsubscribed"}') == ["CUST-42"]
    bad = await gql(api, '{ contacts(storeId: 123, consent: {utility: "yes"}) { totalCount } }')
    (error,) = bad["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": ["consent", "utility"]}
