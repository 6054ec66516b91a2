"""README: a backfilled write (Kanal-Backfill: true) records its events and never delivers them."""

from app.automations.worker import Worker
from app.services import webhooks
from tests.api.events.outbox import FAST, walkthrough
from tests.conftest import STORE_ID


async def test_backfill_is_recorded_and_never_delivered(api):
    await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/never")
    await walkthrough(api, **{"Kanal-Backfill": "true"})
    assert len(await api.rows("events")) == 4
    assert all(row["backfill"] for row in await api.rows("events"))
    worker = Worker(api.db, FAST)
    tally = await worker.run_once()
    await worker.aclose()
    assert (tally.dispatched, await api.count("deliveries")) == (0, 0)
