"""SPEC §5, §6: orders, carts and contacts expose their events, events their deliveries."""

from app.automations.worker import Worker
from app.services import webhooks
from tests.api.events.outbox import FAST, walkthrough
from tests.conftest import STORE_ID
from tests.receiver import Receiver


async def test_graphql_reads_events_and_deliveries(api):
    with Receiver(failures=1) as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, ["order.*"])
        await walkthrough(api)
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    query = """{
      events(storeId: 123, filter: {type: "order.*"}, first: 10) { totalCount edges { node {
        id type subjectType data backfill deliveries { status attempts lastStatus lastError url } } } }
      order(storeId: 123, externalId: "ORDER-1001") { events { type } }
      contact(storeId: 123, phone: "+33612345678") { events { type } }
      carts(storeId: 123) { edges { node { externalId events { type } } } }
    }"""
    response = await api.client.post("/graphql", json={"query": query}, headers=api.auth())
    data = response.json()["data"]
    nodes = [edge["node"] for edge in data["events"]["edges"]]
    assert data["events"]["totalCount"] == 2
    assert [node["type"] for node in nodes] == ["order.financial_status_changed", "order.created"]
    created = nodes[1]
    assert created["deliveries"][0]["url"] == receiver.url and created["deliveries"][0]["status"] in (
        "pending",
        "delivered",
    )
    assert [event["type"] for event in data["order"]["events"]] == ["order.created", "order.financial_status_changed"]
    assert len(data["contact"]["events"]) == 4
    assert data["carts"]["edges"][0]["node"]["events"] == [{"type": "cart.recovered"}]
