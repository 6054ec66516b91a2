"""Outbox lifecycle (issue 13, README "Outbox lifecycle"): `kanal webhooks add --since TIME`
replays the store's earlier events that the new subscription matches, in order, to a real
loopback receiver: not older ones, not backfilled ones, never twice."""

from datetime import timedelta

from sqlalchemy import update

from app.automations.worker import Worker
from app.db.tables import events
from app.services.results import utcnow
from tests.api.events.outbox import FAST
from tests.api.events.test_outbox_prune import run_cli, run_cli_streams
from tests.conftest import STORE_ID, order_body
from tests.receiver import Receiver


async def pass_of(api) -> None:
    worker = Worker(api.db, FAST)
    await worker.run_once()
    await worker.aclose()


async def test_earlier_events_are_replayed_in_order_to_a_new_subscription(api, database_url, monkeypatch):
    for index in range(3):
        body = order_body(external_id=f"O-{index}", customer={"phone": f"+3361234{index:04d}"})
        assert (await api.post("/orders", body)).status_code == 201
        assert (await api.patch(f"/orders/O-{index}", {"financial_status": "paid"})).status_code == 200
    backfill = order_body(external_id="O-9", customer={"phone": "+33612349999"})
    headers = {**api.auth(), "Kanal-Backfill": "true"}
    assert (
        await api.client.post(f"/api/v1/stores/{STORE_ID}/orders", json=backfill, headers=headers)
    ).status_code == 201
    old = utcnow() - timedelta(days=5)
    first = (await api.rows("events"))[0]["id"]
    await api.db.write(lambda conn: conn.execute(update(events).where(events.c.id == first).values(created_at=old)))
    await pass_of(api)  # no subscription yet: every event fanned out to nobody

    with Receiver() as receiver:
        argv = ["webhooks", "add", "--store", str(STORE_ID), "--url", receiver.url, "--since", "2d"]
        secret, notice = await run_cli_streams(monkeypatch, database_url, argv)
        assert notice.splitlines()[1].startswith("Replaying 5 earlier events since ")
        assert secret.startswith("whsec_") and secret.count("\n") == 1  # the secret alone on stdout
        await pass_of(api)
        again = ["webhooks", "add", "--store", str(STORE_ID), "--url", receiver.url, "--since", "2d"]
        await run_cli(monkeypatch, database_url, again)  # a second subscription: its own copies
        await pass_of(api)

    by_subject: dict[str, list[str]] = {}
    for item in receiver.received:
        by_subject.setdefault(item["event"]["data"]["subject"]["external_id"], []).append(item["event"]["type"])
    both = ["order.created", "order.financial_status_changed"]
    assert by_subject == {  # each subject in order, once per subscription; O-0's creation is too old
        "O-0": ["order.financial_status_changed"] * 2,
        "O-1": both * 2,
        "O-2": both * 2,
    }
    assert len({item["event"]["id"] for item in receiver.received}) == 5


async def test_a_subscription_without_since_gets_only_new_events(api, database_url, monkeypatch):
    assert (await api.post("/orders", order_body())).status_code == 201
    await pass_of(api)
    with Receiver() as receiver:
        argv = ["webhooks", "add", "--store", str(STORE_ID), "--url", receiver.url]
        assert "Replaying" not in await run_cli(monkeypatch, database_url, argv)
        await pass_of(api)
    assert receiver.received == []
