"""SPEC §6 with §3.1 as amended (README, Money): event payloads carry amounts as the money
strings REST renders, in the currency's decimals; never as JSON numbers, which would round
12345678901234.5678 and drop the 0 of 49.90. Checked where a receiver reads them: the webhook
body and GraphQL `Event.data`."""

from collections.abc import Awaitable, Callable

import pytest

from app.automations.worker import Worker
from app.domain.automations import Automation
from app.domain.rules.consent_policy import Requirement
from app.services import stores, webhooks
from tests.api.calls import gql
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, cart_body, order_body
from tests.receiver import Receiver

# (currency, total as the shop sent it) -> the one string REST, GraphQL and events carry.
TOTALS = [
    ("EUR", "49.90", "49.90"),
    ("EUR", 49.9, "49.90"),
    ("EUR", "12345678901234.56", "12345678901234.56"),
    ("EUR", "-0", "0.00"),
    (None, "12345678901234.5678", "12345678901234.5678"),
    (None, 0.125, "0.125"),
    ("JPY", 1500, "1500"),
    ("JPY", "1500.00", "1500"),
    ("KWD", "12.345", "12.345"),
    ("KWD", 12.3, "12.300"),
]

EVENT_DATA = """query($type: String!) {
  events(storeId: 123, filter: {type: $type}, first: 10) { edges { node { type data } } }
}"""


async def deliver(api, write: Callable[[], Awaitable[None]]) -> list[dict]:
    """`write` with a receiver subscribed to every event (before it: a subscription receives the
    events recorded after it), then one worker pass; the events received."""
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url)
        await write()
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    return receiver.received


async def graphql_data(api, event_type: str) -> list[dict]:
    body = await gql(api, EVENT_DATA, {"type": event_type})
    return [edge["node"]["data"] for edge in body["data"]["events"]["edges"]]


@pytest.mark.parametrize(("currency", "sent", "rendered"), TOTALS)
async def test_order_created_carries_the_total_as_rest_renders_it(api, currency, sent, rendered):
    async def write() -> None:
        response = await api.post("/orders", order_body(total_price=sent, currency=currency, line_items=[]))
        assert response.status_code == 201, response.text
        assert response.json()["total_price"] == rendered

    received = await deliver(api, write)
    assert [item["event"]["data"]["after"]["total_price"] for item in received] == [rendered]
    assert f'"total_price":"{rendered}"'.encode() in received[0]["body"]
    assert [data["after"]["total_price"] for data in await graphql_data(api, "order.created")] == [rendered]


@pytest.mark.parametrize(("currency", "sent", "rendered"), TOTALS)
async def test_cart_events_carry_the_total_as_rest_renders_it(api, currency, sent, rendered):
    await stores.set_recovery_delay(api.db, STORE_ID, 60)
    # recovery for every contact, whatever its consent (README, "WhatsApp consent")
    await stores.set_consent_policy(api.db, STORE_ID, {Automation.CART_RECOVERY: Requirement.ANY})
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url)
        body = cart_body(total_price=sent, currency=currency)
        assert (await api.post("/carts", body)).json()["total_price"] == rendered
        assert (await api.post("/carts", {**body, "external_id": "CART-2"})).status_code == 201
        worker = Worker(api.db, FAST)  # both carts are due: a cart.recovery_due each
        assert (await worker.run_once()).recoveries == 2
        assert (await api.patch("/carts/CART-2", {"status": "recovered"})).status_code == 200
        await worker.run_once()
        await worker.aclose()
    totals = sorted(
        (item["event"]["type"], item["event"]["data"]["after"].get("total_price")) for item in receiver.received
    )
    assert totals == [
        ("cart.abandoned", rendered),
        ("cart.abandoned", rendered),
        ("cart.recovered", rendered),
        ("cart.recovery_due", rendered),
        ("cart.recovery_due", rendered),
        ("cart.status_changed", None),
    ]
    for event_type in ("cart.abandoned", "cart.recovery_due", "cart.recovered"):
        assert {data["after"]["total_price"] for data in await graphql_data(api, event_type)} == {rendered}
