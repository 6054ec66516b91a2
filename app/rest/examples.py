"""The examples /docs shows: a request body for each write, and for each batch endpoint the
answer its request gets. A batch's request has four items (two new records, the second sent
again with an older `updated_at`, one refused); a single `POST`'s is the first of them, and a
`PATCH`'s changes the record that `POST` made. tests/api/test_openapi_describes_the_api.py
sends each to a store holding none of these records (the orders example's orders first, for
shipments) and compares the answers with the ones shown here; the batches sent one after the
other to one store, in the order /docs lists them, get them too (each its own records and
phones)."""

from __future__ import annotations

from typing import Any

_PHONE = {"phone": "+33612345678"}
# The carts' own phone: an order of theirs placed after their abandonment would recover them
# (the orders example sent first would change the carts' answers).
_CART_PHONE = {"phone": "+33611223344"}
_CONSENTING = {
    "phone": "+33611223344",
    "whatsapp_consent": {"marketing": "subscribed", "consented_at": "2026-05-18T09:30:00Z", "source": "checkout"},
}


def _carts(first: str, second: str, refused: str) -> list[dict[str, Any]]:
    """The carts (or checkouts) example: `first` new, consent given; `second` new, then sent
    again older; `refused`, its phone unreadable."""
    cart = {"total_price": 20, "currency": "EUR", "customer": _CART_PHONE}
    return [
        {
            "external_id": first,
            "abandoned_at": "2026-05-18T09:40:00Z",
            "total_price": 49.90,
            "currency": "EUR",
            "recovery_url": f"https://shop.example.com/cart/recover/{first}",
            "customer": _CONSENTING,
        },
        {**cart, "external_id": second, "abandoned_at": "2026-05-18T09:45:00Z", "updated_at": "2026-05-18T12:00:00Z"},
        {**cart, "external_id": second, "abandoned_at": "2026-05-18T09:45:00Z", "updated_at": "2026-05-18T10:00:00Z"},
        {**cart, "external_id": refused, "abandoned_at": "2026-05-18T09:50:00Z", "customer": {"phone": "0612"}},
    ]


def _recovery(external_id: str, reason: str) -> list[dict[str, Any]]:
    return [{"automation": "cart_recovery", "reason": reason, "subject": {"type": "cart", "external_id": external_id}}]


def _cart_answers(first: str, second: str, refused: str) -> dict[str, Any]:
    """The answer `_carts(first, second, refused)` gets."""
    invalid = "The customer.phone field is invalid: The phone number is not a valid number."
    return {
        "results": [
            {"index": 0, "external_id": first, "status": 201, "automations": _recovery(first, "not_due_yet")},
            {"index": 1, "external_id": second, "status": 201, "automations": _recovery(second, "not_due_yet")},
            {
                "index": 2,
                "external_id": second,
                "status": 200,
                "stale": True,
                "automations": _recovery(second, "stale"),
            },
            {
                "index": 3,
                "external_id": refused,
                "status": 422,
                "message": invalid,
                "errors": {"customer.phone": [invalid]},
                "codes": {"customer.phone": ["invalid_phone"]},
            },
        ]
    }


REQUESTS: dict[str, list[dict[str, Any]]] = {
    "orders": [
        {
            "external_id": "1001",
            "placed_at": "2026-05-18T10:00:00Z",
            "total_price": 59.90,
            "currency": "EUR",
            "customer": _PHONE,
        },
        {
            "external_id": "1002",
            "placed_at": "2026-05-18T10:05:00Z",
            "total_price": 24.50,
            "currency": "EUR",
            "financial_status": "paid",
            "updated_at": "2026-05-18T11:00:00Z",
            "customer": _PHONE,
        },
        {
            "external_id": "1002",
            "placed_at": "2026-05-18T10:05:00Z",
            "total_price": 24.50,
            "currency": "EUR",
            "financial_status": "pending",
            "updated_at": "2026-05-18T10:05:00Z",
            "customer": _PHONE,
        },
        {
            "external_id": "1003",
            "placed_at": "2026-05-18T10:10:00Z",
            "total_price": 12,
            "currency": "EURO",
            "customer": _PHONE,
        },
    ],
    "shipments": [
        {
            "external_id": "SHIP-1",
            "order_external_id": "1001",
            "tracking_number": "1Z999AA10123456784",
            "carrier": "Colissimo",
            "status": "in_transit",
        },
        {
            "external_id": "SHIP-2",
            "order_external_id": "1002",
            "status": "delivered",
            "updated_at": "2026-05-20T09:00:00Z",
        },
        {
            "external_id": "SHIP-2",
            "order_external_id": "1002",
            "status": "in_transit",
            "updated_at": "2026-05-19T08:00:00Z",
        },
        {"external_id": "SHIP-3", "order_external_id": "1003", "tracking_url": "not a url"},
    ],
    "carts": _carts("7701", "7702", "7703"),
    "customers": [
        {"external_id": "CUST-1", "phone": "+33622334455", "first_name": "Marie"},
        {"external_id": "CUST-2", "phone": "+33633445566", "first_name": "Lea", "updated_at": "2026-05-18T12:00:00Z"},
        {"external_id": "CUST-2", "phone": "+33633445566", "first_name": "Léa", "updated_at": "2026-05-18T11:00:00Z"},
        {"external_id": "CUST-3", "phone": "12"},
    ],
    "checkouts": _carts("8801", "8802", "8803"),
}


ANSWERS: dict[str, dict[str, Any]] = {
    "orders": {
        "results": [
            {"index": 0, "external_id": "1001", "status": 201, "automations": []},
            {"index": 1, "external_id": "1002", "status": 201, "automations": []},
            {"index": 2, "external_id": "1002", "status": 200, "stale": True, "automations": []},
            {
                "index": 3,
                "external_id": "1003",
                "status": 422,
                "message": "The currency field is invalid: Must be an ISO 4217 currency code, e.g. EUR.",
                "errors": {"currency": ["The currency field is invalid: Must be an ISO 4217 currency code, e.g. EUR."]},
                "codes": {"currency": ["invalid_currency"]},
            },
        ]
    },
    "shipments": {
        "results": [
            {
                "index": 0,
                "external_id": "SHIP-1",
                "status": 201,
                "automations": [
                    {
                        "automation": "shipping_notification",
                        "reason": "fired",
                        "subject": {"type": "shipment", "external_id": "SHIP-1"},
                    }
                ],
            },
            {
                "index": 1,
                "external_id": "SHIP-2",
                "status": 201,
                "automations": [
                    {
                        "automation": "shipping_notification",
                        "reason": "fired",
                        "subject": {"type": "shipment", "external_id": "SHIP-2"},
                    }
                ],
            },
            {
                "index": 2,
                "external_id": "SHIP-2",
                "status": 200,
                "stale": True,
                "automations": [
                    {
                        "automation": "shipping_notification",
                        "reason": "stale",
                        "subject": {"type": "shipment", "external_id": "SHIP-2"},
                    }
                ],
            },
            {
                "index": 3,
                "external_id": "SHIP-3",
                "status": 422,
                "message": "The tracking_url field is invalid: Must be an http(s) URL.",
                "errors": {"tracking_url": ["The tracking_url field is invalid: Must be an http(s) URL."]},
                "codes": {"tracking_url": ["invalid_url"]},
            },
        ]
    },
    "carts": _cart_answers("7701", "7702", "7703"),
    "checkouts": _cart_answers("8801", "8802", "8803"),
    "customers": {
        "results": [
            {"index": 0, "external_id": "CUST-1", "status": 201, "automations": []},
            {"index": 1, "external_id": "CUST-2", "status": 201, "automations": []},
            {"index": 2, "external_id": "CUST-2", "status": 200, "stale": True, "automations": []},
            {
                "index": 3,
                "external_id": "CUST-3",
                "status": 422,
                "message": "The phone field is invalid: The phone number is not a valid number.",
                "errors": {"phone": ["The phone field is invalid: The phone number is not a valid number."]},
                "codes": {"phone": ["invalid_phone"]},
            },
        ]
    },
}

PATCHES: dict[str, dict[str, Any]] = {
    "orders": {"financial_status": "paid", "fulfillment_status": "fulfilled"},
    "carts": {"status": "recovered"},
    "checkouts": {"status": "recovered"},
}


def bodies() -> dict[tuple[str, str], Any]:
    """(method, path under /api/v1/stores/{store_id}) -> the example of its request body."""
    shown: dict[tuple[str, str], Any] = {}
    for resource, items in REQUESTS.items():
        shown[("post", f"/{resource}")] = items[0]
        shown[("post", f"/{resource}/batch")] = {"items": items}
    for resource, change in PATCHES.items():
        shown[("patch", f"/{resource}/{{external_id}}")] = change
    return shown
