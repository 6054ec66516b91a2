"""What the tests of a cart's pending recovery share: every way a shop writes a cart (README "Cart
recovery": POST /carts and /checkouts, their batches, GraphQL upsertCart(s); PATCH /carts,
/checkouts and GraphQL updateCart for a status), live or as backfill (`Kanal-Backfill: true`,
GraphQL `backfill: true`), each answered as the single POST answers; and the worker's sweep at a
chosen time, to tell when a cart's recovery falls due."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from app.automations.recovery import fire_due_recoveries
from app.services.results import utcnow
from tests.api.calls import gql
from tests.conftest import STORE_ID, Api, cart_body, order_body

RECOVERY = "cart_recovery"
DELAY = timedelta(minutes=60)  # the store's recovery delay (the default)
EXTERNAL_ID = "CART-7700"
# The customer consented to marketing: a recovery that falls due goes out (`fired`).
CUSTOMER = {"phone": "+33612345678", "first_name": "Marie", "whatsapp_consent": {"marketing": "subscribed"}}

# way -> (path, batch): a GraphQL mutation when path is None
POSTS: dict[str, tuple[str | None, bool]] = {
    "POST /carts": ("/carts", False),
    "POST /checkouts": ("/checkouts", False),
    "POST /carts/batch": ("/carts/batch", True),
    "POST /checkouts/batch": ("/checkouts/batch", True),
    "upsertCart": (None, False),
    "upsertCarts": (None, True),
}
# way -> path: GraphQL updateCart when None
PATCHES: dict[str, str | None] = {"PATCH /carts": "/carts", "PATCH /checkouts": "/checkouts", "updateCart": None}

# What marking the cart `active` and then `abandoned` again records.
MARKED = [("cart.status_changed", "abandoned", "active"), ("cart.status_changed", "active", "abandoned")]

_ANSWER = "cart { status } automations { automation reason } userErrors { field message }"


def _reasons(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["automation"], item["reason"]) for item in answer["automations"]]


def _headers(api: Api, backfill: bool) -> dict[str, str]:
    return {**api.auth(), **({"Kanal-Backfill": "true"} if backfill else {})}


async def post_cart(
    api: Api, abandoned_at: datetime, way: str = "POST /carts", backfill: bool = False, total: str = "49.90"
) -> list[tuple[str, str]]:
    """Write the cart abandoned at `abandoned_at` with the total `total`, the `way` given (one of
    POSTS): the answer's automations as (automation, reason)."""
    path, batch = POSTS[way]
    body = cart_body(abandoned_at=abandoned_at.isoformat(), customer=CUSTOMER, total_price=total)
    if path is None:
        customer = {"phone": CUSTOMER["phone"], "firstName": CUSTOMER["first_name"]}
        fields = {
            "externalId": EXTERNAL_ID,
            "abandonedAt": body["abandoned_at"],
            "totalPrice": total,
            "currency": body["currency"],
            "recoveryUrl": body["recovery_url"],
            "customer": {**customer, "whatsappConsent": {"marketing": "subscribed"}},
        }
        mutation = "upsertCarts(storeId: 123, inputs: [$input]" if batch else "upsertCart(storeId: 123, input: $input"
        answer = f"results {{ {_ANSWER} }}" if batch else _ANSWER
        query = f"mutation($input: CartInput!) {{ {mutation}, backfill: {str(backfill).lower()}) {{ {answer} }} }}"
        data = (await gql(api, query, {"input": fields}))["data"]
        payload = data["upsertCarts"]["results"][0] if batch else data["upsertCart"]
        assert payload["userErrors"] == [], payload
        return _reasons(payload)
    sent = {"items": [body]} if batch else body
    url = f"/api/v1/stores/{STORE_ID}{path}"
    response = await api.client.post(url, json=sent, headers=_headers(api, backfill))
    assert response.status_code in (200, 201), response.text
    return _reasons(response.json()["results"][0] if batch else response.json())


async def patch_cart(api: Api, status: str, way: str = "PATCH /carts", backfill: bool = False) -> list[tuple[str, str]]:
    """Mark the cart `status` the `way` given (one of PATCHES), live or as backfill: the
    answer's automations."""
    path = PATCHES[way]
    if path is None:
        query = (
            "mutation($id: String!, $status: String!) "
            f"{{ updateCart(storeId: 123, externalId: $id, input: {{status: $status}}, "
            f"backfill: {str(backfill).lower()}) {{ {_ANSWER} }} }}"
        )
        payload = (await gql(api, query, {"id": EXTERNAL_ID, "status": status}))["data"]["updateCart"]
        assert payload["userErrors"] == [], payload
        return _reasons(payload)
    url = f"/api/v1/stores/{STORE_ID}{path}/{EXTERNAL_ID}"
    response = await api.client.patch(url, json={"status": status}, headers=_headers(api, backfill))
    assert response.status_code == 200, response.text
    return _reasons(response.json())


async def place_order(api: Api, placed_at: datetime) -> None:
    """An order of the cart's customer placed at `placed_at`."""
    body = order_body(external_id="ORDER-1", placed_at=placed_at.isoformat(), customer=CUSTOMER)
    response = await api.post("/orders", body)
    assert response.status_code == 201, response.text


async def stored_cart(api: Api) -> tuple[str, datetime, str]:
    """The cart as GET answers it: (status, abandoned_at, total_price)."""
    response = await api.get(f"/carts/{EXTERNAL_ID}")
    assert response.status_code == 200, response.text
    cart = response.json()
    return cart["status"], datetime.fromisoformat(cart["abandoned_at"]), cart["total_price"]


async def sweep(api: Api, at: datetime | None = None) -> list[str]:
    """The worker's sweep of due recoveries at `at` (now when None): the reasons of the
    `cart.recovery_due` events it records."""
    since = await last_event_id(api)
    await api.db.write(fire_due_recoveries, at or utcnow())
    return [
        row["reason"] for row in await api.rows("events") if row["id"] > since and row["type"] == "cart.recovery_due"
    ]


async def last_event_id(api: Api) -> int:
    return max((row["id"] for row in await api.rows("events")), default=0)


async def cart_events_since(api: Api, since: int) -> list[tuple[Any, ...]]:
    """The cart events recorded after the event `since`: (type, before status, after status)."""
    return [
        (row["type"], (row["data"]["before"] or {}).get("status"), row["data"]["after"]["status"])
        for row in await api.rows("events")
        if row["id"] > since and row["type"].startswith("cart.")
    ]


async def due_sweeps(api: Api, due: datetime) -> list[list[str]]:
    """Sweeps now, a second before `due` and at `due`: what each records. A recovery due at
    `due` gives [[], [], ["fired"]]."""
    return [await sweep(api), await sweep(api, due - timedelta(seconds=1)), await sweep(api, due)]


# A live cart whose recovery waits: abandoned LIVE ago, its recovery due DELAY - LIVE from now.
LIVE = timedelta(minutes=30)
BEFORE = timedelta(hours=2)  # an order placed before the live abandonment
FIRST = timedelta(hours=4)  # a first abandonment, before the live one


async def abandoned(api: Api, now: datetime) -> None:
    """The live cart, abandoned LIVE before `now`."""
    assert await post_cart(api, now - LIVE) == [(RECOVERY, "not_due_yet")]


async def _ordered_before(api: Api, now: datetime) -> None:
    await abandoned(api, now)
    await place_order(api, now - BEFORE)  # before the live abandonment: recovers nothing


async def _order_came_first(api: Api, now: datetime) -> None:
    await place_order(api, now - BEFORE)
    await abandoned(api, now)


async def _abandoned_again_after_its_recovery(api: Api, now: datetime) -> None:
    await post_cart(api, now - FIRST)
    assert await sweep(api) == ["fired"]
    await abandoned(api, now)  # a new abandonment


async def _abandoned_again_after_a_purchase(api: Api, now: datetime) -> None:
    await post_cart(api, now - FIRST)
    await place_order(api, now - BEFORE)  # recovers the first abandonment
    await abandoned(api, now)  # a new abandonment


async def _marked_active_and_abandoned_again(api: Api, now: datetime) -> None:
    await abandoned(api, now)
    await patch_cart(api, "active")
    assert await patch_cart(api, "abandoned") == [(RECOVERY, "not_due_yet")]


# Every way a live cart comes to be `abandoned` with its recovery waiting, before `now`.
WAITING: dict[str, Callable[[Api, datetime], Awaitable[None]]] = {
    "abandoned": abandoned,
    "an order placed before it, sent after": _ordered_before,
    "an order placed before it, sent before": _order_came_first,
    "abandoned again after its recovery went out": _abandoned_again_after_its_recovery,
    "abandoned again after a purchase": _abandoned_again_after_a_purchase,
    "marked active, then abandoned again": _marked_active_and_abandoned_again,
}
