"""A cart recovered by an order, sent again with an `abandoned_at` no order of its contact
follows (at or after the order that recovered it), is a new abandonment (README, "Cart
recovery"): `abandoned` again, its recovery scheduled as a new cart's with that time would be,
with a `cart.abandoned`. It stayed `recovered` and answered `automations: []`: the customer's
new abandonment got no recovery message. Sent again with an `abandoned_at` the order still
follows, or as a replay, it stays `recovered`. `cart.recovered` is recorded once per
`abandoned_at`: sent back to the abandoned_at the order recovered, the cart is `recovered`
with a `cart.status_changed` alone.

The order is placed at 10:00; the cart was abandoned at 09:40, so the order recovered it."""

from __future__ import annotations

from typing import Any

import pytest

from app.automations.worker import Worker
from tests.api.events.outbox import FAST
from tests.conftest import Api, cart_body, order_body

FIRST, PLACED = "2026-05-18T09:40:00Z", "2026-05-18T10:00:00Z"
RECOVERY = "cart_recovery"
# The cart's customer consented to marketing: its recovery may go out.
CUSTOMER = {
    "phone": "+33612345678",
    "first_name": "Marie",
    "whatsapp_consent": {"marketing": "subscribed", "consented_at": "2026-05-01T00:00:00Z"},
}


def _cart(**fields: Any) -> dict[str, Any]:
    return cart_body(customer=CUSTOMER, **fields)


# abandoned_at sent again -> (status, the answer's automations as (automation, reason), cart events
# recorded as (type, before status, after status, reason))
NEW_ABANDONMENT = (
    "abandoned",
    [(RECOVERY, "not_due_yet")],
    [("cart.abandoned", "recovered", "abandoned", "not_due_yet")],
)
CASES: dict[str, tuple[str, tuple[str, list[tuple[str, str]], list[tuple[Any, ...]]]]] = {
    "the same (a replay)": (FIRST, ("recovered", [(RECOVERY, "unchanged")], [])),
    "earlier than the order": ("2026-05-18T09:50:00Z", ("recovered", [], [])),
    # an order placed at the very instant is not placed after it (SPEC §6): a new cart with that
    # time is abandoned, whichever came first
    "equal to the order": (PLACED, NEW_ABANDONMENT),
    "later than the order": ("2026-05-18T10:30:00Z", NEW_ABANDONMENT),
}

# way -> (path, batch)
WAYS = {
    "POST /carts": ("/carts", False),
    "POST /checkouts": ("/checkouts", False),
    "POST /carts/batch": ("/carts/batch", True),
    "POST /checkouts/batch": ("/checkouts/batch", True),
}


def _automations(answer: dict[str, Any]) -> list[tuple[str, str]]:
    for item in answer["automations"]:
        assert item["subject"]["external_id"] == "CART-7700", item
    return [(item["automation"], item["reason"]) for item in answer["automations"]]


def _cart_events(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (row["type"], (row["data"]["before"] or {}).get("status"), row["data"]["after"]["status"], row["reason"])
        for row in rows
        if row["type"].startswith("cart.")
    ]


async def _post(api: Api, way: str, abandoned_at: str, external_id: str = "CART-7700") -> tuple[int, dict[str, Any]]:
    path, batch = WAYS[way]
    body = _cart(external_id=external_id, abandoned_at=abandoned_at)
    if not batch:
        response = await api.post(path, body)
        return response.status_code, response.json()
    response = await api.post(path, {"items": [body]})
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    return result["status"], result


async def _recovered_by_the_order(api: Api, way: str) -> None:
    assert (await _post(api, way, FIRST))[0] == 201
    assert (await api.post("/orders", order_body(placed_at=PLACED))).status_code == 201
    assert (await api.get("/carts/CART-7700")).json()["status"] == "recovered"
    assert _cart_events(await api.rows("events")) == [
        ("cart.abandoned", None, "abandoned", "not_due_yet"),
        ("cart.recovered", "abandoned", "recovered", "recovered_by_order"),
    ]


async def _run_worker(api: Api) -> None:
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("way", WAYS)
async def test_a_recovered_cart_sent_again(api: Api, way: str, case: str) -> None:
    await _recovered_by_the_order(api, way)
    abandoned_at, (status, automations, recorded) = CASES[case]
    before = await api.rows("events")
    code, answer = await _post(api, way, abandoned_at)
    assert code == 200, answer
    assert _automations(answer) == automations
    cart = (await api.get("/carts/CART-7700")).json()
    assert (cart["status"], cart["abandoned_at"]) == (status, abandoned_at.replace("Z", "+00:00"))
    after = await api.rows("events")
    assert _cart_events(after[len(before) :]) == recorded

    # the answer a new cart with that time gets: the same status and standing
    code, new = await _post(api, way, abandoned_at, external_id="CART-NEW")
    assert code == 201
    if recorded:
        assert (new["automations"][0]["reason"], (await api.get("/carts/CART-NEW")).json()["status"]) == (
            automations[0][1],
            status,
        )

    # sent once more: a replay
    before = await api.rows("events")
    code, answer = await _post(api, way, abandoned_at)
    assert (code, _automations(answer)) == (200, [(RECOVERY, "unchanged")])
    assert await api.rows("events") == before

    # the worker fires the new abandonment's recovery (long due), as the new cart's; a recovered
    # cart fires nothing
    before = await api.rows("events")
    await _run_worker(api)
    fired = [
        (row["data"]["subject"]["external_id"], row["type"], row["reason"])
        for row in (await api.rows("events"))[len(before) :]
        if row["type"] == "cart.recovery_due"
    ]
    due = [("CART-7700", "cart.recovery_due", "fired")] if status == "abandoned" else []
    assert sorted(fired) == sorted([*due, ("CART-NEW", "cart.recovery_due", "fired")] if recorded else due)


@pytest.mark.parametrize("way", WAYS)
async def test_sent_back_to_the_abandonment_the_order_recovered_it_records_no_second_recovery(
    api: Api, way: str
) -> None:
    await _recovered_by_the_order(api, way)
    assert (await _post(api, way, "2026-05-18T10:30:00Z"))[0] == 200  # abandoned again
    before = await api.rows("events")
    code, answer = await _post(api, way, FIRST)
    # recovered by the order again: said in the answer and the event, its cart.recovered not twice
    assert (code, _automations(answer)) == (200, [("cart_recovery", "recovered_by_order")])
    assert (await api.get("/carts/CART-7700")).json()["status"] == "recovered"
    assert _cart_events((await api.rows("events"))[len(before) :]) == [
        ("cart.status_changed", "abandoned", "recovered", "recovered_by_order")
    ]


# abandoned_at sent again -> (status, automations, cart events) of a PATCH {"status": "abandoned"}
# after it: read as the cart arriving (README), so the same as the re-POST left it
PATCHED = {
    "earlier than the order": ("2026-05-18T09:50:00Z", "recovered"),
    "equal to the order": (PLACED, "abandoned"),
    "later than the order": ("2026-05-18T10:30:00Z", "abandoned"),
}


@pytest.mark.parametrize("case", PATCHED)
@pytest.mark.parametrize("path", ["/carts", "/checkouts"])
async def test_a_patch_to_abandoned_after_it_agrees(api: Api, path: str, case: str) -> None:
    way = f"POST {path}"
    await _recovered_by_the_order(api, way)
    abandoned_at, status = PATCHED[case]
    assert (await _post(api, way, abandoned_at))[0] == 200
    before = await api.rows("events")
    response = await api.patch(f"{path}/CART-7700", {"status": "abandoned"})
    assert response.status_code == 200
    assert (response.json()["status"], _automations(response.json())) == (status, [(RECOVERY, "unchanged")])
    assert await api.rows("events") == before


# marked by the shop (PATCH) before the re-POST -> (status after the re-POST with a later
# abandoned_at, automations): the shop's word stands; only a purchase's recovery is reopened
MARKED = {
    "recovered, no order": (None, "recovered", "recovered", []),
    "completed after the order's recovery": (PLACED, "completed", "completed", []),
    "expired after the order's recovery": (PLACED, "expired", "expired", []),
}


@pytest.mark.parametrize("case", MARKED)
async def test_a_cart_the_shop_marked_keeps_its_status(api: Api, case: str) -> None:
    placed_at, marked, status, automations = MARKED[case]
    assert (await api.post("/carts", _cart(abandoned_at=FIRST))).status_code == 201
    if placed_at is not None:
        assert (await api.post("/orders", order_body(placed_at=placed_at))).status_code == 201
    assert (await api.patch("/carts/CART-7700", {"status": marked})).status_code == 200
    before = await api.rows("events")
    response = await api.post("/carts", _cart(abandoned_at="2026-05-18T10:30:00Z"))
    assert response.status_code == 200
    assert (response.json()["status"], _automations(response.json())) == (status, automations)
    assert _cart_events((await api.rows("events"))[len(before) :]) == []


async def test_a_backfilled_new_abandonment_never_fires(api: Api) -> None:
    """As a new cart sent as backfill: its events recorded as backfill, never delivered, its
    recovery never fired."""
    await _recovered_by_the_order(api, "POST /carts")
    before = await api.rows("events")
    response = await api.client.post(
        "/api/v1/stores/123/carts",
        json=_cart(abandoned_at="2026-05-18T10:30:00Z"),
        headers={**api.auth(), "Kanal-Backfill": "true"},
    )
    assert response.status_code == 200
    assert (response.json()["status"], _automations(response.json())) == ("abandoned", [(RECOVERY, "backfill")])
    after = await api.rows("events")
    assert _cart_events(after[len(before) :]) == [("cart.abandoned", "recovered", "abandoned", "backfill")]
    await _run_worker(api)
    assert _cart_events((await api.rows("events"))[len(after) :]) == []


async def test_a_new_abandonment_after_a_fired_recovery_fires_its_own(api: Api) -> None:
    """The recovery of the first abandonment went out before the order; the new abandonment's
    goes out too, once."""
    assert (await api.post("/carts", _cart(abandoned_at=FIRST))).status_code == 201
    await _run_worker(api)
    assert (await api.post("/orders", order_body(placed_at=PLACED))).status_code == 201
    assert (await api.post("/carts", _cart(abandoned_at="2026-05-18T10:30:00Z"))).status_code == 200
    await _run_worker(api)
    await _run_worker(api)
    assert _cart_events(await api.rows("events")) == [
        ("cart.abandoned", None, "abandoned", "not_due_yet"),
        ("cart.recovery_due", None, "abandoned", "fired"),
        ("cart.recovered", "abandoned", "recovered", "recovered_by_order"),
        ("cart.abandoned", "recovered", "abandoned", "not_due_yet"),
        ("cart.recovery_due", None, "abandoned", "fired"),
    ]


LATER = "2026-05-18T10:30:00Z"
# the later abandonment's recovery fired before the swing -> (the answer's automations when the
# cart swings back to it, the recovery_due events the later abandonment records in all)
SWINGS = {
    "its recovery fired before": (True, [(RECOVERY, "unchanged")]),
    "its recovery not due yet": (False, [(RECOVERY, "not_due_yet")]),
}


@pytest.mark.parametrize("swing", SWINGS)
@pytest.mark.parametrize("way", WAYS)
async def test_a_cart_swinging_back_to_a_later_abandonment_recovers_it_once(api: Api, way: str, swing: str) -> None:
    """An older checkout update arriving between two copies of a newer one: the cart swings to
    the abandonment the order recovered and back to the later one, which is one abandonment:
    `cart.status_changed` alone, and its recovery goes out once (it went out twice)."""
    fired_before, automations = SWINGS[swing]
    await _recovered_by_the_order(api, way)
    assert (await _post(api, way, LATER))[0] == 200  # abandoned again: cart.abandoned
    if fired_before:
        await _run_worker(api)
    assert (await _post(api, way, FIRST))[0] == 200  # recovered again: cart.status_changed
    before = await api.rows("events")
    code, answer = await _post(api, way, LATER)
    assert (code, _automations(answer)) == (200, automations)
    assert (await api.get("/carts/CART-7700")).json()["status"] == "abandoned"
    assert _cart_events((await api.rows("events"))[len(before) :]) == [
        ("cart.status_changed", "recovered", "abandoned", None)
    ]
    await _run_worker(api)
    events = await api.rows("events")
    due = [row for row in events if row["type"] == "cart.recovery_due"]
    assert [(row["data"]["after"]["abandoned_at"], row["reason"]) for row in due] == [
        (LATER.replace("Z", "+00:00"), "fired")
    ]
    assert [row["type"] for row in events if row["type"] == "cart.abandoned"] == ["cart.abandoned"] * 2
