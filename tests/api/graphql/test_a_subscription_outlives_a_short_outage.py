"""README "Live updates": a storeEvents subscription outlives a database that cannot serve for a
while (PostgreSQL refusing connections and ending those open, the tables an operator renamed
away and back), its key checked again meanwhile; once the database answers, it hears the events
committed since, with no error. Past OUTAGE_SECONDS it ends with DATABASE_UNAVAILABLE.

Before, the first key check the database could not answer ended it (every 5 s at most: an
outage of a few seconds ended every subscription)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from graphql_schema import subscriptions
from tests.api.calls import GraphQLSocket
from tests.conftest import Api, order_body
from tests.outages import Outage, outages, tables_renamed

DOCUMENT = 'subscription { storeEvents(storeId: 123, types: ["order.created"]) { type data } }'


TABLES = ("api_keys", "stores", "kept_versions", "events")  # what a key check and the feed read


OUTAGES = outages(TABLES)


async def _order(api: Api, external_id: str) -> None:
    assert (await api.post("/orders", order_body(external_id=external_id))).status_code == 201


def _heard(message: dict[str, Any]) -> str:
    assert message["type"] == "next" and "errors" not in message["payload"], message
    return str(message["payload"]["data"]["storeEvents"]["data"]["subject"]["external_id"])


@asynccontextmanager
async def _hearing(api: Api) -> AsyncIterator[GraphQLSocket]:
    """A socket subscribed to the store's orders, which has heard the first (`BEFORE`)."""
    socket = GraphQLSocket(api.app)
    await socket.open(f"Bearer {api.key}")
    try:
        await socket.send({"id": "1", "type": "subscribe", "payload": {"query": DOCUMENT}})
        await _order(api, "BEFORE")
        assert _heard(await socket.receive()) == "BEFORE"
        yield socket
    finally:
        await socket.close()


@pytest.mark.parametrize("outage", OUTAGES.values(), ids=list(OUTAGES))
async def test_a_subscription_hears_on_after_an_outage(
    api: Api, engine_name: str, outage: Outage, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine_name not in outage.engines:
        pytest.skip(f"an outage of {', '.join(outage.engines)}")
    monkeypatch.setattr(subscriptions, "RECHECK_SECONDS", 0.05)  # many key checks during the outage
    async with _hearing(api) as socket:
        async with outage.begin(api.db):
            await asyncio.sleep(1.5)
        await _order(api, "AFTER")
        assert _heard(await socket.receive(within=15)) == "AFTER"


async def test_a_subscription_ends_once_the_outage_lasts(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subscriptions, "RECHECK_SECONDS", 0.05)
    monkeypatch.setattr(subscriptions, "OUTAGE_SECONDS", 0.5)
    async with _hearing(api) as socket, tables_renamed(api.db, TABLES):
        ended = await socket.receive(within=15)
        assert await socket.receive(within=15) == {"id": "1", "type": "complete"}
    assert ended["payload"]["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    assert ended["payload"]["errors"][0]["path"] == ["storeEvents"]
