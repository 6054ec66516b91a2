"""`kanal webhooks redeliver --event ID --webhook ID` (README "Outbox lifecycle"): the webhook must
be one that could have had the event, else exit status 1 with the reason, nothing changed. Two
reasons were not checked, and the command said "0 deliveries … will go out again.", exit 0: a
webhook whose patterns do not take the event's type, and one added after the event (a new
subscription receives only later events) that was given no `--since` replay of it. One added
after it with `--since`, or before it, had it: the delivery goes out again."""

from __future__ import annotations

import pytest

from app.automations.worker import Worker
from tests.api.events.outbox import FAST
from tests.api.events.test_outbox_prune import run_cli
from tests.conftest import STORE_ID, Api, order_body
from tests.receiver import Receiver

NOT_ITS_TYPE = "Webhook {webhook} takes {patterns} only, and event {event} is of type order.created."
ADDED_AFTER = (
    "Webhook {webhook} was added after event {event} happened, and it was not replayed to it: a webhook added "
    "with --since TIME receives the events since TIME."
)

# The webhook named: (its patterns, added before the order or after it, `--since` when after)
# -> the refusal (None: its delivery goes out again)
CASES: dict[str, tuple[list[str], str, str | None, str | None]] = {
    "its type, added before": (["order.created"], "before", None, None),
    "a pattern of its type, added before": (["order.*"], "before", None, None),
    "every type, added before": (["*"], "before", None, None),
    "another type, added before": (["cart.*"], "before", None, NOT_ITS_TYPE),
    "two other types, added before": (["shipment.created", "cart.abandoned"], "before", None, NOT_ITS_TYPE),
    "its type, added after": (["order.created"], "after", None, ADDED_AFTER),
    "every type, added after": (["*"], "after", None, ADDED_AFTER),
    "its type, added after with --since": (["order.created"], "after", "1d", None),
    "another type, added after with --since": (["cart.*"], "after", "1d", NOT_ITS_TYPE),
}


@pytest.mark.parametrize("case", CASES)
async def test_redelivery_to_a_webhook_that_could_have_had_it(api: Api, database_url, monkeypatch, capsys, case):
    patterns, when, since, refusal = CASES[case]
    argv = ["webhooks", "add", "--store", str(STORE_ID), "--events", *patterns]
    with Receiver() as receiver:
        # every event's delivered delivery, to one webhook taking all, then the one named
        await run_cli(monkeypatch, database_url, ["webhooks", "add", "--store", str(STORE_ID), "--url", receiver.url])
        if when == "before":
            await run_cli(monkeypatch, database_url, [*argv, "--url", receiver.url])
        assert (await api.post("/orders", order_body(external_id="O-1"))).status_code == 201
        worker = Worker(api.db, FAST)
        await worker.run_once()
        if when == "after":
            await run_cli(
                monkeypatch, database_url, [*argv, "--url", receiver.url, *(["--since", since] if since else [])]
            )
            await worker.run_once()
        await worker.aclose()
    [event] = await api.rows("events")
    named = max(row["id"] for row in await api.rows("webhooks"))
    before = await api.rows("deliveries")
    capsys.readouterr()

    command = ["webhooks", "redeliver", "--event", event["event_id"], "--webhook", str(named)]
    if refusal is None:
        assert await run_cli(monkeypatch, database_url, command) == (
            f"1 delivery of event {event['event_id']} will go out again.\n"
        )
        after = {row["id"]: row["status"] for row in await api.rows("deliveries")}
        assert [id_ for id_, status in after.items() if status == "pending"] == [
            row["id"] for row in before if row["webhook_id"] == named
        ]
        return
    with pytest.raises(SystemExit) as exit_:
        await run_cli(monkeypatch, database_url, command)
    expected = refusal.format(webhook=named, event=event["event_id"], patterns=", ".join(patterns))
    assert (exit_.value.code, capsys.readouterr().err.splitlines()[-1]) == (1, f"error: {expected}")
    assert await api.rows("deliveries") == before


BACKFILLED = (
    "Event {event} was recorded by a backfilled write (Kanal-Backfill, or kanal import without --live): it is "
    "delivered to no webhook."
)


@pytest.mark.parametrize("webhook", [True, False], ids=["--webhook", "every webhook"])
async def test_a_backfilled_event_is_refused_saying_it_is_delivered_to_none(
    api: Api, database_url, monkeypatch, capsys, webhook
):
    """It said "0 deliveries of event … will go out again.", exit 0, though it names a webhook
    that takes the event's type."""
    with Receiver() as receiver:
        await run_cli(monkeypatch, database_url, ["webhooks", "add", "--store", str(STORE_ID), "--url", receiver.url])
    headers = {**api.auth(), "Kanal-Backfill": "true"}
    answer = await api.client.post(f"/api/v1/stores/{STORE_ID}/orders", json=order_body(), headers=headers)
    assert answer.status_code == 201
    [event] = await api.rows("events")
    assert event["backfill"] is True
    [hook] = await api.rows("webhooks")
    before = await api.snapshot()
    capsys.readouterr()
    command = [
        "webhooks",
        "redeliver",
        "--event",
        event["event_id"],
        *(["--webhook", str(hook["id"])] if webhook else []),
    ]
    with pytest.raises(SystemExit) as exit_:
        await run_cli(monkeypatch, database_url, command)
    assert (exit_.value.code, capsys.readouterr().err.splitlines()[-1]) == (
        1,
        f"error: {BACKFILLED.format(event=event['event_id'])}",
    )
    assert await api.snapshot() == before


async def test_an_unknown_webhook_is_named_before_the_backfilled_event(api: Api, database_url, monkeypatch, capsys):
    headers = {**api.auth(), "Kanal-Backfill": "true"}
    answer = await api.client.post(f"/api/v1/stores/{STORE_ID}/orders", json=order_body(), headers=headers)
    assert answer.status_code == 201
    [event] = await api.rows("events")
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        await run_cli(
            monkeypatch, database_url, ["webhooks", "redeliver", "--event", event["event_id"], "--webhook", "999"]
        )
    assert (exit_.value.code, capsys.readouterr().err.splitlines()[-1]) == (1, "error: No active webhook 999.")
