"""An erasure sent as a backfill (REST's `Kanal-Backfill: true`, GraphQL's `backfill: true`)
records its `customer.erased` events as backfill: stored, never delivered (README "Backfill").
Both ways, each backfill value: the flag its events carry."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.calls import gql
from tests.conftest import Api, order_body

_DELETE = (
    'mutation($b: Boolean!) { deleteCustomer(storeId: 123, externalId: "CUST-42", backfill: $b) { erasedContacts } }'
)
_DELETE_DEFAULT = 'mutation { deleteCustomer(storeId: 123, externalId: "CUST-42") { erasedContacts } }'


async def _rest(api: Api, backfill: bool | None) -> None:
    headers = {} if backfill is None else {"Kanal-Backfill": "true" if backfill else "false"}
    response = await api.client.delete("/api/v1/stores/123/customers/CUST-42", headers={**api.auth(), **headers})
    assert response.status_code == 204


async def _graphql(api: Api, backfill: bool | None) -> None:
    if backfill is None:
        body = await gql(api, _DELETE_DEFAULT)
    else:
        body = await gql(api, _DELETE, {"b": backfill})
    assert body == {"data": {"deleteCustomer": {"erasedContacts": 1}}}


WAYS = {"REST": _rest, "GraphQL": _graphql}
# the backfill the request gives (None: none) -> the flag of its customer.erased event
BACKFILL = {"none": (None, False), "false": (False, False), "true": (True, True)}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("given", BACKFILL)
async def test_the_erasure_event_carries_the_backfill_flag(api: Api, way: str, given: str) -> None:
    sent, flag = BACKFILL[given]
    assert (await api.post("/orders", order_body())).status_code == 201
    await WAYS[way](api, sent)
    erased: list[dict[str, Any]] = [row for row in await api.rows("events") if row["type"] == "customer.erased"]
    assert [row["backfill"] for row in erased] == [flag]
