"""README, "Backfill": a customer write records no event of its own, so the backfill flag (REST
header, GraphQL argument) is accepted on it, as on every write, and changes nothing — except that
the `contact.consent_changed` a customer's `whatsapp_consent` records is, like every event of a
backfill, recorded with `backfill: true` and never delivered, on each of the four ways to write
a customer."""

import pytest

from app.automations.worker import Worker
from app.services import webhooks
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID

CUSTOMER = {"external_id": "CUST-42", "phone": "+33612345678", "first_name": "Marie", "email": "m@example.com"}


async def test_a_backfilled_customer_is_stored_like_any_other(api):
    headers = {**api.auth(), "Kanal-Backfill": "true"}
    response = await api.client.post("/api/v1/stores/123/customers", json=CUSTOMER, headers=headers)
    assert response.status_code == 201 and response.json()["first_name"] == "Marie"
    mutation = """mutation { upsertCustomer(storeId: 123, backfill: true,
        input: {externalId: "CUST-42", phone: "+33612345678", firstName: "Maria"}) {
        customer { firstName } created userErrors { code } } }"""
    body = (await api.client.post("/graphql", json={"query": mutation}, headers=api.auth())).json()
    assert body == {
        "data": {"upsertCustomer": {"customer": {"firstName": "Maria"}, "created": False, "userErrors": []}}
    }
    assert await api.count("customers") == 1 and await api.count("events") == 0


CONSENTING = {**CUSTOMER, "whatsapp_consent": {"marketing": "subscribed"}}
GRAPHQL_INPUT = '{externalId: "CUST-42", phone: "+33612345678", whatsappConsent: {marketing: "subscribed"}}'


async def _rest(api, backfill: str, batch: bool) -> None:
    headers = {**api.auth(), "Kanal-Backfill": backfill}
    path, body = ("customers/batch", {"items": [CONSENTING]}) if batch else ("customers", CONSENTING)
    response = await api.client.post(f"/api/v1/stores/123/{path}", json=body, headers=headers)
    assert response.status_code == (200 if batch else 201)


async def _graphql(api, backfill: str, batch: bool) -> None:
    field = (
        f"upsertCustomers(storeId: 123, inputs: [{GRAPHQL_INPUT}]"
        if batch
        else (f"upsertCustomer(storeId: 123, input: {GRAPHQL_INPUT}")
    )
    selection = "results { userErrors { code } }" if batch else "userErrors { code }"
    mutation = f"mutation {{ {field}, backfill: {backfill}) {{ {selection} }} }}"
    body = (await api.client.post("/graphql", json={"query": mutation}, headers=api.auth())).json()
    assert "errors" not in body


@pytest.mark.parametrize(
    ("write", "batch", "backfill", "deliveries"),
    [
        (_rest, False, "true", 0),
        (_rest, True, "true", 0),
        (_graphql, False, "true", 0),
        (_graphql, True, "true", 0),
        (_rest, False, "false", 1),
        (_rest, True, "false", 1),
        (_graphql, False, "false", 1),
        (_graphql, True, "false", 1),
    ],
)
async def test_a_backfilled_consent_change_is_recorded_as_backfill_and_never_delivered(
    api, write, batch, backfill, deliveries
):
    await webhooks.add_webhook(api.db, STORE_ID, "http://127.0.0.1:9/never")
    await write(api, backfill, batch)
    [event] = await api.rows("events")
    assert (event["type"], event["backfill"]) == ("contact.consent_changed", backfill == "true")
    worker = Worker(api.db, FAST)
    tally = await worker.run_once()
    await worker.aclose()
    assert tally.dispatched == deliveries
