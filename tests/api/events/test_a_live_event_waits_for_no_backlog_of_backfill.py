"""README "Backfill": imported history is recorded and never delivered, so it must not hold back
the live events written after it. The outbox is fanned out in batches; a pass used to fan out
one batch and, having created no delivery from it (backfill creates none), wait a second before
the next: after `kanal import` of 100,000 orders a live event waited about 200 s for its
webhook. One pass now fans out batch after batch until one creates deliveries (sent before more
are fanned out, so a live backlog is still delivered as it is fanned out) or none are left."""

import pytest

from app.automations import dispatch
from app.automations.worker import Worker
from app.services import webhooks
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, order_body


@pytest.mark.parametrize(
    ("backfilled", "batch"),
    [
        (0, 2),  # nothing ahead of it
        (1, 2),  # less than a batch ahead
        (2, 2),  # exactly one batch ahead
        (5, 2),  # several batches ahead
    ],
)
async def test_one_pass_reaches_the_live_event_behind_backfill(api, monkeypatch, backfilled, batch):
    monkeypatch.setattr(dispatch, "BATCH", batch)
    await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/never")
    url = f"/api/v1/stores/{STORE_ID}/orders"
    for number in range(backfilled):
        body = order_body(external_id=f"OLD-{number}")
        response = await api.client.post(url, json=body, headers={**api.auth(), "Kanal-Backfill": "true"})
        assert response.status_code == 201, response.text
    response = await api.client.post(url, json=order_body(external_id="NEW-1"), headers=api.auth())
    assert response.status_code == 201, response.text
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()
    assert all(row["dispatched_at"] is not None for row in await api.rows("events"))
    assert await api.count("deliveries") == 1  # the live order.created, backfill none
