"""Outbox lifecycle (issue 13, README "Outbox lifecycle"): `kanal webhooks list` shows each
webhook's last success and consecutive failures; a webhook failing for the configured time is
disabled with its reason, its deliveries kept; `kanal webhooks enable` resumes it. A real
loopback receiver throughout."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.automations.delivery import Backoff
from app.automations.worker import Worker
from app.db.tables import deliveries, webhooks
from app.services import webhooks as subscriptions
from app.services.results import utcnow
from tests.api.events.test_outbox_prune import run_cli
from tests.conftest import STORE_ID, order_body
from tests.receiver import Receiver

LATER = Backoff(base_seconds=60, max_attempts=10)  # a failure is retried after this pass


async def pass_of(api) -> None:
    worker = Worker(api.db, LATER)
    await worker.run_once()
    await worker.aclose()


async def order(api, index: int) -> None:
    body = order_body(external_id=f"O-{index}", customer={"phone": f"+3361234{index:04d}"})
    assert (await api.post("/orders", body)).status_code == 201


async def due_now(api) -> None:
    """As if the retries' backoff had passed."""
    await api.db.write(lambda conn: conn.execute(update(deliveries).values(next_attempt_at=utcnow())))


async def listing(monkeypatch, database_url) -> list[str]:
    lines = (await run_cli(monkeypatch, database_url, ["webhooks", "list"])).splitlines()
    return [line.split("  ")[-1].strip() for line in lines[1:]], lines


async def test_last_success_and_consecutive_failures(api, database_url, monkeypatch):
    with Receiver(failures=2) as receiver:
        hook = await subscriptions.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
        await order(api, 1)
        await order(api, 2)
        await pass_of(api)
        row = (await api.rows("webhooks"))[0]
        assert (row["last_success_at"], row["consecutive_failures"]) == (None, 2)
        assert row["failing_since"] is not None and row["disabled_at"] is None
        _, lines = await listing(monkeypatch, database_url)
        header = ["id", "store", "url", "events", "test", "events", "created", "last", "success", "failures", "status"]
        assert lines[0].split() == header
        assert lines[1].split()[-3:] == ["never", "2", "active"]

        await due_now(api)
        await pass_of(api)
        row = (await api.rows("webhooks"))[0]
        assert row["consecutive_failures"] == 0 and row["failing_since"] is None
        assert row["last_success_at"] is not None
        _, lines = await listing(monkeypatch, database_url)
        assert lines[1].split()[-3:] == [row["last_success_at"].isoformat(timespec="seconds"), "0", "active"]
    assert len(receiver.received) == 2 and hook["id"] == row["id"]


async def test_a_webhook_failing_too_long_is_disabled_then_enabled(api, database_url, monkeypatch):
    with Receiver(failures=2) as receiver:
        hook = await subscriptions.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
        await order(api, 1)
        await pass_of(api)  # fails: failing since now
        long_ago = utcnow() - timedelta(days=3, minutes=1)
        await api.db.write(lambda conn: conn.execute(update(webhooks).values(failing_since=long_ago)))
        await order(api, 2)
        await pass_of(api)  # fails again, three days after the first failure: disabled
        row = (await api.rows("webhooks"))[0]
        assert row["disabled_at"] is not None
        assert row["disabled_reason"] == f"Failing since {long_ago.isoformat(timespec='seconds')}: HTTP 500"
        statuses, _ = await listing(monkeypatch, database_url)
        assert statuses == [f"disabled: {row['disabled_reason']}"]

        await order(api, 3)
        await due_now(api)
        await pass_of(api)  # disabled: nothing is sent, every delivery waits
        assert receiver.received == []
        assert [row["status"] for row in await api.rows("deliveries")] == ["pending"] * 3

        output = await run_cli(monkeypatch, database_url, ["webhooks", "enable", str(hook["id"])])
        assert output == f"Webhook {hook['id']} enabled; 3 pending deliveries are due now.\n"
        await pass_of(api)
    assert sorted(item["event"]["data"]["subject"]["external_id"] for item in receiver.received) == [
        "O-1",
        "O-2",
        "O-3",
    ]
    row = (await api.rows("webhooks"))[0]
    assert (row["disabled_at"], row["disabled_reason"], row["consecutive_failures"]) == (None, None, 0)


async def test_enabling_an_unknown_webhook_is_refused(api, database_url, monkeypatch, capsys):
    with pytest.raises(SystemExit) as exit_:
        await run_cli(monkeypatch, database_url, ["webhooks", "enable", "999"])
    assert exit_.value.code == 1
    assert "No active webhook 999." in capsys.readouterr().err


async def test_a_disabled_webhook_removed_has_its_deliveries_cancelled_and_its_events_pruned(api, database_url):
    """Its pending deliveries stayed pending for good (a disabled webhook's are never claimed),
    and they and its dead letters (which cannot be re-driven once it is removed) kept their
    events from `kanal events prune` for good."""
    from app.automations import retention

    with Receiver(failures=10) as receiver:
        hook = await subscriptions.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
        await order(api, 1)
        await pass_of(api)  # fails, and is retried later
        await order(api, 2)
        await pass_of(api)
        await api.db.write(
            lambda conn: conn.execute(update(deliveries).where(deliveries.c.id == 1).values(status="dead"))
        )
        await api.db.write(lambda conn: conn.execute(update(webhooks).values(disabled_at=utcnow())))
        await order(api, 3)
        await pass_of(api)
        assert [row["status"] for row in await api.rows("deliveries")] == ["dead", "pending", "pending"]
        await subscriptions.remove_webhook(api.db, hook["id"])
        await due_now(api)
        await pass_of(api)
        sent = len(receiver.received)
    assert [row["status"] for row in await api.rows("deliveries")] == ["dead", "cancelled", "cancelled"]
    assert sent == 0  # every attempt answered 500, and none was made once it was removed
    assert await retention.prune(api.db, utcnow() + timedelta(seconds=1)) == 3
    assert await api.rows("events") == []
    assert await api.rows("deliveries") == []


async def test_a_removed_webhooks_dead_letter_alone_no_longer_keeps_its_event(api):
    from app.automations import retention

    with Receiver(failures=10) as receiver:
        hook = await subscriptions.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
        other = await subscriptions.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
        await order(api, 1)
        await pass_of(api)
    dead = update(deliveries).values(status="dead")
    await api.db.write(lambda conn: conn.execute(dead))
    assert await retention.prune(api.db, utcnow() + timedelta(seconds=1)) == 0  # both can be re-driven
    await subscriptions.remove_webhook(api.db, hook["id"])
    assert await retention.prune(api.db, utcnow() + timedelta(seconds=1)) == 0  # the other's still can
    await subscriptions.remove_webhook(api.db, other["id"])
    assert await retention.prune(api.db, utcnow() + timedelta(seconds=1)) == 1


# attempts failed -> the wait before the next, within ±20% of base doubling, never past 6 h
# (a wait past it 80% to 100% of it: every capped wait was 6 h to the second)
@pytest.mark.parametrize("attempts", [1, 2, 5, 10, 11, 12, 13, 14, 30, 1000])
def test_a_retry_never_waits_past_six_hours(attempts):
    backoff = Backoff(base_seconds=15, max_attempts=1000)
    waits = [backoff.delay(attempts).total_seconds() for _ in range(2000)]
    doubled = 15 * 2 ** (attempts - 1)
    assert max(waits) <= 6 * 3600
    assert min(waits) >= min(0.8 * doubled, 0.8 * 6 * 3600) - 1e-6
    if 1.2 * doubled <= 6 * 3600:
        assert max(waits) <= 1.2 * doubled + 1e-6
    assert len(set(waits)) > 1000  # jittered at the cap too: deliveries failed together come back apart
