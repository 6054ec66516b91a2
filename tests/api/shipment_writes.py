"""Writing shipments through each write path, for the table tests that run every case through
all of them: POST /shipments one body at a time, POST /shipments/batch with them all,
GraphQL's createShipment one input at a time and createShipments with them all. Each asserts
every body was written (created, updated or answered as stored), and returns nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.api.calls import gql
from tests.conftest import Api

Write = Callable[[Api, list[dict[str, Any]]], Awaitable[None]]

_CAMEL = {
    "external_id": "externalId",
    "order_external_id": "orderExternalId",
    "tracking_number": "trackingNumber",
    "tracking_url": "trackingUrl",
    "updated_at": "updatedAt",
}
_CREATE_SHIPMENT = """mutation($input: ShipmentInput!) {
  createShipment(storeId: 123, input: $input) { userErrors { code } } }"""
_CREATE_SHIPMENTS = """mutation($inputs: [ShipmentInput!]!) {
  createShipments(storeId: 123, inputs: $inputs) { results { userErrors { code } } } }"""


def shipment_input(body: dict[str, Any]) -> dict[str, Any]:
    """A REST shipment body as a GraphQL ShipmentInput (the same fields, camel-cased)."""
    return {_CAMEL.get(name, name): value for name, value in body.items()}


async def _posts(api: Api, bodies: list[dict[str, Any]]) -> None:
    for body in bodies:
        assert (await api.post("/shipments", body)).status_code in (200, 201)


async def _batch(api: Api, bodies: list[dict[str, Any]]) -> None:
    response = await api.post("/shipments/batch", {"items": bodies})
    assert response.status_code == 200
    assert {result["status"] for result in response.json()["results"]} <= {200, 201}


async def _create_shipment(api: Api, bodies: list[dict[str, Any]]) -> None:
    for body in bodies:
        answer = await gql(api, _CREATE_SHIPMENT, {"input": shipment_input(body)})
        assert answer["data"]["createShipment"]["userErrors"] == [], answer


async def _create_shipments(api: Api, bodies: list[dict[str, Any]]) -> None:
    answer = await gql(api, _CREATE_SHIPMENTS, {"inputs": [shipment_input(body) for body in bodies]})
    assert [result["userErrors"] for result in answer["data"]["createShipments"]["results"]] == [[]] * len(bodies)


WRITES: dict[str, Write] = {
    "POST /shipments": _posts,
    "POST /shipments/batch": _batch,
    "createShipment": _create_shipment,
    "createShipments": _create_shipments,
}
