"""A batch racing single requests on the same ids leaves one row each: of the three writes of
each id (two batches, one single POST), exactly one is 201 and the other two 200."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest
from sqlalchemy.util import await_only

from app.services import order_batches
from tests.conftest import order_body

IDS = [f"RACE-{n}" for n in range(40)]


async def test_a_batch_racing_single_posts_leaves_one_row_per_id(api):
    items = [order_body(external_id=external_id) for external_id in IDS]
    singles = [api.post("/orders", order_body(external_id=external_id)) for external_id in reversed(IDS)]
    first, *answers, second = await asyncio.gather(
        api.post("/orders/batch", {"items": items}), *singles, api.post("/orders/batch", {"items": items})
    )
    statuses: dict[str, list[int]] = defaultdict(list)
    for batch in (first, second):
        assert batch.status_code == 200
        for result in batch.json()["results"]:
            statuses[result["external_id"]].append(result["status"])
    for external_id, answer in zip(reversed(IDS), answers, strict=True):
        statuses[external_id].append(answer.status_code)
    assert {external_id: sorted(found) for external_id, found in statuses.items()} == {
        external_id: [200, 200, 201] for external_id in IDS
    }
    assert sorted(row["external_id"] for row in await api.rows("orders")) == sorted(IDS)
    assert [row["type"] for row in await api.rows("events")] == ["order.created"] * len(IDS)


async def test_a_run_whose_orders_single_posts_keep_storing_meanwhile_writes_them_over(api, monkeypatch):
    """PostgreSQL: a single POST stores one of a run's new orders between the run's read and its
    INSERT, on every attempt (as a shop's retries racing an import do): the batch answers 200,
    the order stored meanwhile written over (200, unchanged), where the run was run again until
    its retries ran out and the whole batch answered 500 Internal server error."""
    if api.db.dialect == "sqlite":
        pytest.skip("SQLite has one writer: nothing is stored between a run's read and its INSERT")
    bodies = [
        order_body(
            external_id=f"MEANWHILE-{n}",
            customer={"external_id": f"C-{n}", "phone": f"+3361234{n:04d}", "first_name": "Marie"},
        )
        for n in range(10)
    ]
    posted: list[str] = []
    standing = order_batches._standing

    def racing(conn, store_id, run):  # the run has read its orders as new: one is posted now
        found = standing(conn, store_id, run)
        body = next(b for b in bodies if b["external_id"] not in posted and b["external_id"] in _ids(run))
        posted.append(body["external_id"])
        assert await_only(api.post("/orders", body)).status_code == 201
        return found

    monkeypatch.setattr(order_batches, "_standing", racing)
    batch = await api.post("/orders/batch", {"items": bodies})
    assert batch.status_code == 200, batch.text[:300]
    assert [(r["external_id"], r["status"]) for r in batch.json()["results"]] == [
        (b["external_id"], 200 if b["external_id"] in posted else 201) for b in bodies
    ]
    assert posted == ["MEANWHILE-0"]  # one attempt
    assert sorted(row["external_id"] for row in await api.rows("orders")) == sorted(b["external_id"] for b in bodies)
    assert [row["type"] for row in await api.rows("events")] == ["order.created"] * len(bodies)


def _ids(run) -> set[str]:
    return {item.command.external_id for item in run}
