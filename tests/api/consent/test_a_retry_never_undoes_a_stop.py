"""A shop's retry of a record that carried an undated opt-in never undoes a STOP received since
(SPEC §6: an automation fires once per real change, never because a shop retried; README,
"WhatsApp consent"). A consent sent without `consented_at` is dated by its record — an order's
`placed_at`, a cart's (checkout's) `abandoned_at`, a customer's `updated_at` —, so the retry is
as old as the first sending, older than the STOP. Dated by its arrival, every retry subscribed
the contact again: a third history row, a `contact.consent_changed`, and a cart recovery fired
to someone who had sent STOP. Every write that carries a consent: REST, batches, GraphQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.calls import gql
from tests.api.consent.consent import PHONE, stored_consent
from tests.conftest import STORE_ID, Api, cart_body, order_body

OPT_IN = {"marketing": "subscribed", "source": "checkout"}
STOP = {"phone": PHONE, "whatsapp_consent": {"marketing": "unsubscribed", "source": "STOP"}}
CUSTOMER = {"external_id": "CUST-42", "phone": PHONE, "whatsapp_consent": OPT_IN}
# a record with its customer's undated opt-in: (path, body)
RECORDS: dict[str, tuple[str, dict[str, Any]]] = {
    "order": ("/orders", order_body(external_id="RETRY-1", customer=CUSTOMER)),
    "cart": ("/carts", cart_body(external_id="RETRY-1", customer=CUSTOMER)),
    "checkout": ("/checkouts", cart_body(external_id="RETRY-1", customer=CUSTOMER)),
    "customer": ("/customers", {**CUSTOMER, "updated_at": "2026-05-18T10:00:00Z"}),
}


async def _rest(api: Api, kind: str) -> int:
    path, body = RECORDS[kind]
    response = await api.client.post(f"/api/v1/stores/{STORE_ID}{path}", json=body, headers=api.auth())
    return response.status_code


async def _batch(api: Api, kind: str) -> int:
    path, body = RECORDS[kind]
    response = await api.client.post(
        f"/api/v1/stores/{STORE_ID}{path}/batch", json={"items": [body]}, headers=api.auth()
    )
    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    return result["status"]


_INPUT_CUSTOMER = (
    '{externalId: "CUST-42", phone: "+33612345678", whatsappConsent: {marketing: "subscribed", source: "checkout"}'
)
MUTATIONS = {
    "order": 'upsertOrder(storeId: 123, input: {externalId: "RETRY-1", placedAt: "2026-05-18T10:00:00Z", '
    f"totalPrice: 1, customer: {_INPUT_CUSTOMER}}}}})",
    "cart": 'upsertCart(storeId: 123, input: {externalId: "RETRY-1", abandonedAt: "2026-05-18T09:40:00Z", '
    f"totalPrice: 1, customer: {_INPUT_CUSTOMER}}}}})",
    "customer": f'upsertCustomer(storeId: 123, input: {_INPUT_CUSTOMER}, updatedAt: "2026-05-18T10:00:00Z"}})',
}


async def _graphql(api: Api, kind: str) -> int:
    body = await gql(api, f"mutation {{ write: {MUTATIONS[kind]} {{ created userErrors {{ code }} }} }}")
    assert body.get("errors") is None and body["data"]["write"]["userErrors"] == [], body
    return 201 if body["data"]["write"]["created"] else 200


Send = Callable[[Api, str], Awaitable[int]]  # the write's status (GraphQL: created or not)
WAYS: dict[str, Send] = {"REST": _rest, "batch": _batch, "GraphQL": _graphql}
CASES = [(way, kind) for way in WAYS for kind in RECORDS if not (way == "GraphQL" and kind == "checkout")]


@pytest.mark.parametrize(("way", "kind"), CASES)
async def test_a_retry_after_a_stop_leaves_the_contact_unsubscribed(api: Api, way: str, kind: str) -> None:
    send = WAYS[way]
    assert await send(api, kind) == 201
    stop = await api.client.post(f"/api/v1/stores/{STORE_ID}/customers", json=STOP, headers=api.auth())
    assert stop.status_code == 200, stop.text
    history, events = await api.count("consent_changes"), await _consent_events(api)
    assert (history, len(events)) == (2, 2)
    assert await send(api, kind) == 200  # the shop's retry
    assert (await stored_consent(api))["marketing"][0::2] == ("unsubscribed", "STOP")
    assert await api.count("consent_changes") == history
    assert await _consent_events(api) == events


async def _consent_events(api: Api) -> list[Any]:
    return [row["id"] for row in await api.rows("events") if row["type"] == "contact.consent_changed"]
