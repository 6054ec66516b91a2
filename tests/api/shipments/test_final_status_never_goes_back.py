"""A shipment never goes back from a final status (README, "Stale and out-of-order writes"):
every stored status × every written status (or none) × with or without a strictly newer
`updated_at`. `delivered` and `returned` are final; a later write with an earlier status
(`pending`, `in_transit`, `failed`) keeps the final status, applies the rest and fires
nothing, unless its `updated_at` is strictly newer. A write with no status (null, blank or left
out) keeps any stored status and notifies only its tracking change. Any other move is written
and notifies."""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import Api, order_body, shipment_body

STATUSES = ("pending", "in_transit", "delivered", "failed", "returned")
FINAL = ("delivered", "returned")
STORED_AT, NEWER = "2026-05-18T12:00:00Z", "2026-05-18T12:00:01Z"


def outcome(stored: str, sent: str | None, newer: bool) -> tuple[str | None, list[str]]:
    """The status stored after the write (which also changes the carrier), and its events."""
    if sent is None:
        return stored, ["shipment.tracking_updated"]  # no status given: it stays
    if stored in FINAL and sent not in FINAL and not newer:
        return stored, []  # the status stays, the carrier is applied, nothing fires
    status_changed = [] if sent == stored else ["shipment.status_changed"]
    return sent, [*status_changed, "shipment.tracking_updated"]


@pytest.mark.parametrize(
    ("stored", "sent", "newer"), list(itertools.product(STATUSES, (*STATUSES, None), (False, True)))
)
async def test_status_matrix(api: Api, stored: str, sent: str | None, newer: bool) -> None:
    await api.post("/orders", order_body())
    first = await api.post("/shipments", shipment_body(status=stored, updated_at=STORED_AT))
    assert first.status_code == 201
    events_before = len(await api.rows("events"))
    body = shipment_body(status=sent, carrier="La Poste")  # the rest of the write: a new carrier
    if newer:
        body["updated_at"] = NEWER
    response = await api.post("/shipments", body)
    status, events = outcome(stored, sent, newer)
    assert response.status_code == 200
    assert "kanal-stale" not in response.headers
    assert (response.json()["status"], response.json()["carrier"]) == (status, "La Poste")
    (row,) = await api.rows("shipments")
    assert (row["status"], row["carrier"]) == (status, "La Poste")
    assert [row["type"] for row in (await api.rows("events"))[events_before:]] == events


async def test_a_late_in_transit_after_delivered_sends_no_second_notification(api: Api) -> None:
    """The issue's case, undated as most shops send it."""
    await api.post("/orders", order_body())
    await api.post("/shipments", shipment_body(status="in_transit"))
    await api.post("/shipments", shipment_body(status="delivered"))
    late = await api.post("/shipments", shipment_body(status="in_transit"))
    assert (late.status_code, late.json()["status"]) == (200, "delivered")
    shipment_events = [row["type"] for row in await api.rows("events") if row["subject_type"] == "shipment"]
    assert shipment_events == ["shipment.created", "shipment.status_changed"]


NO_STATUS = {"null": None, "empty": "", "blank": " \t", "left out": ...}


@pytest.mark.parametrize("sent", NO_STATUS.values(), ids=NO_STATUS.keys())
@pytest.mark.parametrize("stored", STATUSES)
async def test_a_write_without_a_status_keeps_the_stored_one(api: Api, stored: str, sent: object) -> None:
    """Platforms relay tracking updates without the status: the tracking number changes and
    notifies, the status is never cleared to null."""
    await api.post("/orders", order_body())
    assert (await api.post("/shipments", shipment_body(status=stored))).status_code == 201
    events_before = len(await api.rows("events"))
    body = shipment_body(status=sent, tracking_number="1Z999AA10123456799")
    if sent is ...:
        del body["status"]
    response = await api.post("/shipments", body)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["tracking_number"]) == (stored, "1Z999AA10123456799")
    (row,) = await api.rows("shipments")
    assert (row["status"], row["tracking_number"]) == (stored, "1Z999AA10123456799")
    new_events = (await api.rows("events"))[events_before:]
    assert [(event["type"], event["data"]["after"]["status"]) for event in new_events] == [
        ("shipment.tracking_updated", stored)
    ]


async def test_a_new_shipment_without_a_status_has_none(api: Api) -> None:
    await api.post("/orders", order_body())
    response = await api.post("/shipments", shipment_body(status=""))
    assert (response.status_code, response.json()["status"]) == (201, None)


@pytest.mark.parametrize(
    ("stored", "sent", "carrier"),
    list(itertools.product(FINAL, ("pending", "in_transit", "failed"), ("Colissimo", "La Poste"))),
)
async def test_a_status_kept_from_going_back_is_answered_stale(api: Api, stored: str, sent: str, carrier: str) -> None:
    """The answer's shipping notification is `stale` (README's reasons: "a shipment status going
    back from delivered / returned: the status kept"), whether the write changed another field
    (La Poste) or nothing else (Colissimo, the stored carrier): it said `unchanged` then."""
    await api.post("/orders", order_body())
    assert (await api.post("/shipments", shipment_body(status=stored))).status_code == 201
    response = await api.post("/shipments", shipment_body(status=sent, carrier=carrier))
    assert (response.status_code, response.json()["status"]) == (200, stored)
    assert [(item["automation"], item["reason"]) for item in response.json()["automations"]] == [
        ("shipping_notification", "stale")
    ]
    replay = await api.post("/shipments", shipment_body(status=stored, carrier=carrier))
    assert [item["reason"] for item in replay.json()["automations"]] == ["unchanged"]
