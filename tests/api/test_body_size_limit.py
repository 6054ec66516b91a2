"""SPEC §7: a body larger than the limit (1 MiB by default) is 413 `{"error": …}` and changes
nothing, also when it comes without a Content-Length; a valid body just under it is accepted.
The limit on bodies that declare their length is in tests/api/corpora/bodies/too_large.json."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from tests.conftest import STORE_ID, Api, order_body

MiB = 1024 * 1024


async def test_body_streamed_without_content_length_is_cut_at_the_limit(shop: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"external_id": "'
        for _ in range(40):
            yield b"x" * 64 * 1024  # 2.5 MiB in all, no Content-Length header
        yield b'"}'

    before = await shop.snapshot()
    response = await shop.client.post(f"/api/v1/stores/{STORE_ID}/orders", content=chunks(), headers=shop.auth())
    assert "content-length" not in response.request.headers
    assert (response.status_code, response.json()) == (
        413,
        {"error": "The request body is larger than 1,048,576 bytes."},
    )
    assert await shop.snapshot() == before


async def test_valid_body_just_under_the_limit_is_accepted(api: Api) -> None:
    empty = json.dumps(order_body(external_id="ORDER-BIG", metadata={"blob": ""}))
    body = json.dumps(order_body(external_id="ORDER-BIG", metadata={"blob": "b" * (MiB - 64 - len(empty))})).encode()
    assert len(body) == MiB - 64
    response = await api.raw("POST", "/orders", body, **{"content-type": "application/json"})
    assert response.status_code == 201, response.text[:500]
    assert response.json()["metadata"] == {"blob": "b" * (MiB - 64 - len(empty))}
