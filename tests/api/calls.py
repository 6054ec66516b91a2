"""Calls the `Api` fixture (tests/conftest.py) does not make itself: GraphQL, and external ids
as path segments."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from tests.conftest import Api


async def gql(api: Api, query: str, variables: dict[str, Any] | None = None, key: str | None = None) -> dict[str, Any]:
    """POST /graphql with the fixture's key (or `key`); asserts HTTP 200 and returns the body.
    Sent as ASCII-escaped JSON, so that a lone surrogate (a valid JSON escape, not valid UTF-8)
    reaches the server as a shop's client would send it."""
    content = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {**api.auth(key), "Content-Type": "application/json"}
    response = await api.client.post("/graphql", content=content, headers=headers)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def quoted(external_id: str) -> str:
    """An external id as one path segment (every reserved character percent-encoded)."""
    return urllib.parse.quote(external_id, safe="")
