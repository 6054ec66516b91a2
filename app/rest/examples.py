"""The examples /docs shows: a request body for each write, and for each batch endpoint the
answer its request gets. A batch's request has four items (two new records, the second sent
again with an older `updated_at`, one refused); a single `POST`'s is shaped as the first of
them but is a record with a phone of its own (`SINGLES`), and a `PATCH`'s changes the record
that `POST` made. tests/api/test_openapi_describes_the_api.py sends each to a store holding
none of these records (the orders examples' orders first, for shipments) and compares the
answers with the ones shown here; every example sent one after the other to one store, in the
order /docs lists them (each single `POST` before its batch), gets them too."""

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
    """The carts (or checkouts) example, the shape of every batch example: `first` new,
    consent given; `second` new, then sent again older; `refused`, its phone unreadable."""
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
        {**cart, "external_id": refused, "abandoned_at": "2026-05-18T09:50:00Z", "customer": {"phone": "+3361"}},
    ]


def _answers(
    first: str, second: str, refused: str, refusal: tuple[str, str, str], automation: tuple[str, str, str] | None = None
) -> dict[str, Any]:
    """The answer of an example of `_carts`' shape: `first` and `second` created, `second`
    stale, `refused` refused with `refusal` (field, code, message). `automation` (its name,
    subject type, the reason a new record gets): what each written item caused, else none."""

    def caused(external_id: str, reason: str) -> list[dict[str, Any]]:
        if automation is None:
            return []
        name, subject, _ = automation
        return [{"automation": name, "reason": reason, "subject": {"type": subject, "external_id": external_id}}]

    new = automation[2] if automation else ""
    field, code, message = refusal
    return {
        "results": [
            {"index": 0, "external_id": first, "status": 201, "automations": caused(first, new)},
            {"index": 1, "external_id": second, "status": 201, "automations": caused(second, new)},
            {"index": 2, "external_id": second, "status": 200, "stale": True, "automations": caused(second, "stale")},
            {
                "index": 3,
                "external_id": refused,
                "status": 422,
                "message": message,
                "errors": {field: [message]},
                "codes": {field: [code]},
            },
        ]
    }


_INVALID_PHONE = "The {} field is invalid: The phone number is not a valid number."
_CART_REFUSAL = ("customer.phone", "invalid_phone", _INVALID_PHONE.format("customer.phone"))
_RECOVERY = ("cart_recovery", "cart", "not_due_yet")


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
        {"external_id": "CUST-3", "phone": "+3361"},
    ],
    "checkouts": _carts("8801", "8802", "8803"),
}


ANSWERS: dict[str, dict[str, Any]] = {
    "orders": _answers(
        "1001",
        "1002",
        "1003",
        ("currency", "invalid_currency", "The currency field is invalid: Must be an ISO 4217 currency code, e.g. EUR."),
    ),
    "shipments": _answers(
        "SHIP-1",
        "SHIP-2",
        "SHIP-3",
        ("tracking_url", "invalid_url", "The tracking_url field is invalid: Must be an http(s) URL."),
        ("shipping_notification", "shipment", "fired"),
    ),
    "carts": _answers("7701", "7702", "7703", _CART_REFUSAL, _RECOVERY),
    "checkouts": _answers("8801", "8802", "8803", _CART_REFUSAL, _RECOVERY),
    "customers": _answers("CUST-1", "CUST-2", "CUST-3", ("phone", "invalid_phone", _INVALID_PHONE.format("phone"))),
}


def _single(resource: str, external_id: str, phone: str) -> dict[str, Any]:
    """The first item of the batch example of `resource`, as the record `external_id` with
    the phone `phone`: sent before the batch, it leaves the batch's answer as shown."""
    item = {**REQUESTS[resource][0], "external_id": external_id}
    if "customer" in item:
        item["customer"] = {**item["customer"], "phone": phone}
    else:
        item["phone"] = phone
    if "recovery_url" in item:
        item["recovery_url"] = f"https://shop.example.com/cart/recover/{external_id}"
    return item


# The single POSTs' examples, each a record and a phone of its own (and the shipment on the
# single order's order), so that no single POST sent first changes a batch's answer.
SINGLES: dict[str, dict[str, Any]] = {
    "orders": _single("orders", "1000", "+33612345600"),
    "shipments": {**REQUESTS["shipments"][0], "external_id": "SHIP-0", "order_external_id": "1000"},
    "carts": _single("carts", "7700", "+33611223300"),
    "customers": _single("customers", "CUST-0", "+33622334400"),
    "checkouts": _single("checkouts", "8800", "+33611223311"),
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
        shown[("post", f"/{resource}")] = SINGLES[resource]
        shown[("post", f"/{resource}/batch")] = {"items": items}
    for resource, change in PATCHES.items():
        shown[("patch", f"/{resource}/{{external_id}}")] = change
    return shown
