"""Issue 13: a request /graphql refuses before a document runs answers JSON in the shape of every
GraphQL error, `{"errors": [{"message", "extensions": {"code"}}]}`, with its HTTP status — never
text/plain; and a POST follows the content-type policy REST follows
(`app.policies.content_type`), changing nothing when refused."""

from __future__ import annotations

import gzip
import json
import urllib.parse
from typing import Any

import pytest

from tests.api.content_types import CONTENT_ENCODINGS, CONTENT_TYPES, READ, encoding_message, expected_message
from tests.conftest import Api

QUERY = json.dumps({"query": "{ store(storeId: 123) { id } }"}).encode()
MUTATION = 'mutation { deleteCustomer(storeId: 123, externalId: "CUST-42") { erasedContacts } }'


def _error(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


# case -> (method, query string or body, Content-Type, status, message, code)
TRANSPORT_ERRORS: dict[str, tuple[str, Any, str | None, int, str, str]] = {
    "bad JSON": ("POST", b"{", "application/json", 400, "Unable to parse request body as JSON", "BAD_REQUEST"),
    "not an object": ("POST", b"[1]", "application/json", 400, "Batching is not enabled", "BAD_REQUEST"),
    "a string": ("POST", b'"x"', "application/json", 400, "The request body must be a JSON object.", "BAD_REQUEST"),
    "missing query": ("POST", b"{}", "application/json", 400, "No GraphQL query found in the request", "BAD_REQUEST"),
    "query not a string": (
        "POST", b'{"query": 1}', "application/json", 400,
        "The GraphQL operation's `query` must be a string or null, if provided.", "BAD_REQUEST",
    ),
    "variables not an object": (
        "POST", b'{"query": "{ __typename }", "variables": 1}', "application/json", 400,
        "The GraphQL operation's `variables` must be an object or null, if provided.", "BAD_REQUEST",
    ),
    "GET without a query": ("GET", "", None, 400, "No GraphQL query found in the request", "BAD_REQUEST"),
    "GET with a mutation": (
        "GET", "query=" + urllib.parse.quote(MUTATION), None, 405,
        "Mutations are sent with POST: GET runs queries only.", "METHOD_NOT_ALLOWED",
    ),
    "text/plain": (
        "POST", QUERY, "text/plain", 415,
        "The request body must be JSON: send Content-Type: application/json (or a +json type); got 'text/plain'.",
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    "a form": (
        "POST", b"query=%7B__typename%7D", "application/x-www-form-urlencoded", 415,
        "The request body must be JSON: send Content-Type: application/json (or a +json type); "
        "got 'application/x-www-form-urlencoded'.",
        "UNSUPPORTED_MEDIA_TYPE",
    ),
}  # fmt: skip


async def _request(api: Api, method: str, payload: Any, content_type: str | None):
    headers = {**api.auth(), "Accept": "application/json"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if method == "GET":
        return await api.client.get(f"/graphql?{payload}", headers=headers)
    return await api.client.post("/graphql", content=payload, headers=headers)


@pytest.mark.parametrize("case", list(TRANSPORT_ERRORS))
async def test_a_request_error_is_a_graphql_error_in_json(api: Api, case: str) -> None:
    assert (await api.post("/customers", {"external_id": "CUST-42", "phone": "+33612345678"})).status_code == 201
    before = await api.snapshot()
    method, payload, content_type, status, message, code = TRANSPORT_ERRORS[case]
    response = await _request(api, method, payload, content_type)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == _error(message, code)
    if status == 405:
        assert response.headers["allow"] == "POST"
    if status == 415:
        assert response.headers["accept-post"] == "application/json"
    assert await api.snapshot() == before


@pytest.mark.parametrize("content_type", list(CONTENT_TYPES), ids=[repr(t) for t in CONTENT_TYPES])
async def test_a_post_follows_the_rest_content_type_policy(api: Api, content_type: str | None) -> None:
    response = await _request(api, "POST", QUERY, content_type)
    if CONTENT_TYPES[content_type] == READ:
        assert (response.status_code, response.json()) == (200, {"data": {"store": {"id": "123"}}})
    else:
        assert content_type is not None
        expected = _error(expected_message(content_type), "UNSUPPORTED_MEDIA_TYPE")
        assert (response.status_code, response.json()) == (415, expected)
        assert "x-ratelimit-limit" not in response.headers  # refused before any store was named


@pytest.mark.parametrize("lines", list(CONTENT_ENCODINGS), ids=[repr(lines) for lines in CONTENT_ENCODINGS])
async def test_a_post_follows_the_rest_content_encoding_policy(api: Api, lines: tuple[str, ...]) -> None:
    assert (await api.post("/customers", {"external_id": "CUST-42", "phone": "+33612345678"})).status_code == 201
    before = await api.snapshot()
    outcome = CONTENT_ENCODINGS[lines]
    body = json.dumps({"query": MUTATION}).encode()
    headers = [*api.auth().items(), ("Content-Type", "application/json")]
    headers += [("Content-Encoding", line) for line in lines]
    response = await api.client.post(
        "/graphql", content=body if outcome == READ else gzip.compress(body), headers=headers
    )
    if outcome == READ:
        assert (response.status_code, response.json()) == (200, {"data": {"deleteCustomer": {"erasedContacts": 1}}})
        return
    expected = _error(encoding_message(outcome), "UNSUPPORTED_MEDIA_TYPE")
    assert (response.status_code, response.json()) == (415, expected)
    assert response.headers["accept-encoding"] == "identity"
    assert await api.snapshot() == before


async def test_the_browser_still_gets_graphiql(api: Api) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
