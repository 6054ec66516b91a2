"""A cart PATCHed back to `abandoned` (a relayed checkout update arriving after the order, or a
shop's correction) is read as a cart arriving (SPEC §6, rules/purchase_recovers_cart): when its
contact placed an order after its `abandoned_at` it is `recovered`, by that order. Before, it
went back to `abandoned`, answered `not_due_yet`, and the next worker pass recovered it again: a
second `cart.recovered` for one purchase."""

import pytest

from app.automations.worker import Worker
from tests.api.events.outbox import FAST
from tests.conftest import cart_body, order_body

# the order's placed_at against the cart's abandoned_at (2026-05-18T09:40:00Z)
AFTER, BEFORE = "2026-05-18T10:00:00Z", "2026-05-18T09:00:00Z"

# (order placed, PATCHes before the one to abandoned) -> (status answered, cart events the
# PATCH to abandoned records as (type, before status, after status, reason))
CASES = {
    "recovered by the order": (AFTER, [], "recovered", []),
    # recovered by the order first (its one cart.recovered), then marked otherwise: the status
    # changes back, saying the purchase did it, and that purchase records no second cart.recovered
    **{
        f"marked {settled} since": (
            AFTER,
            [settled],
            "recovered",
            [("cart.status_changed", settled, "recovered", "recovered_by_order")],
        )
        for settled in ("active", "completed", "expired")
    },
    "marked completed, abandoned and completed since": (
        AFTER,
        ["completed", "abandoned", "completed"],
        "recovered",
        [("cart.status_changed", "completed", "recovered", "recovered_by_order")],
    ),
    # marked completed before the order (which then recovers nothing): the PATCH to abandoned
    # is the purchase's first recovery of it
    "marked completed before the order": (
        AFTER,
        None,
        "recovered",
        [
            ("cart.status_changed", "completed", "recovered", None),
            ("cart.recovered", "completed", "recovered", "recovered_by_order"),
        ],
    ),
    "order before the cart": (
        BEFORE,
        ["completed"],
        "abandoned",
        [("cart.status_changed", "completed", "abandoned", None)],
    ),
    "no order": (None, ["expired"], "abandoned", [("cart.status_changed", "expired", "abandoned", None)]),
}


def _cart_events(rows):
    return [
        (row["type"], (row["data"]["before"] or {}).get("status"), row["data"]["after"]["status"], row["reason"])
        for row in rows
        if row["type"].startswith("cart.")
    ]


@pytest.mark.parametrize("case", CASES, ids=CASES.keys())
async def test_a_cart_marked_abandoned_again_is_read_as_arriving(api, case):
    placed_at, earlier, status, recorded = CASES[case]
    assert (await api.post("/carts", cart_body())).status_code == 201
    if earlier is None:  # completed before the order came
        assert (await api.patch("/carts/CART-7700", {"status": "completed"})).status_code == 200
    if placed_at is not None:
        assert (await api.post("/orders", order_body(placed_at=placed_at))).status_code == 201
    for settled in earlier or []:
        assert (await api.patch("/carts/CART-7700", {"status": settled})).status_code == 200
    before = await api.rows("events")
    answer = await api.patch("/carts/CART-7700", {"status": "abandoned"})
    assert answer.status_code == 200
    assert answer.json()["status"] == status
    after = await api.rows("events")
    assert _cart_events(after[len(before) :]) == recorded
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()
    # a cart abandoned again is due (abandoned long ago), its contact never consented: recorded,
    # not sent; a recovered one fires nothing, and is not recovered a second time
    due = [("cart.recovery_due", None, "abandoned", "no_consent")] if status == "abandoned" else []
    assert _cart_events((await api.rows("events"))[len(after) :]) == due
    assert (await api.get("/carts/CART-7700")).json()["status"] == status
