"""README "Why it fired or not": a shipment write lists one `shipping_notification` per
notification it records — a new shipment, a status change, a tracking change (tracking
number, URL or carrier) — each with its reason; a replay lists `unchanged`, a stale write
`stale`; and a write that records no notification lists nothing (`[]`). A re-POST that
changes only the order the shipment belongs to (`order_external_id`), its metadata or its
source `updated_at` is such a write: it is stored, records no event and answers `[]`.

One table over every field of a shipment, each changed alone on a re-POST (to another value,
or left out): the answer's status, its `automations`, the events recorded and the row."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, order_body, shipment_body

SENT_AT = "2026-05-18T12:00:00Z"
FIRST = shipment_body(updated_at=SENT_AT, metadata={"source": "wms"})
LEFT_OUT = object()  # the field is not in the re-POST's body

# name -> (the field, its value in the re-POST, the reasons listed, the events recorded, the
# stored fields that change, whether the write is stale)
CASES: dict[str, tuple[str | None, Any, list[str], list[str], dict[str, Any], bool]] = {
    "nothing: a replay": (None, None, ["unchanged"], [], {}, False),
    "order_external_id: another order of the store": (
        "order_external_id",
        "ORDER-2002",
        [],
        [],
        {"order_external_id": "ORDER-2002"},
        False,
    ),
    "tracking_number: another": (
        "tracking_number",
        "1Z999AA10123456785",
        ["fired"],
        ["shipment.tracking_updated"],
        {"tracking_number": "1Z999AA10123456785"},
        False,
    ),
    "tracking_number: left out": (
        "tracking_number",
        LEFT_OUT,
        ["fired"],
        ["shipment.tracking_updated"],
        {"tracking_number": None},
        False,
    ),
    "tracking_url: another": (
        "tracking_url",
        "https://track.example.com/other",
        ["fired"],
        ["shipment.tracking_updated"],
        {"tracking_url": "https://track.example.com/other"},
        False,
    ),
    "tracking_url: left out": (
        "tracking_url",
        LEFT_OUT,
        ["fired"],
        ["shipment.tracking_updated"],
        {"tracking_url": None},
        False,
    ),
    "carrier: another": ("carrier", "DHL", ["fired"], ["shipment.tracking_updated"], {"carrier": "DHL"}, False),
    "carrier: left out": ("carrier", LEFT_OUT, ["fired"], ["shipment.tracking_updated"], {"carrier": None}, False),
    "status: another": (
        "status",
        "delivered",
        ["fired"],
        ["shipment.status_changed"],
        {"status": "delivered"},
        False,
    ),
    # a write without a status keeps the stored one: nothing else changed, a replay
    "status: left out": ("status", LEFT_OUT, ["unchanged"], [], {}, False),
    "status: blank": ("status", "", ["unchanged"], [], {}, False),
    "metadata: another": ("metadata", {"source": "erp"}, [], [], {"metadata": {"source": "erp"}}, False),
    "metadata: left out": ("metadata", LEFT_OUT, [], [], {"metadata": {}}, False),
    "updated_at: newer": (
        "updated_at",
        "2026-05-18T13:00:00Z",
        [],
        [],
        {"source_updated_at": "2026-05-18T13:00:00+00:00"},
        False,
    ),
    "updated_at: older": ("updated_at", "2026-05-18T11:00:00Z", ["stale"], [], {}, True),
    # undated: the stored source time stays, so nothing else changed: a replay
    "updated_at: left out": ("updated_at", LEFT_OUT, ["unchanged"], [], {}, False),
}


async def _event_types(api: Api) -> list[str]:
    return [row["type"] for row in await api.rows("events")]


@pytest.mark.parametrize(("field", "value", "reasons", "events", "changes", "stale"), CASES.values(), ids=CASES.keys())
async def test_a_field_changed_alone_lists_what_it_recorded(
    api: Api, field: str | None, value: Any, reasons: list[str], events: list[str], changes: dict[str, Any], stale: bool
) -> None:
    assert (await api.post("/orders", order_body())).status_code == 201
    other_contact = {"phone": "+33698765432", "external_id": "CUST-77"}
    assert (await api.post("/orders", order_body(external_id="ORDER-2002", customer=other_contact))).status_code == 201
    assert (await api.post("/shipments", FIRST)).status_code == 201
    before = (await api.get("/shipments/SHIP-9001")).json()
    events_before = await _event_types(api)
    statuses_before = await api.rows("shipment_statuses")
    body = dict(FIRST)
    if field is not None and value is LEFT_OUT:
        del body[field]
    elif field is not None:
        body[field] = value

    response = await api.post("/shipments", body)

    assert (response.status_code, response.headers.get("kanal-stale")) == (200, "true" if stale else None)
    answer = response.json()
    subject = {"type": "shipment", "external_id": "SHIP-9001"}
    automation = "shipping_notification"
    assert answer.pop("automations") == [
        {"automation": automation, "reason": reason, "subject": subject} for reason in reasons
    ]
    after = (await api.get("/shipments/SHIP-9001")).json()
    assert answer == after
    expected = {**before, **changes}
    if "order_external_id" in changes:
        expected["order_id"] = (await api.get(f"/orders/{changes['order_external_id']}")).json()["id"]
    written = reasons not in (["unchanged"], ["stale"])
    assert {**after, "updated_at": None} == {**expected, "updated_at": None}
    assert (after["updated_at"] != before["updated_at"]) is written
    assert await _event_types(api) == events_before + events
    statuses = await api.rows("shipment_statuses")
    assert [row["status"] for row in statuses] == [row["status"] for row in statuses_before] + (
        [changes["status"]] if "status" in changes else []
    )


async def test_another_external_id_is_a_new_shipment_that_fires(api: Api) -> None:
    """The key, not a field: another external id is another shipment (201, `shipment.created`)."""
    assert (await api.post("/orders", order_body())).status_code == 201
    assert (await api.post("/shipments", FIRST)).status_code == 201
    stored = (await api.get("/shipments/SHIP-9001")).json()
    response = await api.post("/shipments", {**FIRST, "external_id": "SHIP-9002"})
    assert response.status_code == 201
    assert response.json()["automations"] == [
        {
            "automation": "shipping_notification",
            "reason": "fired",
            "subject": {"type": "shipment", "external_id": "SHIP-9002"},
        }
    ]
    assert await _event_types(api) == ["order.created", "shipment.created", "shipment.created"]
    assert (await api.get("/shipments/SHIP-9001")).json() == stored
