"""SPEC §7 for /graphql as for REST: a body over the limit is 413, a body that is not a JSON
object (or not UTF-8) is 400; never a 500, and nothing is stored. Each is a GraphQL error in
JSON (`graphql_schema.app.transport_error`)."""

from __future__ import annotations

import pytest

LIMIT = 1024 * 1024
OVER = b'{"query": "{ __typename }", "variables": {"big": "' + b"z" * LIMIT + b'"}}'


def _error(message: str, code: str) -> dict:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


async def _post(api, content: bytes, **headers):
    return await api.client.post(
        "/graphql", content=content, headers={**api.auth(), "Content-Type": "application/json", **headers}
    )


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        (b'"x"', 400, "The request body must be a JSON object."),
        (b"null", 400, "The request body must be a JSON object."),
        (b"5", 400, "The request body must be a JSON object."),
        (b"true", 400, "The request body must be a JSON object."),
        (b"1.5", 400, "The request body must be a JSON object."),
        (b'{"query": "{ __typename }\xff"}', 400, "The request body is not valid UTF-8."),
        (b"{", 400, "Unable to parse request body as JSON"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "The request body is nested too deeply."),
    ],
    ids=["string", "null", "number", "true", "float", "invalid utf-8", "broken", "deep"],
)
async def test_a_body_that_is_not_a_json_object_is_400(api, body, status, text):
    before = await api.snapshot()
    response = await _post(api, body)
    assert (response.status_code, response.json()) == (status, _error(text, "BAD_REQUEST"))
    assert await api.snapshot() == before


async def test_a_body_over_the_limit_is_413_before_anything_runs(api):
    before = await api.snapshot()
    response = await _post(api, OVER)
    assert (response.status_code, response.json()) == (
        413,
        _error(f"The request body is larger than {LIMIT:,} bytes.", "PAYLOAD_TOO_LARGE"),
    )
    assert await api.snapshot() == before


async def test_a_streamed_body_without_length_is_cut_at_the_limit(api):
    async def chunks():
        for start in range(0, len(OVER), 65536):
            yield OVER[start : start + 65536]

    response = await api.client.post(
        "/graphql", content=chunks(), headers={**api.auth(), "Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()) == (
        413,
        _error(f"The request body is larger than {LIMIT:,} bytes.", "PAYLOAD_TOO_LARGE"),
    )


async def test_a_mutation_just_under_the_limit_still_runs(api):
    metadata = "m" * (LIMIT - 2048)
    query = 'mutation($m: JSON) { upsertOrder(storeId: 123, input: {externalId: "O-1", placedAt: "2026-05-18T10:00:00Z", totalPrice: "1", customer: {phone: "+33612345678"}, metadata: $m}) { created } }'
    response = await api.client.post(
        "/graphql", json={"query": query, "variables": {"m": {"note": metadata}}}, headers=api.auth()
    )
    assert response.status_code == 200 and response.json()["data"]["upsertOrder"] == {"created": True}
