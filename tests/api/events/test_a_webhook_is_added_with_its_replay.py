"""README "Outbox lifecycle": `kanal webhooks add --since TIME` writes the webhook and its
replayed deliveries in one transaction. A worker never sees the webhook without them.

Before, the webhook was committed first and replayed in a second transaction. A worker pass in
between (the replay waiting on the dispatch lock a pass holds) fanned the subject's later events
out to the webhook and sent them before the replayed earlier ones: "each subject in order"
broke. The wait is made real here: the dispatch lock held by another session, as a worker's
pass holds it. PostgreSQL only: SQLite has one writer, whose transaction no one sees into."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.api.events.test_outbox_prune import run_cli_streams
from tests.conftest import STORE_ID, Api, order_body


def _dsn(api: Api) -> str:
    return make_url(str(api.db.url)).set(drivername="postgresql").render_as_string(hide_password=False)


async def _waiting_on_a_lock(watcher: asyncpg.Connection, database: str) -> None:
    for _ in range(400):
        waiting = await watcher.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", database
        )
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the command never waited on the dispatch lock")


async def test_no_one_sees_the_webhook_before_its_replay(
    api: Api, engine_name: str, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine_name != "postgresql":
        pytest.skip("PostgreSQL: SQLite's one writer lets no one see into its transaction")
    for index in range(2):
        body = order_body(external_id=f"O-{index}", customer={"phone": f"+3361234{index:04d}"})
        assert (await api.post("/orders", body)).status_code == 201
    pass_holding_the_lock = await asyncpg.connect(_dsn(api))
    watcher = await asyncpg.connect(_dsn(api))
    try:
        holding = pass_holding_the_lock.transaction()
        await holding.start()
        await pass_holding_the_lock.execute("SELECT id FROM dispatch_lock WHERE id = 1 FOR UPDATE")
        argv = ["webhooks", "add", "--store", str(STORE_ID), "--url", "http://127.0.0.1:9/h", "--since", "2d"]
        adding = asyncio.ensure_future(run_cli_streams(monkeypatch, database_url, argv))
        await _waiting_on_a_lock(watcher, api.db.url.database or "")
        seen = await watcher.fetchval("SELECT count(*) FROM webhooks")
        await holding.rollback()
        secret, notice = await adding
    finally:
        await pass_holding_the_lock.close()
        await watcher.close()
    assert seen == 0  # while the replay waits, the webhook is not there to fan out to
    assert secret.startswith("whsec_")
    assert notice.splitlines()[1].startswith("Replaying 2 earlier events since ")
    [hook] = await api.rows("webhooks")
    deliveries = await api.rows("deliveries")
    assert [(d["webhook_id"], d["status"]) for d in deliveries] == [(hook["id"], "pending")] * 2
