"""What the consent tests share: bodies carrying a WhatsApp consent, and the answer's reasons."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import STORE_ID, Api, cart_body, order_body

PHONE = "+33612345678"


def consent(marketing: str | None = None, utility: str | None = None, at: str | None = None, source: str | None = None):
    """A `whatsapp_consent` object with the purposes given."""
    body: dict[str, Any] = {}
    for name, value in (("marketing", marketing), ("utility", utility), ("consented_at", at), ("source", source)):
        if value is not None:
            body[name] = value
    return body


def customer(given: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
    body = {"external_id": "CUST-42", "phone": PHONE, **fields}
    if given is not None:
        body["whatsapp_consent"] = given
    return body


async def write(
    api: Api, kind: str, given: dict[str, Any] | None, number: int = 1, placed: str | None = None, **headers: str
) -> httpx.Response:
    """A write of `kind` (customer, order, cart) by CUST-42 carrying `given` as its consent;
    `placed`: the order's placed_at or the cart's abandoned_at (RFC 3339), else the bodies'."""
    order, cart = ({"placed_at": placed}, {"abandoned_at": placed}) if placed else ({}, {})
    path, body = {
        "customer": ("/customers", customer(given)),
        "order": ("/orders", order_body(external_id=f"ORDER-{number}", customer=customer(given), **order)),
        "cart": ("/carts", cart_body(external_id=f"CART-{number}", customer=customer(given), **cart)),
    }[kind]
    return await api.client.post(f"/api/v1/stores/{STORE_ID}{path}", json=body, headers={**api.auth(), **headers})


def reasons(response: httpx.Response) -> list[tuple[str, str, str]]:
    """The answer's automations as (automation, reason, subject external id)."""
    return [
        (item["automation"], item["reason"], item["subject"]["external_id"]) for item in response.json()["automations"]
    ]


async def stored_consent(api: Api) -> dict[str, Any]:
    (contact,) = [row for row in await api.rows("contacts") if row["erased_at"] is None]
    return {
        purpose: (
            contact[f"{purpose}_consent"],
            contact[f"{purpose}_consented_at"],
            contact[f"{purpose}_consent_source"],
        )
        for purpose in ("marketing", "utility")
    }
