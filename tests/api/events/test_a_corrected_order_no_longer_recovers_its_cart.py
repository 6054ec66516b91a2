"""An order corrected so that it no longer recovers the cart it recovered (its phone, so its
contact, changed; its `placed_at` moved to or before the cart's `abandoned_at`) leaves the cart
`abandoned` again, its recovery to come, as the same final data sent order first leaves it
(README "Carts and purchases": the outcome is the same whichever arrived first;
rules/recovery_follows_the_orders). The cart stayed `recovered`, counted in storeStats'
`cartsRecovered`, and its customer got no recovery message.

Each correction is sent by each way an order is written (REST POST, its batch, GraphQL
upsertOrder), cart first then order and its correction, and order first (already corrected)
then cart: the same cart status, storeStats and recovery fired either way. A correction that
leaves an order of the contact after the cart, a cart bought by its own `completed_at`, and a
status the shop marked keep the cart as it is; a recovery that went out before the order is
not sent again."""

from __future__ import annotations

from typing import Any

import pytest

from app.automations.worker import Worker
from app.services import keys, stores
from tests.api.calls import gql
from tests.api.events.outbox import FAST
from tests.conftest import Api, cart_body, order_body

ABANDONED, PLACED = "2026-05-18T09:40:00Z", "2026-05-18T10:00:00Z"
PHONE, OTHER_PHONE = "+33612345678", "+33612999902"
CONSENT = {"marketing": "subscribed", "consented_at": "2026-05-01T00:00:00Z"}


def _customer(phone: str) -> dict[str, Any]:
    return {"phone": phone, "first_name": "Marie", "whatsapp_consent": CONSENT}


def _cart(**fields: Any) -> dict[str, Any]:
    return cart_body(customer=_customer(PHONE), **fields)


def _order(phone: str = PHONE, placed_at: str = PLACED, external_id: str = "ORDER-1001") -> dict[str, Any]:
    return order_body(external_id=external_id, placed_at=placed_at, customer=_customer(phone))


# correction -> the order as corrected (phone, placed_at)
CORRECTIONS = {
    "its phone changed": (OTHER_PHONE, PLACED),
    "its placed_at moved before the cart's abandoned_at": (PHONE, "2026-05-18T09:00:00Z"),
    "its placed_at moved to the cart's abandoned_at": (PHONE, ABANDONED),
}

UPSERT_ORDER = """mutation($store: ID!, $input: OrderInput!) { upsertOrder(storeId: $store, input: $input) {
  created userErrors { code } automations { automation reason externalId } } }"""
STATS = """query($store: ID!) { storeStats(storeId: $store, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") {
  cartsAbandoned cartsRecovered recoveryRate } }"""
# Each run of the same final data writes to its own store: storeStats counts a store's carts.
ORDER_FIRST_STORE = 124
Decisions = list[tuple[str, str]]


class Shop:
    """One store of the `api` fixture's database, written with its own key."""

    def __init__(self, api: Api, store: int, key: str):
        self.api, self.store, self.key = api, store, key

    async def post(self, path: str, body: Any) -> Any:
        return await self.api.post(path, body, store=self.store, key=self.key)

    async def gql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return await gql(self.api, query, {"store": str(self.store), **variables}, key=self.key)

    async def cart(self) -> dict[str, Any]:
        response = await self.api.get("/carts/CART-7700", store=self.store, key=self.key)
        assert response.status_code == 200, response.text
        return dict(response.json())


async def _order_first_shop(api: Api) -> Shop:
    await stores.create_store(api.db, ORDER_FIRST_STORE, "Order first", "FR")
    key, _ = await keys.create_key(api.db, store_id=ORDER_FIRST_STORE, name="order first")
    return Shop(api, ORDER_FIRST_STORE, key)


def _graphql_input(body: dict[str, Any]) -> dict[str, Any]:
    customer = body["customer"]
    return {
        "externalId": body["external_id"],
        "placedAt": body["placed_at"],
        "totalPrice": str(body["total_price"]),
        "currency": body["currency"],
        "customer": {
            "phone": customer["phone"],
            "firstName": customer["first_name"],
            "whatsappConsent": {"marketing": CONSENT["marketing"], "consentedAt": CONSENT["consented_at"]},
        },
    }


def _recoveries(items: list[dict[str, Any]]) -> Decisions:
    """The cart recoveries an answer lists, as (reason, cart)."""
    return [
        (item["reason"], item["subject"]["external_id"] if "subject" in item else item["externalId"])
        for item in items
        if item["automation"] == "cart_recovery"
    ]


async def _rest(shop: Shop, body: dict[str, Any]) -> Decisions:
    response = await shop.post("/orders", body)
    assert response.status_code in (200, 201), response.text
    return _recoveries(response.json()["automations"])


async def _batch(shop: Shop, body: dict[str, Any]) -> Decisions:
    response = await shop.post("/orders/batch", {"items": [body]})
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["status"] in (200, 201), result
    return _recoveries(result["automations"])


async def _graphql(shop: Shop, body: dict[str, Any]) -> Decisions:
    answer = await shop.gql(UPSERT_ORDER, {"input": _graphql_input(body)})
    assert "errors" not in answer, answer
    payload = answer["data"]["upsertOrder"]
    assert payload["userErrors"] == [], payload
    return _recoveries(payload["automations"])


WAYS = {"POST /orders": _rest, "POST /orders/batch": _batch, "GraphQL upsertOrder": _graphql}


def _cart_events(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (row["type"], (row["data"]["before"] or {}).get("status"), row["data"]["after"].get("status"), row["reason"])
        for row in rows
        if row["type"] in ("cart.abandoned", "cart.recovered", "cart.status_changed")
    ]


async def _run_worker(api: Api) -> list[tuple[int, str, str]]:
    """The recoveries the worker fires now (every cart here is long due), as (store, cart, reason)."""
    before = len(await api.rows("events"))
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()
    return sorted(
        (row["store_id"], row["data"]["subject"]["external_id"], row["reason"])
        for row in (await api.rows("events"))[before:]
        if row["type"] == "cart.recovery_due"
    )


async def _outcome(shop: Shop) -> tuple[str, dict[str, Any]]:
    """The cart's status and storeStats' cart figures."""
    return (await shop.cart())["status"], (await shop.gql(STATS, {}))["data"]["storeStats"]


ABANDONED_AGAIN = ("abandoned", {"cartsAbandoned": 1, "cartsRecovered": 0, "recoveryRate": 0.0})


@pytest.mark.parametrize("correction", CORRECTIONS)
@pytest.mark.parametrize("way", WAYS)
async def test_a_corrected_order_no_longer_recovers_the_cart(api: Api, way: str, correction: str) -> None:
    phone, placed_at = CORRECTIONS[correction]
    write = WAYS[way]
    cart_first, order_first = Shop(api, 123, api.key), await _order_first_shop(api)

    assert (await cart_first.post("/carts", _cart())).status_code == 201
    assert await write(cart_first, _order()) == [("recovered_by_order", "CART-7700")]
    assert (await cart_first.cart())["status"] == "recovered"
    before = len(await api.rows("events"))
    assert await write(cart_first, _order(phone, placed_at)) == [("not_due_yet", "CART-7700")]
    # its cart.abandoned was recorded on arrival: its status change alone
    assert _cart_events((await api.rows("events"))[before:]) == [
        ("cart.status_changed", "recovered", "abandoned", None)
    ]

    # the same final data, the order first
    await write(order_first, _order(phone, placed_at))
    answer = await order_first.post("/carts", _cart())
    assert (answer.status_code, _recoveries(answer.json()["automations"])) == (201, [("not_due_yet", "CART-7700")])

    assert await _outcome(cart_first) == await _outcome(order_first) == ABANDONED_AGAIN
    # each recovery goes out once, when due (here at once)
    assert await _run_worker(api) == [(123, "CART-7700", "fired"), (ORDER_FIRST_STORE, "CART-7700", "fired")]
    assert await _run_worker(api) == []

    # sent once more, the correction is a replay: nothing recorded
    before = len(await api.rows("events"))
    assert await write(cart_first, _order(phone, placed_at)) == []
    assert len(await api.rows("events")) == before


RECOVERED = ("recovered", {"cartsAbandoned": 1, "cartsRecovered": 1, "recoveryRate": 1.0})
COMPLETED = ("completed", {"cartsAbandoned": 1, "cartsRecovered": 0, "recoveryRate": 0.0})
# case -> (the cart as sent, the shop's PATCH of it (after the orders, or before them when it
# marks the cart `recovered`) if any, other orders of the contact, the order as corrected
# (phone, placed_at), the outcome either way)
KEPT: dict[str, tuple[dict[str, Any], dict[str, Any] | None, list[dict[str, Any]], tuple[str, str], Any]] = {
    "the corrected order still placed after the cart": ({}, None, [], (PHONE, "2026-05-18T09:50:00Z"), RECOVERED),
    "another order of the contact placed after the cart": (
        {},
        None,
        [_order(external_id="ORDER-1002", placed_at="2026-05-18T11:00:00Z")],
        (OTHER_PHONE, PLACED),
        RECOVERED,
    ),
    "a cart bought by its own completed_at": (
        {"completed_at": "2026-05-18T09:50:00Z"},
        None,
        [],
        (OTHER_PHONE, PLACED),
        RECOVERED,
    ),
    "a cart the shop marked completed": ({}, {"status": "completed"}, [], (OTHER_PHONE, PLACED), COMPLETED),
    "a cart the shop marked recovered before the order": (
        {},
        {"status": "recovered"},
        [],
        (OTHER_PHONE, PLACED),
        RECOVERED,
    ),
}


@pytest.mark.parametrize("case", KEPT)
async def test_a_correction_keeps_what_the_order_did_not_recover_alone(api: Api, case: str) -> None:
    cart, patch, others, (phone, placed_at), outcome = KEPT[case]
    cart_first, order_first = Shop(api, 123, api.key), await _order_first_shop(api)

    patch_first = patch == {"status": "recovered"}
    assert (await cart_first.post("/carts", _cart(**cart))).status_code == 201
    if patch is not None and patch_first:
        assert (await api.patch("/carts/CART-7700", patch)).status_code == 200
    for order in [*others, _order()]:
        await _rest(cart_first, order)
    if patch is not None and not patch_first:
        response = await api.patch("/carts/CART-7700", patch)
        assert response.status_code == 200, response.text
    status = (await cart_first.cart())["status"]
    before = len(await api.rows("events"))
    assert await _rest(cart_first, _order(phone, placed_at)) == []
    assert _cart_events((await api.rows("events"))[before:]) == []
    assert (await cart_first.cart())["status"] == status

    for order in [*others, _order(phone, placed_at)]:
        await _rest(order_first, order)
    assert (await order_first.post("/carts", _cart(**cart))).status_code == 201
    if patch is not None:
        response = await api.patch("/carts/CART-7700", patch, store=ORDER_FIRST_STORE, key=order_first.key)
        assert response.status_code == 200, response.text

    assert await _outcome(cart_first) == await _outcome(order_first) == outcome
    assert await _run_worker(api) == []


async def test_a_recovery_that_went_out_before_the_order_is_not_sent_again(api: Api) -> None:
    cart_first, order_first = Shop(api, 123, api.key), await _order_first_shop(api)
    assert (await cart_first.post("/carts", _cart())).status_code == 201
    assert await _run_worker(api) == [(123, "CART-7700", "fired")]
    assert await _rest(cart_first, _order()) == [("recovered_by_order", "CART-7700")]

    before = len(await api.rows("events"))
    assert await _rest(cart_first, _order(OTHER_PHONE)) == [("unchanged", "CART-7700")]
    assert _cart_events((await api.rows("events"))[before:]) == [
        ("cart.status_changed", "recovered", "abandoned", None)
    ]
    assert await _run_worker(api) == []  # its one message went out already

    await _rest(order_first, _order(OTHER_PHONE))
    assert (await order_first.post("/carts", _cart())).status_code == 201
    assert await _run_worker(api) == [(ORDER_FIRST_STORE, "CART-7700", "fired")]
    assert await _outcome(cart_first) == await _outcome(order_first) == ABANDONED_AGAIN

    # the order corrected back: the cart is recovered again, its cart.recovered recorded once
    before = len(await api.rows("events"))
    assert await _rest(cart_first, _order()) == [("recovered_by_order", "CART-7700")]
    assert _cart_events((await api.rows("events"))[before:]) == [
        ("cart.status_changed", "abandoned", "recovered", "recovered_by_order")
    ]
    assert await _outcome(cart_first) == RECOVERED
