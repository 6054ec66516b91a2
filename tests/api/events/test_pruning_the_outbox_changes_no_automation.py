"""Pruning the outbox (`kanal events prune`, the worker's retention) changes no automation
(README "Outbox lifecycle", "Cart recovery"): an abandonment records one `cart.abandoned`, one
`cart.recovered`, and its recovery goes out once, whether or not its events were pruned since.
Before, these rules read the events: after a prune a cart swinging back to an abandonment got a
second `cart.abandoned` and `cart.recovery_due` (a second marketing message), and one PATCHed
`expired` then `abandoned` a second `cart.recovered`.

Each case runs its steps twice, once with a prune between its two halves: the second half
answers and records the same, the one outcome pinned here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.automations import retention
from app.automations.worker import Worker
from app.services.results import utcnow
from tests.api.events.outbox import FAST
from tests.conftest import Api, cart_body, order_body

RECOVERY = "cart_recovery"
CUSTOMER = {"external_id": "C-G4", "phone": "+33612346004", "whatsapp_consent": {"marketing": "subscribed"}}
# The store's recovery delay is 60 minutes: A2 is due, A3 not yet.
AGES = {
    "A1": timedelta(hours=3),
    "O1": timedelta(minutes=170),
    "A1b": timedelta(minutes=150),
    "A2": timedelta(hours=2),
    "A3": timedelta(minutes=10),
}

# A step: ("post", abandoned_at), ("post", abandoned_at, "unconsented" or "backfill"), ("order", placed_at),
# ("patch", status), ("erase",) (the customer's erasure) or ("worker",).
# Its outcome: (the cart's status, the answer's automations as (automation, reason), the cart
# events it recorded as (type, before status, after status, reason)); a worker pass answers
# nothing but its events.
Step = tuple[str, ...]
Outcome = tuple[str | None, list[tuple[str, str]], list[tuple[Any, ...]]]
RECOVERED_BY_THE_ORDER: list[Step] = [("post", "A1"), ("order", "O1")]
CHANGED = "cart.status_changed"
ABANDONED, DUE = "cart.abandoned", "cart.recovery_due"
BY_ORDER = (RECOVERY, "recovered_by_order")  # listed for each cart an order or a write recovers
UNCONSENTED = {"phone": CUSTOMER["phone"]}  # no consent given: its recovery suppressed

# case -> (steps before the prune, steps after it, what each step after it gives)
CASES: dict[str, tuple[list[Step], list[Step], list[Outcome]]] = {
    "swung back to an abandonment whose recovery fired": (
        [*RECOVERED_BY_THE_ORDER, ("post", "A2"), ("worker",), ("post", "A1"), ("post", "A2"), ("post", "A1")],
        [("post", "A2"), ("worker",), ("post", "A1")],
        [
            ("abandoned", [(RECOVERY, "unchanged")], [(CHANGED, "recovered", "abandoned", None)]),
            (None, [], []),  # its recovery went out before: never again
            ("recovered", [BY_ORDER], [(CHANGED, "abandoned", "recovered", "recovered_by_order")]),
        ],
    ),
    "swung back to an abandonment whose recovery is not due yet": (
        [*RECOVERED_BY_THE_ORDER, ("post", "A3"), ("post", "A1")],
        [("post", "A3"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "not_due_yet")], [(CHANGED, "recovered", "abandoned", None)]),
            (None, [], []),
        ],
    ),
    "moved back, still abandoned, to an abandonment whose recovery fired": (
        [*RECOVERED_BY_THE_ORDER, ("post", "A2"), ("worker",), ("post", "A1"), ("post", "A3")],
        [("post", "A2"), ("worker",)],
        [
            # an older time than A3's, a new abandonment whose recovery waits: kept at A3
            ("abandoned", [(RECOVERY, "not_due_yet")], []),
            (None, [], []),  # A2's recovery went out before: never again; A3's not due yet
        ],
    ),
    "abandoned again later, never bought, its first recovery sent": (
        [("post", "A1"), ("worker",)],
        [("post", "A2"), ("worker",), ("post", "A2"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "not_due_yet")], [(ABANDONED, None, "abandoned", "not_due_yet")]),
            (None, [], [(DUE, None, "abandoned", "fired")]),  # the new abandonment's own message
            ("abandoned", [(RECOVERY, "unchanged")], []),
            (None, [], []),
        ],
    ),
    "abandoned again later, never bought, its first recovery suppressed, consent given since": (
        [("post", "A1", "unconsented"), ("worker",)],
        [("post", "A2"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "not_due_yet")], [(ABANDONED, None, "abandoned", "not_due_yet")]),
            (None, [], [(DUE, None, "abandoned", "fired")]),
        ],
    ),
    "moved to an earlier abandoned_at after its recovery went out": (
        [("post", "A2"), ("worker",)],
        [("post", "A1"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "unchanged")], []),  # an older update arriving late
            (None, [], []),
        ],
    ),
    "abandoned again later, swung back and forth": (
        [("post", "A1"), ("worker",)],
        [("post", "A2"), ("post", "A1"), ("post", "A2"), ("worker",), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "not_due_yet")], [(ABANDONED, None, "abandoned", "not_due_yet")]),
            ("abandoned", [(RECOVERY, "not_due_yet")], []),  # older than A2, which waits: kept at A2
            ("abandoned", [(RECOVERY, "unchanged")], []),  # a replay of A2
            (None, [], [(DUE, None, "abandoned", "fired")]),
            (None, [], []),
        ],
    ),
    "older updates arriving late after its recovery went out": (
        [("post", "A2"), ("worker",)],
        [("post", "A1"), ("post", "A1b"), ("worker",), ("post", "A2"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "unchanged")], []),
            ("abandoned", [(RECOVERY, "unchanged")], []),  # later than A1, not than A2: no new abandonment
            (None, [], []),
            ("abandoned", [(RECOVERY, "unchanged")], []),
            (None, [], []),
        ],
    ),
    "an older update arriving while a new abandonment waits": (
        [("post", "A1"), ("worker",)],
        [("post", "A3"), ("post", "A2"), ("worker",), ("post", "A3"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "not_due_yet")], [(ABANDONED, None, "abandoned", "not_due_yet")]),
            ("abandoned", [(RECOVERY, "not_due_yet")], []),  # kept at A3: never due at once
            (None, [], []),  # A3's recovery not due yet
            ("abandoned", [(RECOVERY, "unchanged")], []),  # a replay of A3
            (None, [], []),
        ],
    ),
    "an older update, the order following it, arriving while a new abandonment waits": (
        [("post", "A1"), ("worker",), ("order", "O1"), ("post", "A3")],
        [("post", "A1"), ("worker",), ("post", "A3")],
        [
            # the order recovered A1, not A3: kept at A3, its recovery to come
            ("abandoned", [(RECOVERY, "not_due_yet")], []),
            (None, [], []),  # A3's recovery not due yet
            ("abandoned", [(RECOVERY, "unchanged")], []),  # a replay of A3
        ],
    ),
    "recovered by the order again through a PATCH": (
        [("post", "A1"), ("patch", "recovered"), ("patch", "abandoned"), ("order", "O1")],
        [("patch", "expired"), ("patch", "abandoned")],
        [
            ("expired", [], [(CHANGED, "recovered", "expired", None)]),
            ("recovered", [BY_ORDER], [(CHANGED, "expired", "recovered", "recovered_by_order")]),
        ],
    ),
    "marked recovered again and again": (
        RECOVERED_BY_THE_ORDER,
        [("patch", "expired"), ("patch", "recovered"), ("patch", "expired"), ("patch", "recovered")],
        [
            ("expired", [], [(CHANGED, "recovered", "expired", None)]),
            ("recovered", [], [(CHANGED, "expired", "recovered", None)]),  # its cart.recovered was recorded
            ("expired", [], [(CHANGED, "recovered", "expired", None)]),
            ("recovered", [], [(CHANGED, "expired", "recovered", None)]),
        ],
    ),
    "marked active, sent abandoned again later, then marked abandoned": (
        [("post", "A1"), ("worker",), ("patch", "active")],
        [("post", "A2"), ("patch", "abandoned"), ("worker",), ("patch", "active"), ("patch", "abandoned"), ("worker",)],
        [
            ("active", [], []),  # the shop's status kept
            (
                "abandoned",
                [(RECOVERY, "not_due_yet")],
                [(CHANGED, "active", "abandoned", None), (ABANDONED, None, "abandoned", "not_due_yet")],
            ),
            (None, [], [(DUE, None, "abandoned", "fired")]),  # the new abandonment's own message
            ("active", [], [(CHANGED, "abandoned", "active", None)]),
            ("abandoned", [(RECOVERY, "unchanged")], [(CHANGED, "active", "abandoned", None)]),
            (None, [], []),
        ],
    ),
    "marked active, sent an older abandoned_at, then marked abandoned": (
        [("post", "A2"), ("worker",), ("patch", "active")],
        [("post", "A1"), ("patch", "abandoned"), ("worker",)],
        [
            ("active", [], []),
            ("abandoned", [(RECOVERY, "unchanged")], [(CHANGED, "active", "abandoned", None)]),
            (None, [], []),
        ],
    ),
    "marked active before its recovery, then marked abandoned": (
        [("post", "A3"), ("patch", "active")],
        [("post", "A2"), ("patch", "abandoned"), ("worker",), ("patch", "abandoned")],
        [
            ("active", [], []),
            ("abandoned", [(RECOVERY, "not_due_yet")], [(CHANGED, "active", "abandoned", None)]),
            (None, [], [(DUE, None, "abandoned", "fired")]),
            ("abandoned", [(RECOVERY, "unchanged")], []),
        ],
    ),
    "abandoned again later after its customer was erased": (
        [("post", "A1"), ("worker",), ("erase",)],
        [("post", "A2"), ("worker",), ("post", "A3"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "erased")], [(ABANDONED, None, "abandoned", "erased")]),
            (None, [], [(DUE, None, "abandoned", "erased")]),  # recorded, never sent
            ("abandoned", [(RECOVERY, "erased")], [(ABANDONED, None, "abandoned", "erased")]),
            (None, [], []),  # not due yet
        ],
    ),
    "erased while its recovery waits, abandoned again later": (
        [("post", "A3"), ("erase",)],
        [("post", "A2"), ("worker",), ("post", "A2")],
        [
            ("abandoned", [(RECOVERY, "erased")], []),  # re-dated
            (None, [], [(DUE, None, "abandoned", "erased")]),
            ("abandoned", [(RECOVERY, "unchanged")], []),
        ],
    ),
    "imported, then abandoned again later, live": (
        [("post", "A1", "backfill"), ("worker",)],
        [("post", "A2"), ("worker",), ("post", "A2"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "not_due_yet")], [(ABANDONED, None, "abandoned", "not_due_yet")]),
            (None, [], [(DUE, None, "abandoned", "fired")]),  # the customer left again: messaged
            ("abandoned", [(RECOVERY, "unchanged")], []),
            (None, [], []),
        ],
    ),
    "imported, then sent live as imported": (
        [("post", "A1", "backfill"), ("worker",)],
        [("post", "A1"), ("worker",), ("post", "A2", "backfill"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "unchanged")], []),  # the abandonment imported: never messaged
            (None, [], []),
            ("abandoned", [(RECOVERY, "backfill")], []),  # imported again, later: still history
            (None, [], []),
        ],
    ),
    "imported, then an older update live": (
        [("post", "A2", "backfill"), ("worker",)],
        [("post", "A1"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "backfill")], []),  # re-dated, still the imported abandonment
            (None, [], []),
        ],
    ),
    "imported, marked active, sent live later, then marked abandoned": (
        [("post", "A1", "backfill"), ("worker",), ("patch", "active")],
        [("post", "A2"), ("patch", "abandoned"), ("worker",), ("post", "A2"), ("worker",)],
        [
            ("active", [], []),
            (
                "abandoned",
                [(RECOVERY, "not_due_yet")],
                [(CHANGED, "active", "abandoned", None), (ABANDONED, None, "abandoned", "not_due_yet")],
            ),
            (None, [], [(DUE, None, "abandoned", "fired")]),  # the customer left again: messaged once
            ("abandoned", [(RECOVERY, "unchanged")], []),
            (None, [], []),
        ],
    ),
    "imported, marked expired, sent live later, then marked abandoned": (
        [("post", "A1", "backfill"), ("patch", "expired")],
        [("post", "A2"), ("patch", "abandoned"), ("worker",)],
        [
            ("expired", [], []),
            (
                "abandoned",
                [(RECOVERY, "not_due_yet")],
                [(CHANGED, "expired", "abandoned", None), (ABANDONED, None, "abandoned", "not_due_yet")],
            ),
            (None, [], [(DUE, None, "abandoned", "fired")]),
        ],
    ),
    "imported, marked active, then marked abandoned live as imported": (
        [("post", "A1", "backfill"), ("patch", "active")],
        [("patch", "abandoned"), ("worker",)],
        [
            ("abandoned", [(RECOVERY, "backfill")], [(CHANGED, "active", "abandoned", None)]),
            (None, [], []),  # history: never messaged
        ],
    ),
    "marked recovered by the shop, abandoned, then bought": (
        [("post", "A1"), ("patch", "recovered"), ("patch", "abandoned")],
        [("order", "O1")],
        [(None, [BY_ORDER], [(CHANGED, "abandoned", "recovered", "recovered_by_order")])],
    ),
    "sent back to the abandonment the order recovered": (
        [*RECOVERED_BY_THE_ORDER, ("post", "A2")],
        [("post", "A1")],
        [("recovered", [BY_ORDER], [(CHANGED, "abandoned", "recovered", "recovered_by_order")])],
    ),
    "marked expired, then abandoned": (
        RECOVERED_BY_THE_ORDER,
        [("patch", "expired"), ("patch", "abandoned")],
        [
            ("expired", [], [(CHANGED, "recovered", "expired", None)]),
            ("recovered", [BY_ORDER], [(CHANGED, "expired", "recovered", "recovered_by_order")]),
        ],
    ),
    "marked expired, then abandoned, after a swing": (
        [*RECOVERED_BY_THE_ORDER, ("post", "A2"), ("post", "A1")],
        [("patch", "expired"), ("patch", "abandoned")],
        [
            ("expired", [], [(CHANGED, "recovered", "expired", None)]),
            ("recovered", [BY_ORDER], [(CHANGED, "expired", "recovered", "recovered_by_order")]),
        ],
    ),
}


def _cart_events(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (row["type"], (row["data"]["before"] or {}).get("status"), row["data"]["after"]["status"], row["reason"])
        for row in rows
        if row["type"].startswith("cart.")
    ]


async def _last_event_id(api: Api) -> int:
    return max((row["id"] for row in await api.rows("events")), default=0)


async def _pass(api: Api) -> None:
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()


async def _prune(api: Api) -> None:
    """Every event goes, as `kanal events prune --older-than 1s` a second later: fanned out
    first (no webhook: settled at once), then pruned."""
    await _pass(api)
    assert await retention.prune(api.db, utcnow() + timedelta(seconds=1)) > 0
    assert await api.rows("events") == []


async def _step(api: Api, step: Step, times: dict[str, str]) -> Outcome:
    """Run `step` on the cart G4; its outcome."""
    since = await _last_event_id(api)
    kind, *argument = step
    status, automations = None, []
    if kind == "post":
        customer = UNCONSENTED if argument[1:] == ["unconsented"] else CUSTOMER
        body = cart_body(external_id="G4", abandoned_at=times[argument[0]], customer=customer)
        backfill = {"Kanal-Backfill": "true"} if argument[1:] == ["backfill"] else {}
        response = await api.client.post("/api/v1/stores/123/carts", json=body, headers={**api.auth(), **backfill})
        assert response.status_code in (200, 201), response.text
    elif kind == "order":
        body = order_body(external_id="G4-O", placed_at=times[argument[0]], customer=CUSTOMER)
        response = await api.post("/orders", body)
        assert response.status_code == 201, response.text
        automations = [(item["automation"], item["reason"]) for item in response.json()["automations"]]
    elif kind == "patch":
        response = await api.patch("/carts/G4", {"status": argument[0]})
        assert response.status_code == 200, response.text
    elif kind == "erase":
        response = await api.delete("/customers/C-G4")
        assert response.status_code == 204, response.text
    else:
        await _pass(api)
    if kind in ("post", "patch"):
        answer = response.json()
        status = answer["status"]
        automations = [(item["automation"], item["reason"]) for item in answer["automations"]]
    recorded = [row for row in await api.rows("events") if row["id"] > since]
    return status, automations, _cart_events(recorded)


@pytest.mark.parametrize("pruned", [False, True], ids=["kept", "pruned"])
@pytest.mark.parametrize("case", CASES)
async def test_an_abandonment_records_and_fires_once_whether_or_not_its_events_were_pruned(
    api: Api, case: str, pruned: bool
) -> None:
    before, after, outcomes = CASES[case]
    now = utcnow()
    times = {name: (now - age).isoformat() for name, age in AGES.items()}
    for step in before:
        await _step(api, step, times)
    if pruned:
        await _prune(api)
    assert [await _step(api, step, times) for step in after] == outcomes
