"""README "Batches": one result per item, in order; a failing item never loses its neighbours;
the same external_id twice is two sequential writes; a replayed batch creates and emits nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import cart_body, order_body, shipment_body

BAD_PHONE = {"phone": "not a phone"}


def _order(external_id: str, **overrides: Any) -> dict[str, Any]:
    return order_body(external_id=external_id, **overrides)


async def test_a_mix_of_valid_invalid_and_duplicate_items_gets_one_result_each(api):
    items = [
        _order("A"),
        _order("B", currency="EURO"),
        "not an object",
        _order("C"),
        _order("A", financial_status="paid"),
        {"placed_at": "2026-05-18T10:00:00Z"},
    ]
    response = await api.post("/orders/batch", {"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["index"], r["external_id"], r["status"]) for r in results] == [
        (0, "A", 201),
        (1, "B", 422),
        (2, None, 422),
        (3, "C", 201),
        (4, "A", 200),
        (5, None, 422),
    ]
    assert results[1]["codes"] == {"currency": ["invalid_currency"]}
    assert results[2]["errors"] == {"": ["An item must be a JSON object."]}
    assert "external_id" in results[5]["codes"]
    assert all("errors" not in r for r in results if r["status"] != 422)
    rows = {row["external_id"]: row for row in await api.rows("orders")}
    assert sorted(rows) == ["A", "C"]
    assert rows["A"]["financial_status"] == "paid"  # the second write of A came after the first
    names = {row["id"]: name for name, row in rows.items()}
    kinds = [(row["type"], names[row["subject_id"]]) for row in await api.rows("events")]
    assert kinds == [
        ("order.created", "A"),
        ("order.created", "C"),
        ("order.financial_status_changed", "A"),
    ]


async def test_a_replayed_batch_creates_nothing_and_emits_nothing(api):
    items = [_order(f"R-{n}", customer={"phone": f"+3361234567{n}"}) for n in range(5)]
    first = await api.post("/orders/batch", {"items": items})
    assert [r["status"] for r in first.json()["results"]] == [201] * 5
    before = await api.snapshot()
    again = await api.post("/orders/batch", {"items": items})
    assert [r["status"] for r in again.json()["results"]] == [200] * 5
    after = await api.snapshot()
    assert after["events"] == before["events"]
    assert len(after["orders"]) == 5
    assert [row["id"] for row in after["orders"]] == [row["id"] for row in before["orders"]]


async def test_a_stale_item_says_stale_and_changes_nothing(api):
    newer = _order("S", updated_at="2026-05-18T12:00:00Z", financial_status="paid")
    older = _order("S", updated_at="2026-05-18T11:00:00Z", financial_status="pending")
    response = await api.post("/orders/batch", {"items": [newer, older]})
    assert response.json()["results"] == [
        {"index": 0, "external_id": "S", "status": 201, "automations": []},
        {"index": 1, "external_id": "S", "status": 200, "stale": True, "automations": []},
    ]
    (row,) = await api.rows("orders")
    assert row["financial_status"] == "paid"


async def test_backfill_applies_to_every_item_of_the_batch(api):
    items = [_order("F-1"), _order("F-2", customer={"phone": "+33612345679"})]
    response = await api.client.post(
        "/api/v1/stores/123/orders/batch", json={"items": items}, headers={**api.auth(), "Kanal-Backfill": "true"}
    )
    assert [r["status"] for r in response.json()["results"]] == [201, 201]
    assert [row["backfill"] for row in await api.rows("events")] == [True, True]


# Each resource's batch writes its records as its single upsert does (the order written first
# was placed after the cart was abandoned: the cart arrives recovered).
RESOURCES = [
    ("carts", cart_body(), "carts", "cart.recovered"),
    ("checkouts", cart_body(), "carts", "cart.recovered"),
    ("customers", {"external_id": "CUST-7", "phone": "+33612345678"}, "customers", None),
    ("shipments", shipment_body(), "shipments", "shipment.created"),
]


@pytest.mark.parametrize(("resource", "item", "table", "event"), RESOURCES, ids=[r[0] for r in RESOURCES])
async def test_every_resource_has_a_batch(api, resource, item, table, event):
    await api.post("/orders", order_body())
    events_before = len(await api.rows("events"))
    invalid = {**item, "external_id": ["not", "an", "id"]}
    response = await api.post(f"/{resource}/batch", {"items": [item, invalid, item]})
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == [201, 422, 200]
    assert [row["external_id"] for row in await api.rows(table)] == [item["external_id"]]
    emitted = [row["type"] for row in await api.rows("events")][events_before:]
    assert emitted == ([event] if event else [])


async def test_a_shipment_of_an_unknown_order_fails_alone(api):
    await api.post("/orders", order_body())
    items = [shipment_body(external_id="S-1"), shipment_body(external_id="S-2", order_external_id="NOPE")]
    results = (await api.post("/shipments/batch", {"items": items})).json()["results"]
    assert [(r["status"], r.get("codes")) for r in results] == [
        (201, None),
        (422, {"order_external_id": ["not_found"]}),
    ]
    assert [row["external_id"] for row in await api.rows("shipments")] == ["S-1"]


async def test_an_id_named_again_past_a_transaction_is_written_after_its_first_item(api):
    """Items go 200 to a transaction (and on PostgreSQL several transactions at once): a second
    item of an external_id, far down the batch, still comes after the first."""
    items = [_order(f"P-{n}", customer={"phone": "+33612345678"}) for n in range(450)]
    items.append(_order("P-0", customer={"phone": "+33612345678"}, financial_status="refunded"))
    response = await api.post("/orders/batch", {"items": items})
    statuses = [r["status"] for r in response.json()["results"]]
    assert statuses == [201] * 450 + [200]
    rows = {row["external_id"]: row for row in await api.rows("orders")}
    assert (len(rows), rows["P-0"]["financial_status"]) == (450, "refunded")
    changed = [row for row in await api.rows("events") if row["type"] == "order.financial_status_changed"]
    assert [row["subject_id"] for row in changed] == [rows["P-0"]["id"]]


CONSENTED = {"marketing": "subscribed", "consented_at": "2026-05-18T09:00:00Z", "source": "checkout"}


@pytest.mark.parametrize(
    ("consent", "reason"),
    [(None, "no_consent"), (CONSENTED, "not_due_yet")],
    ids=["without consent", "subscribed to marketing"],
)
async def test_each_written_item_lists_its_automations_as_the_single_upsert_does(api, consent, reason):
    """README "Batches": a written item carries `automations`, the single answer's list; a
    replay of it says `unchanged`."""
    customer = {"phone": "+33612345678", **({"whatsapp_consent": consent} if consent else {})}
    single = await api.post("/carts", cart_body(external_id="CART-SINGLE", customer=customer))
    item = cart_body(external_id="CART-BATCH", customer=customer)
    results = (await api.post("/carts/batch", {"items": [item, item]})).json()["results"]
    said = single.json()["automations"]
    assert [d["reason"] for d in said] == [reason]
    subject = {"type": "cart", "external_id": "CART-BATCH"}
    assert results[0]["automations"] == [{**d, "subject": subject} for d in said]
    assert [d["reason"] for d in results[1]["automations"]] == ["unchanged"]
