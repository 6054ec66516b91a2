"""SPEC §6: cart recovery fires for a cart still abandoned after the delay, once, to a contact
subscribed to marketing (issue 15); a purchase (whichever arrives first), a settled cart or an
erased contact cancels it."""

from datetime import UTC, datetime

import pytest

from app.automations.worker import Worker
from app.services import stores
from tests.api.events.outbox import FAST, event_types
from tests.conftest import STORE_ID, cart_body, order_body


async def test_cart_recovery_fires_once_after_the_delay(api):
    await stores.set_recovery_delay(api.db, STORE_ID, 60)
    subscribed = {"phone": "+33612345678", "first_name": "Marie", "whatsapp_consent": {"marketing": "subscribed"}}
    await api.post("/carts", cart_body(customer=subscribed))  # abandoned long ago: due now
    fresh = cart_body(external_id="FRESH", abandoned_at=datetime.now(UTC).isoformat())  # due in an hour
    assert (await api.post("/carts", fresh)).status_code == 201
    worker = Worker(api.db, FAST)
    assert (await worker.run_once()).recoveries == 1
    assert (await worker.run_once()).recoveries == 0
    await worker.aclose()
    due = [row for row in await api.rows("events") if row["type"] == "cart.recovery_due"]
    assert len(due) == 1 and due[0]["data"]["subject"]["external_id"] == "CART-7700"
    assert due[0]["data"]["contact"]["phone"] == "+33612345678"


@pytest.mark.parametrize("order_first", [True, False])
async def test_no_recovery_after_a_purchase_whichever_arrives_first(api, order_first):
    requests = [api.post("/orders", order_body()), api.post("/carts", cart_body())]
    for request in requests if order_first else reversed(requests):
        assert (await request).status_code == 201
    assert (await api.get("/carts/CART-7700")).json()["status"] == "recovered"
    worker = Worker(api.db, FAST)
    assert (await worker.run_once()).recoveries == 0
    await worker.aclose()
    types = await event_types(api)
    assert "cart.recovery_due" not in types and types.count("cart.recovered") == 1


@pytest.mark.parametrize("settle", ["completed", "expired", "recovered", "erased"])
async def test_no_recovery_for_settled_carts_or_erased_contacts(api, settle):
    customer = {"phone": "+33612345678", "external_id": "CUST-42", "whatsapp_consent": {"marketing": "subscribed"}}
    await api.post("/carts", cart_body(customer=customer))
    if settle == "erased":
        assert (await api.delete("/customers/CUST-42")).status_code == 204
    else:
        await api.patch("/carts/CART-7700", {"status": settle})
    worker = Worker(api.db, FAST)
    assert (await worker.run_once()).recoveries == 0
    await worker.aclose()
    due = [row["reason"] for row in await api.rows("events") if row["type"] == "cart.recovery_due"]
    # an erased contact's recovery is recorded with its reason, never delivered; a settled cart fires none
    assert due == (["erased"] if settle == "erased" else [])
    assert await api.count("deliveries") == 0


# A cart first sent for another phone (or abandoned later), then re-POSTed so that its contact
# had already ordered after abandoned_at: the update recovers it, as a new cart would be.
OTHER_PHONE = {"phone": "+33698765432", "first_name": "Marie"}


@pytest.mark.parametrize(
    ("first", "update", "status", "reasons"),
    [
        ({"customer": OTHER_PHONE}, {}, "recovered", ["recovered_by_order"]),
        ({"abandoned_at": "2026-05-18T11:00:00Z"}, {}, "recovered", ["recovered_by_order"]),
        ({"customer": OTHER_PHONE}, {"abandoned_at": "2026-05-18T11:00:00Z"}, "abandoned", ["no_consent"]),
    ],
    ids=["phone-of-the-buyer", "abandoned-before-the-order", "abandoned-after-the-order"],
)
async def test_an_updated_cart_is_recovered_by_an_earlier_order(api, first, update, status, reasons):
    assert (await api.post("/carts", cart_body(**first))).status_code == 201
    assert (await api.post("/orders", order_body())).status_code == 201  # placed 10:00, +33612345678
    updated = await api.post("/carts", cart_body(**update))
    assert updated.status_code == 200
    assert updated.json()["status"] == status
    assert [automation["reason"] for automation in updated.json()["automations"]] == reasons
    replayed = await api.post("/carts", cart_body(**update))
    assert (replayed.status_code, replayed.json()["status"]) == (200, status)
    assert [automation["reason"] for automation in replayed.json()["automations"]] == ["unchanged"]
    recovered = [row["data"] for row in await api.rows("events") if row["type"] == "cart.recovered"]
    if status == "recovered":
        assert [(data["before"], data["after"]["status"]) for data in recovered] == [
            ({"status": "abandoned"}, "recovered")
        ]
    else:
        assert recovered == []
