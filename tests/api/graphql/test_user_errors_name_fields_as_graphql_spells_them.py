"""README, "GraphQL and GraphiQL": a userError's message names its field as GraphQL's input
spells it, where REST's names it as REST's body does: in its `The … field` prefix, and where
the domain's message names a field in its own words (`graphql_schema.errors.GRAPHQL_WORDING`):
an order of the store that `orderExternalId` does not name is `No order of this store has this
externalId.`, where REST's 422 says `external_id`. Single and batch mutations alike; REST as it
was; nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, shipment_body

SHIPMENT = '{externalId: "S-1", orderExternalId: "NOPE"}'

# mutation -> (its document, the userErrors it answers)
CASES: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "createShipment": (
        f"mutation {{ createShipment(storeId: 123, input: {SHIPMENT}) {{ userErrors {{ field code message }} }} }}",
        [
            {
                "field": ["input", "orderExternalId"],
                "code": "NOT_FOUND",
                "message": "No order of this store has this externalId.",
            }
        ],
    ),
    "createShipments": (
        f"mutation {{ createShipments(storeId: 123, inputs: [{SHIPMENT}]) {{ results {{ userErrors {{ field code message }} }} }} }}",
        [
            {
                "field": ["inputs", "0", "orderExternalId"],
                "code": "NOT_FOUND",
                "message": "No order of this store has this externalId.",
            }
        ],
    ),
}


def _user_errors(payload: dict[str, Any]) -> list[dict[str, Any]]:
    return payload["results"][0]["userErrors"] if "results" in payload else payload["userErrors"]


@pytest.mark.parametrize("mutation", CASES)
async def test_the_message_names_the_field_as_graphql_does(api: Api, mutation: str):
    document, expected = CASES[mutation]
    before = await api.snapshot()
    response = await api.client.post("/graphql", json={"query": document}, headers=api.auth())
    body = response.json()
    assert "errors" not in body, body
    assert _user_errors(body["data"][mutation]) == expected
    assert await api.snapshot() == before


async def test_rest_names_it_as_its_body_does(api: Api):
    response = await api.post("/shipments", shipment_body(order_external_id="NOPE"))
    assert response.status_code == 422
    assert response.json()["errors"] == {"order_external_id": ["No order of this store has this external_id."]}
