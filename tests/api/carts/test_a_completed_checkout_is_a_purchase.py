"""A checkout sent with `completed_at` was bought at that time (README "Cart recovery",
`app/domain/rules/completed_checkout_is_a_purchase.py`): `recovered` when bought after its
`abandoned_at`, `completed` at or before it, and no recovery message either way (reason
`completed`). Shopify's `checkouts/update` for a bought checkout, arriving after the order that
recovered the cart with the platform's later `abandoned_at`, made the cart `abandoned` again and
its recovery went out to someone who had bought; a completed checkout whose order never matched
it was stored `abandoned` and messaged. A later write without `completed_at` keeps the stored one
and never makes the cart abandoned on an `abandoned_at` at or before it.

The checkout is abandoned at 08:00 and bought at 08:20; the platform's update of the bought
checkout is dated (updated_at, abandoned_at) 08:30."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.automations.dispatch import dispatch_events
from app.automations.recovery import fire_due_recoveries
from app.automations.worker import Worker
from app.services import stores, webhooks
from tests.api.calls import gql
from tests.api.events.cart_ways import POSTS
from tests.api.events.outbox import FAST, recovery_deliveries
from tests.conftest import STORE_ID, Api, cart_body, order_body
from tests.receiver import Receiver

ABANDONED, BOUGHT, UPDATED = "2026-05-18T08:00:00Z", "2026-05-18T08:20:00Z", "2026-05-18T08:30:00Z"
LATER = "2026-05-18T09:00:00Z"
RECOVERY = "cart_recovery"
# The customer consented to marketing: a recovery would go out.
CUSTOMER = {
    "phone": "+33612345678",
    "first_name": "Marie",
    "whatsapp_consent": {"marketing": "subscribed", "consented_at": "2026-05-01T00:00:00Z"},
}

WAYS = POSTS  # way -> (path, batch); a GraphQL mutation when path is None
_GRAPHQL_CART = "cart { externalId status abandonedAt completedAt }"
_GRAPHQL_ANSWER = f"{_GRAPHQL_CART} created stale automations {{ automation reason externalId }} userErrors {{ field }}"


def _body(**fields: Any) -> dict[str, Any]:
    return cart_body(**{"customer": CUSTOMER, "abandoned_at": ABANDONED, **fields})


def _graphql_input(body: dict[str, Any]) -> dict[str, Any]:
    names = {
        "external_id": "externalId",
        "abandoned_at": "abandonedAt",
        "completed_at": "completedAt",
        "total_price": "totalPrice",
        "recovery_url": "recoveryUrl",
        "updated_at": "updatedAt",
        "currency": "currency",
    }
    given = {names[key]: value for key, value in body.items() if key in names}
    consent = body["customer"]["whatsapp_consent"]
    customer = {
        "phone": body["customer"]["phone"],
        "firstName": body["customer"]["first_name"],
        "whatsappConsent": {"marketing": consent["marketing"], "consentedAt": consent["consented_at"]},
    }
    return {**given, "totalPrice": str(body["total_price"]), "customer": customer}


async def _write(api: Api, way: str, body: dict[str, Any]) -> tuple[int, str, list[tuple[str, str]], str | None]:
    """Write `body` the `way` given: (status code, the cart's status, the answer's automations,
    its completed_at), a batch's and GraphQL's answer read as the single POST's."""
    path, batch = WAYS[way]
    if path is None:
        mutation = "upsertCarts(storeId: 123, inputs: [$input])" if batch else "upsertCart(storeId: 123, input: $input)"
        query = f"mutation($input: CartInput!) {{ {mutation} {{ {'results { ' if batch else ''}{_GRAPHQL_ANSWER}{' }' if batch else ''} }} }}"
        data = (await gql(api, query, {"input": _graphql_input(body)}))["data"]
        payload = data["upsertCarts"]["results"][0] if batch else data["upsertCart"]
        assert payload["userErrors"] == [], payload
        cart = payload["cart"]
        reasons = [(item["automation"], item["reason"]) for item in payload["automations"]]
        return 201 if payload["created"] else 200, cart["status"], reasons, cart["completedAt"]
    if batch:  # a batch's result holds no record: the one stored is read back
        response = await api.post(path, {"items": [body]})
        assert response.status_code == 200, response.text
        (answer,) = response.json()["results"]
        code, record = answer["status"], (await api.get(f"/carts/{body['external_id']}")).json()
    else:
        response = await api.post(path, body)
        answer, code = response.json(), response.status_code
        record = answer
    for item in answer["automations"]:
        assert item["subject"] == {"type": "cart", "external_id": body["external_id"]}, item
    reasons = [(item["automation"], item["reason"]) for item in answer["automations"]]
    return code, record["status"], reasons, record["completed_at"]


def _cart_events(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The cart events among `rows`: (type, before status, after status, reason)."""
    return [
        (row["type"], (row["data"]["before"] or {}).get("status"), row["data"]["after"]["status"], row["reason"])
        for row in rows
        if row["type"].startswith("cart.")
    ]


async def _recoveries_fired(api: Api) -> list[tuple[str, str]]:
    """The worker's pass (every cart long due): the `cart.recovery_due` events it records."""
    before = len(await api.rows("events"))
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()
    return [
        (row["data"]["subject"]["external_id"], row["reason"])
        for row in (await api.rows("events"))[before:]
        if row["type"] == "cart.recovery_due"
    ]


def _iso(text: str | None) -> str | None:
    return None if text is None else datetime.fromisoformat(text).isoformat()


# completed_at sent with a new cart abandoned at 08:00 (or 08:30) -> (abandoned_at, status,
# the answer's automations, events, the completed_at answered)
COMPLETED = [(RECOVERY, "completed")]
NEW: dict[str, tuple[Any, str, str, list[tuple[str, str]], list[tuple[Any, ...]], str | None]] = {
    "after abandoned_at": (
        BOUGHT,
        ABANDONED,
        "recovered",
        COMPLETED,
        [("cart.recovered", None, "recovered", "completed")],
        BOUGHT,
    ),
    "equal to abandoned_at": (
        ABANDONED,
        ABANDONED,
        "completed",
        COMPLETED,
        [("cart.status_changed", None, "completed", "completed")],
        ABANDONED,
    ),
    "before abandoned_at": (
        BOUGHT,
        UPDATED,
        "completed",
        COMPLETED,
        [("cart.status_changed", None, "completed", "completed")],
        BOUGHT,
    ),
    "null": (
        None,
        ABANDONED,
        "abandoned",
        [(RECOVERY, "not_due_yet")],
        [("cart.abandoned", None, "abandoned", "not_due_yet")],
        None,
    ),
    "blank": (
        "  ",
        ABANDONED,
        "abandoned",
        [(RECOVERY, "not_due_yet")],
        [("cart.abandoned", None, "abandoned", "not_due_yet")],
        None,
    ),
}


@pytest.mark.parametrize("case", NEW)
@pytest.mark.parametrize("way", WAYS)
async def test_a_new_checkout_sent_completed(api: Api, way: str, case: str) -> None:
    completed_at, abandoned_at, status, automations, recorded, answered = NEW[case]
    body = cart_body(customer=CUSTOMER, abandoned_at=abandoned_at, completed_at=completed_at)
    assert await _write(api, way, body) == (201, status, automations, _iso(answered))
    assert _cart_events(await api.rows("events")) == recorded
    stored = (await api.get("/carts/CART-7700")).json()
    assert (stored["status"], _iso(stored["completed_at"])) == (status, _iso(answered))

    # a retry records nothing
    before = await api.rows("events")
    assert await _write(api, way, body) == (200, status, [(RECOVERY, "unchanged")], _iso(answered))
    assert await api.rows("events") == before

    # no recovery for a bought checkout; the abandoned one's goes out
    assert await _recoveries_fired(api) == ([("CART-7700", "fired")] if status == "abandoned" else [])


# the update of the bought checkout (abandoned_at as it sends it) x when the order of the same
# phone, placed at 08:20, arrives -> (the update's automations, its cart events, the status at
# the end)
UPDATES = {"dated 08:30": UPDATED, "still 08:00": ABANDONED}
ORDER_ARRIVES = ("before the update", "after the update", "never")
SEQUENCES: dict[tuple[str, str], tuple[list[tuple[str, str]], list[tuple[Any, ...]], str]] = {
    # the reported case: recovered by the order, then the update made it abandoned again; now
    # it stays recovered (the recovery funnel counts it), as the abandonment at 08:00 was
    ("dated 08:30", "before the update"): ([], [], "recovered"),
    ("dated 08:30", "after the update"): (
        COMPLETED,
        [("cart.recovered", "abandoned", "recovered", "completed")],
        "recovered",
    ),
    ("dated 08:30", "never"): (
        COMPLETED,
        [("cart.recovered", "abandoned", "recovered", "completed")],
        "recovered",
    ),
    ("still 08:00", "before the update"): ([], [], "recovered"),
    ("still 08:00", "after the update"): (
        COMPLETED,
        [("cart.recovered", "abandoned", "recovered", "completed")],
        "recovered",
    ),
    ("still 08:00", "never"): (COMPLETED, [("cart.recovered", "abandoned", "recovered", "completed")], "recovered"),
}


@pytest.mark.parametrize("order", ORDER_ARRIVES)
@pytest.mark.parametrize("update", UPDATES)
@pytest.mark.parametrize("way", WAYS)
async def test_the_update_of_a_bought_checkout(api: Api, way: str, update: str, order: str) -> None:
    automations, recorded, status = SEQUENCES[update, order]
    assert (await _write(api, way, _body(updated_at=ABANDONED)))[:3] == (201, "abandoned", [(RECOVERY, "not_due_yet")])
    if order == "before the update":
        response = await api.post("/orders", order_body(placed_at=BOUGHT))
        assert (response.status_code, response.json()["automations"][0]["reason"]) == (201, "recovered_by_order")
    before = await api.rows("events")
    bought = _body(abandoned_at=UPDATES[update], completed_at=BOUGHT, updated_at=UPDATED)
    assert await _write(api, way, bought) == (200, status, automations, _iso(BOUGHT))
    assert _cart_events((await api.rows("events"))[len(before) :]) == recorded
    if order == "after the update":
        response = await api.post("/orders", order_body(placed_at=BOUGHT))
        assert (response.status_code, response.json()["automations"]) == (201, [])
    assert (await api.get("/carts/CART-7700")).json()["status"] == status
    assert await _recoveries_fired(api) == []


# stored first: the bought checkout's update; then an older update without completed_at ->
# (the later write's answer: code, status, automations; its cart events; Kanal-Stale)
OLDER = {
    "dated, older": (
        {"abandoned_at": ABANDONED, "updated_at": ABANDONED},
        ((200, "completed", [(RECOVERY, "stale")]), [], "true"),
    ),
    "undated, abandoned before the purchase": (
        {"abandoned_at": ABANDONED},
        ((200, "completed", []), [], None),
    ),
    "undated, abandoned at the purchase": (
        {"abandoned_at": BOUGHT},
        ((200, "completed", []), [], None),
    ),
    # a genuinely later abandonment: a completed checkout keeps its status, as a shop's mark does
    "undated, abandoned after the purchase": (
        {"abandoned_at": LATER},
        ((200, "completed", []), [], None),
    ),
}


@pytest.mark.parametrize("case", OLDER)
@pytest.mark.parametrize("path", ["/carts", "/checkouts"])
async def test_an_older_update_arriving_after_the_bought_one(api: Api, path: str, case: str) -> None:
    response = await api.post(path, _body(abandoned_at=UPDATED, completed_at=BOUGHT, updated_at=UPDATED))
    assert (response.status_code, response.json()["status"]) == (201, "completed")
    fields, ((code, status, automations), recorded, stale) = OLDER[case]
    before = await api.rows("events")
    response = await api.post(path, _body(**fields))
    answer = response.json()
    reasons = [(item["automation"], item["reason"]) for item in answer["automations"]]
    assert (response.status_code, answer["status"], reasons) == (code, status, automations)
    assert response.headers.get("Kanal-Stale") == stale
    assert _iso(answer["completed_at"]) == _iso(BOUGHT)  # kept: the write did not carry it
    assert _cart_events((await api.rows("events"))[len(before) :]) == recorded
    assert await _recoveries_fired(api) == []


# recovered by its completed_at (bought at 08:20 after abandoning at 08:00), then an undated
# write without completed_at -> (status, automations, cart events, recoveries fired)
RECOVERED_THEN = {
    "abandoned earlier still": ("2026-05-18T07:50:00Z", ("recovered", [], [], [])),
    "abandoned at the purchase": (BOUGHT, ("recovered", [], [], [])),
    # after the purchase: a new abandonment ("Abandoned again after the purchase")
    "abandoned after the purchase": (
        LATER,
        (
            "abandoned",
            [(RECOVERY, "not_due_yet")],
            [("cart.abandoned", "recovered", "abandoned", "not_due_yet")],
            [("CART-7700", "fired")],
        ),
    ),
}


# how the purchase recovered the cart before that write
PURCHASES = {
    "sent bought": [_body(completed_at=BOUGHT)],
    # the platform's update of the bought checkout dates its abandoned_at (08:30) after the
    # purchase (08:20): the stored times alone no longer say the purchase recovered it
    "bought, its update dated after the purchase": [
        _body(),
        _body(abandoned_at=UPDATED, completed_at=BOUGHT, updated_at=UPDATED),
    ],
    "recovered by the order, its update dated after the purchase": [
        "order",
        _body(),
        _body(abandoned_at=UPDATED, completed_at=BOUGHT, updated_at=UPDATED),
    ],
}


@pytest.mark.parametrize("purchase", PURCHASES)
@pytest.mark.parametrize("case", RECOVERED_THEN)
@pytest.mark.parametrize("way", WAYS)
async def test_a_cart_its_purchase_recovered_sent_again_without_it(
    api: Api, way: str, case: str, purchase: str
) -> None:
    for write in PURCHASES[purchase]:
        if write == "order":
            assert (await api.post("/orders", order_body(placed_at=BOUGHT))).status_code == 201
        else:
            await _write(api, way, write)
    assert (await api.get("/carts/CART-7700")).json()["status"] == "recovered"
    abandoned_at, (status, automations, recorded, fired) = RECOVERED_THEN[case]
    before = await api.rows("events")
    assert await _write(api, way, _body(abandoned_at=abandoned_at)) == (200, status, automations, _iso(BOUGHT))
    assert _cart_events((await api.rows("events"))[len(before) :]) == recorded
    assert await _recoveries_fired(api) == fired


async def test_a_due_recovery_not_yet_sent_is_not_sent_once_the_checkout_is_bought(api: Api) -> None:
    """The recovery fell due and is on its way when the bought checkout's update arrives: its
    delivery is cancelled (README: every condition is checked again before the webhook is sent)."""
    await stores.set_recovery_delay(api.db, STORE_ID, 0)
    second = {**CUSTOMER, "phone": "+33612345679"}
    assert (await api.post("/checkouts", _body())).status_code == 201
    assert (await api.post("/checkouts", _body(external_id="CART-7701", customer=second))).status_code == 201
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["cart.recovery_due"])
        now = datetime.now(UTC)
        assert (await api.db.write(fire_due_recoveries, now)).fired == 2
        assert await api.db.write(dispatch_events, now) == 2
        response = await api.post("/checkouts", _body(abandoned_at=UPDATED, completed_at=BOUGHT))
        assert (response.status_code, response.json()["status"]) == (200, "recovered")  # bought after 08:00
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    assert [item["event"]["data"]["subject"]["external_id"] for item in receiver.received] == ["CART-7701"]
    assert await recovery_deliveries(api) == {
        "CART-7700": "cancelled",
        "CART-7701": "delivered",
    }


# PATCH {"status": "abandoned"} on a cart with a completed_at: read as the cart arriving
# (abandoned_at, completed_at stored) -> (status, automations, cart events)
PATCHED = {
    "bought after abandoning": (
        ABANDONED,
        ("recovered", [(RECOVERY, "unchanged")], []),
    ),
    "bought at the last update": (
        UPDATED,
        (
            "abandoned",
            [(RECOVERY, "not_due_yet")],
            # never abandoned before: its first abandonment
            [
                ("cart.status_changed", "completed", "abandoned", None),
                ("cart.abandoned", None, "abandoned", "not_due_yet"),
            ],
        ),
    ),
}


@pytest.mark.parametrize("case", PATCHED)
async def test_a_patch_to_abandoned_reads_the_stored_purchase(api: Api, case: str) -> None:
    abandoned_at, (status, automations, recorded) = PATCHED[case]
    assert (await api.post("/carts", _body(abandoned_at=abandoned_at, completed_at=BOUGHT))).status_code == 201
    before = await api.rows("events")
    response = await api.patch("/carts/CART-7700", {"status": "abandoned"})
    assert response.status_code == 200, response.text
    reasons = [(item["automation"], item["reason"]) for item in response.json()["automations"]]
    assert (response.json()["status"], reasons) == (status, automations)
    assert _cart_events((await api.rows("events"))[len(before) :]) == recorded


async def test_completed_at_is_no_patch_field(api: Api) -> None:
    assert (await api.post("/carts", _body())).status_code == 201
    response = await api.patch("/carts/CART-7700", {"completed_at": BOUGHT})
    assert response.status_code == 422
    assert response.json()["errors"] == {"completed_at": [response.json()["message"]]}
    assert (await api.get("/carts/CART-7700")).json()["completed_at"] is None


BOUGHT_UPDATE = _body(abandoned_at=UPDATED, completed_at=BOUGHT)  # undated, as relayed
AGAIN = _body(abandoned_at=LATER)  # abandoned again after the purchase
# name -> whether the new abandonment's recovery went out before the bought update's retry
RETRIES = {"its recovery not yet sent": False, "its recovery sent": True}


@pytest.mark.parametrize("sent", RETRIES.values(), ids=RETRIES.keys())
@pytest.mark.parametrize("way", WAYS)
async def test_a_bought_update_retried_after_a_new_abandonment(api: Api, way: str, sent: bool) -> None:
    """The bought checkout's update (abandoned 08:30, bought 08:20) arriving again after the cart
    was abandoned anew (09:00) is an older update of the abandonment the purchase recovered
    (08:00): the cart is `recovered` again, a `cart.status_changed` alone, where it was made
    `completed`, a status it never had, and the new abandonment sent back (09:00) never got its
    recovery. Sent back, it is `abandoned` again; its recovery goes out once."""
    assert (await _write(api, way, _body()))[:2] == (201, "abandoned")
    assert (await _write(api, way, BOUGHT_UPDATE))[:3] == (200, "recovered", [(RECOVERY, "completed")])
    assert (await _write(api, way, AGAIN))[:3] == (200, "abandoned", [(RECOVERY, "not_due_yet")])
    if sent:
        assert await _recoveries_fired(api) == [("CART-7700", "fired")]
    before = len(await api.rows("events"))
    assert (await _write(api, way, BOUGHT_UPDATE))[:3] == (200, "recovered", [(RECOVERY, "completed")])
    assert _cart_events((await api.rows("events"))[before:]) == [
        ("cart.status_changed", "abandoned", "recovered", "completed")
    ]
    before = len(await api.rows("events"))
    again = (200, "abandoned", [(RECOVERY, "unchanged" if sent else "not_due_yet")])
    assert (await _write(api, way, AGAIN))[:3] == again
    assert _cart_events((await api.rows("events"))[before:]) == [
        ("cart.status_changed", "recovered", "abandoned", None)
    ]
    assert await _recoveries_fired(api) == ([] if sent else [("CART-7700", "fired")])
    assert await _recoveries_fired(api) == []
