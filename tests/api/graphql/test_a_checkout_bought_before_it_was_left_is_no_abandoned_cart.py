"""Every read that counts abandoned carts — storeStats (`cartsAbandoned`, `cartsRecovered`,
`recoveryRate`), recoveryFunnel and storeTimeseries — counts the same carts (README "Store
stats"): all those of the period by `abandoned_at`, but a checkout `completed` by its own
purchase at or before its `abandoned_at`, bought before it would have been abandoned (README "A
checkout bought: `completed_at`"). Before, they counted every cart of the period, so a checkout
bought at 08:20 and sent with `abandoned_at` 08:30 was a cart abandoned and never recovered. A
cart left and then bought, recovered by an order, expired, taken up again (`active`) or marked
by the shop is still one. The statements keep searching the carts through their
(store_id, abandoned_at) index on both engines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Connection, event

from app.read.funnel import recovery_funnel
from app.read.stats import store_stats
from app.read.timeseries import Interval, store_timeseries
from app.services import stores
from tests.api.graphql.documents import gql
from tests.conftest import STORE_ID, Api, cart_body, order_body

PERIOD = {"from": "2026-10-01T00:00:00Z", "to": "2026-10-02T00:00:00Z"}
READS = """query($from: DateTime!, $to: DateTime!) {
  storeStats(storeId: 123, from: $from, to: $to) { cartsAbandoned cartsRecovered recoveryRate }
  recoveryFunnel(storeId: 123, from: $from, to: $to) { cartsAbandoned cartsRecovered }
  storeTimeseries(storeId: 123, from: $from, to: $to, interval: DAY) { cartsAbandoned cartsRecovered } }"""

# A step: ("post", fields of the cart) | ("patch", the status the shop marks) | ("order", placed_at)
Step = tuple[str, Any]
# case -> (the steps, the cart's status then, counted abandoned, counted recovered)
CASES: dict[str, tuple[list[Step], str, int, int]] = {
    "abandoned": ([("post", {"abandoned_at": "08:30"})], "abandoned", 1, 0),
    "abandoned, then recovered by an order": (
        [("post", {"abandoned_at": "08:30"}), ("order", "09:00")],
        "recovered",
        1,
        1,
    ),
    "abandoned before an order that came first": (
        [("order", "09:00"), ("post", {"abandoned_at": "08:30"})],
        "recovered",
        1,
        1,
    ),
    "checkout completed after its abandoned_at": (
        [("post", {"abandoned_at": "08:30", "completed_at": "08:40"})],
        "recovered",
        1,
        1,
    ),
    "checkout completed before its abandoned_at": (
        [("post", {"abandoned_at": "08:30", "completed_at": "08:20"})],
        "completed",
        0,
        0,
    ),
    "checkout completed at its abandoned_at": (
        [("post", {"abandoned_at": "08:30", "completed_at": "08:30"})],
        "completed",
        0,
        0,
    ),
    "completed before, then sent a later abandoned_at": (
        [("post", {"abandoned_at": "08:30", "completed_at": "08:20"}), ("post", {"abandoned_at": "09:00"})],
        "completed",
        0,
        0,
    ),
    "abandoned, then its bought checkout's update dated after the purchase": (
        [("post", {"abandoned_at": "08:00"}), ("post", {"abandoned_at": "08:30", "completed_at": "08:20"})],
        "recovered",
        1,
        1,
    ),
    "bought, then abandoned again after the purchase": (
        [("post", {"abandoned_at": "08:30", "completed_at": "08:40"}), ("post", {"abandoned_at": "09:00"})],
        "abandoned",
        1,
        0,
    ),
    "completed before, then marked abandoned by the shop": (
        [("post", {"abandoned_at": "08:30", "completed_at": "08:20"}), ("patch", "abandoned")],
        "abandoned",
        1,
        0,
    ),
    "marked active by the shop (taken up again)": (
        [("post", {"abandoned_at": "08:30"}), ("patch", "active")],
        "active",
        1,
        0,
    ),
    "marked expired by the shop": ([("post", {"abandoned_at": "08:30"}), ("patch", "expired")], "expired", 1, 0),
    "marked recovered by the shop": (
        [("post", {"abandoned_at": "08:30"}), ("patch", "recovered")],
        "recovered",
        1,
        1,
    ),
    "marked completed by the shop": (
        [("post", {"abandoned_at": "08:30"}), ("patch", "completed")],
        "completed",
        1,
        0,
    ),
    "abandoned the day before": ([("post", {"abandoned_at": "2026-09-30T23:59:59Z"})], "abandoned", 0, 0),
}


def _at(time: str) -> str:
    """A time of the period's day (`08:30`), or an instant as given."""
    return time if "T" in time else f"2026-10-01T{time}:00Z"


async def _play(api: Api, external_id: str, phone: str, steps: list[Step]) -> None:
    for step, value in steps:
        if step == "post":
            times = {name: _at(time) for name, time in value.items()}
            body = cart_body(external_id=external_id, customer={"phone": phone}, **times)
            response = await api.post("/checkouts", body)
        elif step == "patch":
            response = await api.patch(f"/checkouts/{external_id}", {"status": value})
        else:
            order = order_body(external_id=f"O-{external_id}", placed_at=_at(value), customer={"phone": phone})
            response = await api.post("/orders", order)
        assert response.status_code in (200, 201), response.text


def _expected(abandoned: int, recovered: int) -> dict[str, Any]:
    counts = {"cartsAbandoned": abandoned, "cartsRecovered": recovered}
    return {
        "storeStats": {**counts, "recoveryRate": recovered / abandoned if abandoned else 0.0},
        "recoveryFunnel": counts,
        "storeTimeseries": [counts],
    }


async def _reads(api: Api) -> dict[str, Any]:
    answer = await gql(api, READS, PERIOD)
    assert "errors" not in answer, answer
    return answer["data"]


@pytest.fixture
async def utc_store(api: Api) -> Api:
    """Store 123 with its days in UTC, so that the period is one day of storeTimeseries."""
    await stores.set_timezone(api.db, STORE_ID, "UTC")
    return api


@pytest.mark.parametrize("case", CASES)
async def test_each_read_counts_the_cart_as_abandoned_or_not(utc_store: Api, case: str) -> None:
    steps, status, abandoned, recovered = CASES[case]
    await _play(utc_store, "CK1", "+33612345790", steps)
    assert (await utc_store.get("/checkouts/CK1")).json()["status"] == status
    assert await _reads(utc_store) == _expected(abandoned, recovered)


async def test_the_carts_of_every_case_add_up(utc_store: Api) -> None:
    for number, (steps, _, _, _) in enumerate(CASES.values()):
        await _play(utc_store, f"CK{number}", f"+336123458{number:02d}", steps)
    abandoned = sum(case[2] for case in CASES.values())
    recovered = sum(case[3] for case in CASES.values())
    assert (abandoned, recovered) == (11, 5)
    assert await _reads(utc_store) == _expected(abandoned, recovered)


INDEX = "ix_carts_store_id_abandoned_at"


def _plans(conn: Connection) -> list[str]:
    """Runs each read that counts carts, then EXPLAINs every statement it sent that reads the
    carts (PostgreSQL without sequential scans: a few rows, let the plan show what it can use)."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if " carts" in statement:
            sent.append((statement, parameters))

    start, end = (datetime.fromisoformat(PERIOD["from"]), datetime.fromisoformat(PERIOD["to"]))
    event.listen(conn, "before_cursor_execute", capture)
    try:
        store_stats(conn, STORE_ID, start, end)
        recovery_funnel(conn, STORE_ID, start, end)
        store_timeseries(conn, STORE_ID, start, end, Interval.HOUR)
    finally:
        event.remove(conn, "before_cursor_execute", capture)
    if conn.dialect.name == "sqlite":
        return [
            "\n".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            for statement, parameters in sent
        ]
    conn.exec_driver_sql("SET enable_seqscan = off")
    try:
        return ["\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + s, p)) for s, p in sent]
    finally:
        conn.exec_driver_sql("RESET enable_seqscan")


async def test_the_carts_are_searched_through_their_period_index(utc_store: Api) -> None:
    for number, (steps, _, _, _) in enumerate(CASES.values()):
        await _play(utc_store, f"CK{number}", f"+336123458{number:02d}", steps)
    plans = await utc_store.db.read(_plans)
    assert len(plans) == 4  # storeStats, recoveryFunnel's counts and orders, storeTimeseries
    for plan in plans:
        if utc_store.db.dialect == "sqlite":
            lines = plan.splitlines()
            assert not [line for line in lines if line.startswith(("SCAN carts", "SCAN t"))], plan
            assert [line for line in lines if f"USING INDEX {INDEX} (store_id=? AND abandoned_at>?" in line], plan
        else:  # a few rows: PostgreSQL picks any index of the store, as it did before
            # one condition is written "(store_id = …)", several "((store_id = …) AND …)"
            conditions = [line for line in plan.splitlines() if "Index Cond: " in line and "(store_id = " in line]
            assert "Seq Scan on carts" not in plan and conditions, plan
