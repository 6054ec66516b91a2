"""`kanal webhooks redeliver --event ID --webhook ID` (README "Outbox lifecycle", "Test keys"):
a webhook that could never have had the event is refused with the true reason, naming the
store by its public id. A test key's event named with a live-only webhook of its store said
"Webhook 1 is not a webhook of store -124" (the test space's internal id, and the wrong
reason), and so did one named with a webhook that takes test events, which had the event.
Every kind of event (live, test) × webhook (live-only, taking test events) × store (the
event's, another), each with the one right answer; a refusal changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.automations.worker import Worker
from app.services import keys, stores, webhooks
from tests.api.events.outbox import FAST
from tests.api.events.test_outbox_prune import run_cli
from tests.conftest import STORE_ID, Api, order_body
from tests.receiver import Receiver

OTHER_STORE = 5
LIVE_ONLY = (
    "Webhook {webhook} takes live events only, and event {event} is a test event (livemode false, caused by a "
    "test key): only a webhook added with --test-events receives test events."
)
NOT_ITS_STORE = f"Webhook {{webhook}} is not a webhook of store {STORE_ID}, where event {{event}} happened."


@dataclass(frozen=True)
class Case:
    event: str  # "live" or "test": the key that caused it
    webhook: str  # a key of WEBHOOKS
    refusal: str | None  # the error line's text after "error: ", None when it goes out again


# name -> (store, test_events)
WEBHOOKS = {
    "live-only, same store": (STORE_ID, False),
    "test-taking, same store": (STORE_ID, True),
    "live-only, other store": (OTHER_STORE, False),
    "test-taking, other store": (OTHER_STORE, True),
}

CASES = {
    "live event, live-only webhook of its store": Case("live", "live-only, same store", None),
    "live event, test-taking webhook of its store": Case("live", "test-taking, same store", None),
    "test event, live-only webhook of its store": Case("test", "live-only, same store", LIVE_ONLY),
    "test event, test-taking webhook of its store": Case("test", "test-taking, same store", None),
    "live event, live-only webhook of another store": Case("live", "live-only, other store", NOT_ITS_STORE),
    "live event, test-taking webhook of another store": Case("live", "test-taking, other store", NOT_ITS_STORE),
    "test event, live-only webhook of another store": Case("test", "live-only, other store", NOT_ITS_STORE),
    "test event, test-taking webhook of another store": Case("test", "test-taking, other store", NOT_ITS_STORE),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES)
async def test_redelivery_to_one_webhook(api: Api, database_url, monkeypatch, capsys, case: Case) -> None:
    await stores.create_store(api.db, OTHER_STORE, "Other shop", "FR")
    test_key, _ = await keys.create_key(api.db, store_id=STORE_ID, test=True)
    with Receiver() as receiver:
        hooks = {
            name: (await webhooks.add_webhook(api.db, store, receiver.url, ["order.created"], test_events=test))["id"]
            for name, (store, test) in WEBHOOKS.items()
        }
        assert (await api.post("/orders", order_body(external_id="LIVE-1"))).status_code == 201
        assert (await api.post("/orders", order_body(external_id="TEST-1"), key=test_key)).status_code == 201
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    events = {("live" if row["store_id"] >= 0 else "test"): row for row in await api.rows("events")}
    event_id, webhook_id = events[case.event]["event_id"], hooks[case.webhook]
    before = await api.rows("deliveries")
    assert len(before) == 3 and {row["status"] for row in before} == {"delivered"}  # live: 2 webhooks, test: 1

    argv = ["webhooks", "redeliver", "--event", event_id, "--webhook", str(webhook_id)]
    if case.refusal is None:
        output = await run_cli(monkeypatch, database_url, argv)
        assert output == f"1 delivery of event {event_id} will go out again.\n"
        again = [
            row["id"]
            for row in before
            if (row["event_id"], row["webhook_id"]) == (events[case.event]["id"], webhook_id)
        ]
        after = await api.rows("deliveries")
        assert [row["id"] for row in after if row["status"] == "pending"] == again
        return
    with pytest.raises(SystemExit) as exit_:
        await run_cli(monkeypatch, database_url, argv)
    expected = case.refusal.format(webhook=webhook_id, event=event_id)
    assert (exit_.value.code, capsys.readouterr().err.splitlines()[-1]) == (1, f"error: {expected}")
    assert await api.rows("deliveries") == before
