"""README "A respelled tracking number or carrier": a re-POST that only respells the carrier
(case, whitespace, full-width or half-width forms) or the tracking number (spaces, hyphens,
case, full-width forms) is written — the new spelling
stored and answered, 200 — but tracks the same parcel: no `shipment.tracking_updated`, and the
answer lists no notification (`[]`, as a write changing only the metadata). Surrounding
whitespace of both is cut at the edge, so a respelling by it alone is a replay (`unchanged`).
A real change (other digits, another carrier, another URL, a first tracking number) fires one
`shipment.tracking_updated`; a status change in a respelling write fires its own notification.

One table, written through POST /shipments, /shipments/batch and GraphQL's createShipment: the
same service, the same answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.calls import gql
from tests.conftest import Api, order_body, shipment_body

LEFT_OUT = object()  # the field is not in the body
NUMBER = "1Z999AA10123456784"

# name -> (the first POST's changes to shipment_body(), the re-POST's, the stored fields after
# it, the reasons listed, the events the re-POST records)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[str], list[str]]] = {
    "carrier: upper case": ({}, {"carrier": "COLISSIMO"}, {"carrier": "COLISSIMO"}, [], []),
    "carrier: lower case": ({"carrier": "UPS"}, {"carrier": "ups"}, {"carrier": "ups"}, [], []),
    "carrier: inner whitespace": (
        {"carrier": "La Poste"},
        {"carrier": "la \t Poste"},
        {"carrier": "la \t Poste"},
        [],
        [],
    ),
    "carrier: surrounding whitespace": ({}, {"carrier": " Colissimo\t"}, {"carrier": "Colissimo"}, ["unchanged"], []),
    "carrier: surrounding whitespace and case": ({}, {"carrier": "  colissimo "}, {"carrier": "colissimo"}, [], []),
    "tracking_number: spaces": (
        {},
        {"tracking_number": "1Z 999 AA1 0123 456 784"},
        {"tracking_number": "1Z 999 AA1 0123 456 784"},
        [],
        [],
    ),
    "carrier: full-width letters": ({"carrier": "DHL"}, {"carrier": "ＤＨＬ"}, {"carrier": "ＤＨＬ"}, [], []),
    "carrier: half-width katakana": ({"carrier": "ヤマト運輸"}, {"carrier": "ﾔﾏﾄ運輸"}, {"carrier": "ﾔﾏﾄ運輸"}, [], []),
    "tracking_number: full-width characters": (
        {},
        {"tracking_number": "１Ｚ９９９ＡＡ１０１２３４５６７８４"},
        {"tracking_number": "１Ｚ９９９ＡＡ１０１２３４５６７８４"},
        [],
        [],
    ),
    "tracking_number: spaces gone": (
        {"tracking_number": "1Z 999 AA1 0123 456 784"},
        {"tracking_number": NUMBER},
        {"tracking_number": NUMBER},
        [],
        [],
    ),
    "tracking_number: other whitespace": (
        {},
        {"tracking_number": "1Z\u00a0999\tAA1\u20030123456784"},
        {"tracking_number": "1Z\u00a0999\tAA1\u20030123456784"},
        [],
        [],
    ),
    "tracking_number: hyphens": (
        {},
        {"tracking_number": "1Z-999-AA1-0123-456-784"},
        {"tracking_number": "1Z-999-AA1-0123-456-784"},
        [],
        [],
    ),
    "tracking_number: lower case": (
        {},
        {"tracking_number": NUMBER.lower()},
        {"tracking_number": NUMBER.lower()},
        [],
        [],
    ),
    "tracking_number: surrounding whitespace": (
        {},
        {"tracking_number": f" {NUMBER} "},
        {"tracking_number": NUMBER},
        ["unchanged"],
        [],
    ),
    "tracking_number and carrier respelled, status changed": (
        {},
        {"tracking_number": "1z 999 aa1 0123 456 784", "carrier": "COLISSIMO", "status": "delivered"},
        {"tracking_number": "1z 999 aa1 0123 456 784", "carrier": "COLISSIMO", "status": "delivered"},
        ["fired"],
        ["shipment.status_changed"],
    ),
    # real changes: one tracking notification each
    "tracking_number: other digits": (
        {},
        {"tracking_number": "1Z 999 AA1 0123 456 785"},
        {"tracking_number": "1Z 999 AA1 0123 456 785"},
        ["fired"],
        ["shipment.tracking_updated"],
    ),
    "tracking_number: a first one": (
        {"tracking_number": LEFT_OUT},
        {"tracking_number": NUMBER},
        {"tracking_number": NUMBER},
        ["fired"],
        ["shipment.tracking_updated"],
    ),
    "carrier: another": (
        {},
        {"carrier": "COLISSIMO EXPRESS"},
        {"carrier": "COLISSIMO EXPRESS"},
        ["fired"],
        ["shipment.tracking_updated"],
    ),
    "carrier: a first one": (
        {"carrier": LEFT_OUT},
        {"carrier": "Colissimo"},
        {"carrier": "Colissimo"},
        ["fired"],
        ["shipment.tracking_updated"],
    ),
    "tracking_url: its case": (
        {},
        {"tracking_url": "https://track.example.com/1z999aa10123456784"},
        {"tracking_url": "https://track.example.com/1z999aa10123456784"},
        ["fired"],
        ["shipment.tracking_updated"],
    ),
    "tracking_url: another, the number respelled": (
        {},
        {"tracking_number": NUMBER.lower(), "tracking_url": "https://track.example.com/other"},
        {"tracking_number": NUMBER.lower(), "tracking_url": "https://track.example.com/other"},
        ["fired"],
        ["shipment.tracking_updated"],
    ),
}


def _body(changes: dict[str, Any]) -> dict[str, Any]:
    body = shipment_body(**changes)
    return {name: value for name, value in body.items() if value is not LEFT_OUT}


async def _first(api: Api, first: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The order and the first shipment written: the stored shipment and the events so far."""
    assert (await api.post("/orders", order_body())).status_code == 201
    assert (await api.post("/shipments", _body(first))).status_code == 201
    return (await api.get("/shipments/SHIP-9001")).json(), await _event_types(api)


async def _event_types(api: Api) -> list[str]:
    return [row["type"] for row in await api.rows("events")]


SHOWN = ("carrier", "tracking_number", "tracking_url", "status")
Answer = tuple[int, list[dict[str, Any]], dict[str, Any]]  # HTTP status, automations, SHOWN fields


async def _post(api: Api, body: dict[str, Any]) -> Answer:
    response = await api.post("/shipments", body)
    answer = response.json()
    automations = answer.pop("automations")
    assert answer == (await api.get("/shipments/SHIP-9001")).json()
    return response.status_code, automations, {name: answer[name] for name in SHOWN}


async def _batch(api: Api, body: dict[str, Any]) -> Answer:
    response = await api.post("/shipments/batch", {"items": [body]})
    assert response.status_code == 200
    (result,) = response.json()["results"]
    shipment = (await api.get("/shipments/SHIP-9001")).json()  # a result holds no record
    return result["status"], result["automations"], {name: shipment[name] for name in SHOWN}


_CREATE_SHIPMENT = """mutation($input: ShipmentInput!) { createShipment(storeId: 123, input: $input) {
  shipment { carrier trackingNumber trackingUrl status } created
  automations { automation reason subjectType externalId } userErrors { code } } }"""
_CAMEL = {
    "external_id": "externalId",
    "order_external_id": "orderExternalId",
    "tracking_number": "trackingNumber",
    "tracking_url": "trackingUrl",
}


async def _create_shipment(api: Api, body: dict[str, Any]) -> Answer:
    variables = {"input": {_CAMEL.get(name, name): value for name, value in body.items()}}
    payload = (await gql(api, _CREATE_SHIPMENT, variables))["data"]["createShipment"]
    assert (payload["created"], payload["userErrors"]) == (False, [])
    automations = [
        {
            "automation": decision["automation"],
            "reason": decision["reason"],
            "subject": {"type": decision["subjectType"], "external_id": decision["externalId"]},
        }
        for decision in payload["automations"]
    ]
    return 200, automations, {name: payload["shipment"][_CAMEL.get(name, name)] for name in SHOWN}


WRITES = {"POST /shipments": _post, "POST /shipments/batch": _batch, "createShipment": _create_shipment}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
@pytest.mark.parametrize(("first", "again", "stored", "reasons", "events"), CASES.values(), ids=CASES.keys())
async def test_a_repost_fires_only_on_a_real_tracking_change(
    api: Api,
    write: Callable[[Api, dict[str, Any]], Awaitable[Answer]],
    first: dict[str, Any],
    again: dict[str, Any],
    stored: dict[str, Any],
    reasons: list[str],
    events: list[str],
) -> None:
    before, events_before = await _first(api, first)

    status, automations, shown = await write(api, _body({**first, **again}))

    assert status == 200
    subject = {"type": "shipment", "external_id": "SHIP-9001"}
    assert automations == [
        {"automation": "shipping_notification", "reason": reason, "subject": subject} for reason in reasons
    ]
    after = (await api.get("/shipments/SHIP-9001")).json()
    assert shown == {name: after[name] for name in SHOWN}
    assert {**after, "updated_at": None} == {**before, **stored, "updated_at": None}
    assert (after["updated_at"] != before["updated_at"]) is (reasons != ["unchanged"])  # written unless a replay
    assert await _event_types(api) == events_before + events
