"""A batch racing single requests on the same ids leaves one row each: of the three writes of
each id (two batches, one single POST), exactly one is 201 and the other two 200."""

from __future__ import annotations

import asyncio
from collections import defaultdict

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
