"""A subscription sent over HTTP (POST or GET) is a request error, 400 BAD_REQUEST saying it is
served over the websocket, where it ran as a query: "Internal server error" with a TypeError
traceback in the log. A document whose chosen operation is not the subscription runs."""

from __future__ import annotations

import logging
import urllib.parse

import pytest

from graphql_schema.app import OVER_THE_WEBSOCKET
from tests.conftest import Api

REFUSED = {"errors": [{"message": OVER_THE_WEBSOCKET, "extensions": {"code": "BAD_REQUEST"}}]}
TWO = "subscription S { storeEvents(storeId: 123) { type } } query Q { __typename }"
# name -> (method, document, operationName, the one answer)
REQUESTS = {
    "POST": ("POST", "subscription { storeEvents(storeId: 123) { type } }", None, (400, REFUSED)),
    "POST with types": ("POST", 'subscription { storeEvents(storeId: 123, types: ["order.*"]) { type } }', None, (400, REFUSED)),
    "POST with a blank type": ("POST", 'subscription { storeEvents(storeId: 123, types: [""]) { type } }', None, (400, REFUSED)),
    "GET": ("GET", "subscription { storeEvents(storeId: 123) { type } }", None, (400, REFUSED)),
    "POST, chosen by name": ("POST", TWO, "S", (400, REFUSED)),
    "GET, chosen by name": ("GET", TWO, "S", (400, REFUSED)),
    "POST, the query chosen": ("POST", TWO, "Q", (200, {"data": {"__typename": "Query"}})),
}  # fmt: skip


@pytest.mark.parametrize("name", REQUESTS, ids=list(REQUESTS))
async def test_a_subscription_over_http_is_a_request_error(api: Api, name: str, caplog) -> None:
    method, document, operation, answer = REQUESTS[name]
    given = {"query": document, **({"operationName": operation} if operation else {})}
    with caplog.at_level(logging.ERROR):
        if method == "GET":
            response = await api.client.get(f"/graphql?{urllib.parse.urlencode(given)}", headers=api.auth())
        else:
            response = await api.client.post("/graphql", json=given, headers=api.auth())
    assert (response.status_code, response.json()) == answer
    assert [record.getMessage()[:80] for record in caplog.records if record.levelno >= logging.ERROR] == []
