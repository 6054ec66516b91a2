"""`kanal webhooks redeliver --event` sends again only the deliveries a claim would send
(README "Outbox lifecycle"): a removed webhook's delivery, counted and made pending again, was
then cancelled at its claim, its history (`delivered`, one attempt) rewritten as `cancelled`
with no attempt; so was every delivery of a message its contact's consent no longer allows, or
whose contact was erased, while the command said they would go out again. Those are left as
they are: counted out, or, when nothing of the event may go out, the command is refused saying
why. A message suppressed when it was recorded (`no_consent`) has no delivery: refused saying
so, where it said "0 deliveries … will go out again", exit 0. Real worker, real receiver."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from app.automations import redelivery
from app.services import webhooks
from app.services.stores import StoreError
from tests.api.consent.consent import consent, customer
from tests.api.events.test_redelivery import pass_of
from tests.conftest import STORE_ID, Api, order_body, shipment_body
from tests.receiver import Receiver

LATER = "2026-06-01T00:00:00Z"


async def _nothing(api: Api, second: int) -> None:
    pass


async def _webhook_removed(api: Api, second: int) -> None:
    await webhooks.remove_webhook(api.db, second)


async def _consent_withdrawn(api: Api, second: int) -> None:
    body = customer(consent(utility="unsubscribed", at=LATER))
    assert (await api.post("/customers", body)).status_code == 201


async def _erased(api: Api, second: int) -> None:
    assert (await api.delete("/customers/CUST-42")).status_code == 204


# what happened since the message went out to both webhooks -> the deliveries made pending again
# (webhook order: first, second), or the refusal's end
STOPS: dict[str, tuple[Callable[[Api, int], Awaitable[None]], Any]] = {
    "nothing": (_nothing, ["pending", "pending"]),
    "the second webhook removed": (_webhook_removed, ["pending", "delivered"]),
    "the contact's consent withdrawn": (
        _consent_withdrawn,
        "would go out to no webhook again: the contact's consent no longer allows the message (no_consent).",
    ),
    "the contact erased": (_erased, "would go out to no webhook again: the contact was erased (erased)."),
}


async def _shipped(api: Api, receiver: Receiver, utility: str | None = None) -> tuple[str, list[int]]:
    hooks = [await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["shipment.created"]) for _ in range(2)]
    given = consent(utility=utility, at="2026-05-01T00:00:00Z") if utility else None
    assert (await api.post("/orders", order_body(customer=customer(given)))).status_code == 201
    assert (await api.post("/shipments", shipment_body())).status_code == 201
    await pass_of(api)
    (event,) = [row for row in await api.rows("events") if row["type"] == "shipment.created"]
    return event["event_id"], [hook["id"] for hook in hooks]


async def _deliveries(api: Api) -> list[tuple[str, int]]:
    return [(row["status"], row["attempts"]) for row in await api.rows("deliveries")]


@pytest.mark.parametrize("to_one", [False, True], ids=["--event", "--event --webhook (the second)"])
@pytest.mark.parametrize("stop", list(STOPS))
async def test_a_redelivery_leaves_what_may_not_go_out(api: Api, stop: str, to_one: bool) -> None:
    stopping, expected = STOPS[stop]
    with Receiver() as receiver:
        event_id, (first, second) = await _shipped(api, receiver)
        assert await _deliveries(api) == [("delivered", 1), ("delivered", 1)]
        await stopping(api, second)
        webhook = second if to_one else None
        if stop == "the second webhook removed" and to_one:
            expected = f"No active webhook {second}."
        if isinstance(expected, list) and to_one:
            expected = ["delivered", "pending"]
        before = await _deliveries(api)
        redeliver = redelivery.redeliver_event
        if isinstance(expected, str):
            with pytest.raises(StoreError) as refused:
                await api.db.write(redeliver, event_id, webhook, datetime.now(UTC))
            assert str(refused.value).endswith(expected)
            assert await _deliveries(api) == before
        else:
            count = await api.db.write(redeliver, event_id, webhook, datetime.now(UTC))
            assert count == expected.count("pending")
            assert [status for status, _ in await _deliveries(api)] == expected


async def test_a_message_suppressed_when_recorded_is_refused(api: Api) -> None:
    with Receiver() as receiver:
        event_id, _ = await _shipped(api, receiver, utility="unsubscribed")
    assert await _deliveries(api) == []
    with pytest.raises(StoreError) as refused:
        await api.db.write(redelivery.redeliver_event, event_id, None, datetime.now(UTC))
    said = f"Event {event_id} is a message suppressed when it was recorded (no_consent): it is delivered to no webhook."
    assert str(refused.value) == said
