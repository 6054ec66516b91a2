"""Outbox lifecycle (issue 13, README "Outbox lifecycle"): `kanal webhooks redeliver` sends one
event again, or every dead letter of a webhook since a time, to a real loopback receiver; bad
input is refused and changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.automations.delivery import Backoff
from app.automations.worker import Worker
from app.db.tables import deliveries
from app.services import stores, webhooks
from app.services.results import utcnow
from tests.api.events.test_outbox_prune import run_cli
from tests.conftest import STORE_ID, order_body
from tests.receiver import Receiver

ONCE = Backoff(base_seconds=0.0, max_attempts=1)  # a failure is dead-lettered at once


async def pass_of(api) -> None:
    worker = Worker(api.db, ONCE)
    await worker.run_once()
    await worker.aclose()


async def dead_letters(api, receiver: Receiver, count: int) -> dict:
    hook = await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["order.created"])
    for index in range(count):
        body = order_body(external_id=f"O-{index}", customer={"phone": f"+3361234{index:04d}"})
        assert (await api.post("/orders", body)).status_code == 201
    await pass_of(api)
    assert [row["status"] for row in await api.rows("deliveries")] == ["dead"] * count
    return hook


async def test_one_event_goes_out_again(api, database_url, monkeypatch):
    with Receiver(failures=2) as receiver:  # down for the first two POSTs
        await dead_letters(api, receiver, 2)
        event_id = (await api.rows("events"))[1]["event_id"]
        output = await run_cli(monkeypatch, database_url, ["webhooks", "redeliver", "--event", event_id])
        assert output == f"1 delivery of event {event_id} will go out again.\n"
        await pass_of(api)
    assert [item["event"]["id"] for item in receiver.received] == [event_id]
    rows = await api.rows("deliveries")
    assert [(row["status"], row["attempts"], row["last_error"]) for row in rows] == [
        ("dead", 1, "HTTP 500"),
        ("delivered", 1, None),
    ]


async def test_dead_letters_of_a_webhook_since_a_time_go_out_again(api, database_url, monkeypatch):
    with Receiver(failures=3) as receiver:
        hook = await dead_letters(api, receiver, 3)
        first = (await api.rows("deliveries"))[0]["id"]
        old = utcnow() - timedelta(days=3)
        await api.db.write(
            lambda conn: conn.execute(update(deliveries).where(deliveries.c.id == first).values(created_at=old))
        )
        argv = ["webhooks", "redeliver", "--webhook", str(hook["id"]), "--dead-since", "2d"]
        output = await run_cli(monkeypatch, database_url, argv)
        assert output.startswith(f"2 dead letters of webhook {hook['id']} since ")
        await pass_of(api)
    externals = [item["event"]["data"]["subject"]["external_id"] for item in receiver.received]
    assert sorted(externals) == ["O-1", "O-2"]
    assert [row["status"] for row in await api.rows("deliveries")] == ["dead", "delivered", "delivered"]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--event", "0190b4c2-0000-7000-8000-000000000000"], 1, "No event 0190b4c2-0000-7000-8000-000000000000."),
        (["--webhook", "999", "--dead-since", "1d"], 1, "No active webhook 999."),
        # options that do not go together: argument errors
        (["--webhook", "1"], 2, "Name an event (--event ID), or a webhook and a time"),
        (["--event", "x", "--dead-since", "1d"], 2, "Either --event or --dead-since, not both."),
    ],
)
async def test_bad_requests_are_refused_and_change_nothing(api, database_url, monkeypatch, capsys, argv, code, message):
    with Receiver(failures=1) as receiver:
        await dead_letters(api, receiver, 1)
        before = await api.rows("deliveries")
        with pytest.raises(SystemExit) as exit_:
            await run_cli(monkeypatch, database_url, ["webhooks", "redeliver", *argv])
    assert exit_.value.code == code
    assert message in capsys.readouterr().err
    assert await api.rows("deliveries") == before


async def test_a_time_that_is_not_one_is_refused(api, database_url, monkeypatch, capsys):
    with pytest.raises(SystemExit) as exit_:
        await run_cli(monkeypatch, database_url, ["webhooks", "redeliver", "--webhook", "1", "--dead-since", "soon"])
    assert exit_.value.code == 2
    assert "'soon' is not a time: an RFC 3339 time" in capsys.readouterr().err


async def test_a_webhook_of_another_store_is_refused_for_an_event(api, database_url, monkeypatch, capsys):
    """A webhook of store 5 never had an event of store 123: naming it is a mistake, said as
    such, not "0 deliveries"."""
    await stores.create_store(api.db, 5, "Other shop", "FR")
    with Receiver(failures=1) as receiver:
        await dead_letters(api, receiver, 1)
        other = await webhooks.add_webhook(api.db, 5, receiver.url, ["order.created"])
        event_id = (await api.rows("events"))[0]["event_id"]
        before = await api.rows("deliveries")
        argv = ["webhooks", "redeliver", "--event", event_id, "--webhook", str(other["id"])]
        with pytest.raises(SystemExit) as exit_:
            await run_cli(monkeypatch, database_url, argv)
    assert exit_.value.code == 1
    expected = f"Webhook {other['id']} is not a webhook of store {STORE_ID}, where event {event_id} happened."
    assert capsys.readouterr().err.splitlines()[-1] == f"error: {expected}"
    assert await api.rows("deliveries") == before
