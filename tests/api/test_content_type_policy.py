"""Issue 13: the documented content-type policy (`app.policies.content_type`): a body declared as
application/json, an application/…+json type or not declared at all is read as JSON; any other
type is 415 before the body is read, says why, names the accepted type (Accept-Post /
Accept-Patch) and changes nothing."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.api.content_types import (
    CONTENT_ENCODINGS,
    CONTENT_TYPES,
    NOT_JSON,
    READ,
    encoding_message,
    expected_message,
)
from tests.conftest import STORE_ID, Api, order_body

# every route that reads a body: (method, path, body, status when read)
WRITES = [
    ("POST", "/orders", order_body(), 201),
    ("PATCH", "/orders/ORDER-1001", {"financial_status": "paid"}, 200),
    ("POST", "/shipments", {"external_id": "S-1", "order_external_id": "ORDER-1001"}, 201),
    ("POST", "/carts", {"external_id": "C-1", "abandoned_at": "2026-05-18T09:40:00Z", "total_price": 1,
                        "customer": {"phone": "+33612345678"}}, 201),
    ("PATCH", "/carts/C-0", {"status": "expired"}, 200),
    ("POST", "/checkouts", {"external_id": "C-2", "abandoned_at": "2026-05-18T09:40:00Z", "total_price": 1,
                            "customer": {"phone": "+33612345678"}}, 201),
    ("PATCH", "/checkouts/C-0", {"status": "expired"}, 200),
    ("POST", "/customers", {"external_id": "CUST-9", "phone": "+33698765432"}, 201),
    ("POST", "/orders/batch", {"items": [order_body(external_id="B-1")]}, 200),
    ("POST", "/shipments/batch", {"items": [{"external_id": "S-2", "order_external_id": "ORDER-1001"}]}, 200),
    ("POST", "/carts/batch", {"items": [{"external_id": "C-3", "abandoned_at": "2026-05-18T09:40:00Z",
                                         "total_price": 1, "customer": {"phone": "+33612345678"}}]}, 200),
    ("POST", "/checkouts/batch", {"items": [{"external_id": "C-4", "abandoned_at": "2026-05-18T09:40:00Z",
                                             "total_price": 1, "customer": {"phone": "+33612345678"}}]}, 200),
    ("POST", "/customers/batch", {"items": [{"external_id": "CUST-8", "phone": "+33698765432"}]}, 200),
]  # fmt: skip


async def _send(api: Api, method: str, path: str, body: object, content_type: str | None):
    headers = api.auth()
    if content_type is not None:
        headers["Content-Type"] = content_type
    return await api.client.request(
        method, f"/api/v1/stores/{STORE_ID}{path}", content=json.dumps(body).encode(), headers=headers
    )


@pytest.mark.parametrize("content_type", list(CONTENT_TYPES), ids=[repr(t) for t in CONTENT_TYPES])
async def test_a_post_is_read_or_refused_by_its_declared_type(api: Api, content_type: str | None) -> None:
    response = await _send(api, "POST", "/orders", order_body(), content_type)
    if CONTENT_TYPES[content_type] == READ:
        assert (response.status_code, response.json()["external_id"]) == (201, "ORDER-1001")
        assert await api.count("orders") == 1
        return
    assert content_type is not None
    assert (response.status_code, response.json()) == (415, {"error": expected_message(content_type)})
    assert response.headers["accept-post"] == "application/json"
    assert "x-ratelimit-limit" in response.headers  # refused after auth: the request counted
    assert await api.count("orders") == 0


@pytest.mark.parametrize(("method", "path", "body", "status"), WRITES, ids=[f"{m} {p}" for m, p, _, _ in WRITES])
@pytest.mark.parametrize("content_type", ["application/json", None, "text/plain", "application/merge-patch+json"])
async def test_every_write_follows_the_policy(
    api: Api, method: str, path: str, body: object, status: int, content_type: str | None
) -> None:
    if path != "/orders":
        assert (await api.post("/orders", order_body())).status_code == 201
    cart = {"external_id": "C-0", "abandoned_at": "2026-05-18T09:40:00Z", "total_price": 1,
            "customer": {"phone": "+33611111111"}}  # fmt: skip
    assert (await api.post("/carts", cart)).status_code == 201
    before = await api.snapshot()
    response = await _send(api, method, path, body, content_type)
    if content_type == "text/plain":
        assert (response.status_code, response.json()) == (415, {"error": NOT_JSON.format("text/plain")})
        assert response.headers[f"accept-{method.lower()}"] == "application/json"
        assert await api.snapshot() == before
    else:
        assert response.status_code == status, response.text[:300]
        if path.endswith("/batch"):
            assert [result["status"] for result in response.json()["results"]] == [201]


async def test_the_type_is_checked_before_the_size(api: Api) -> None:
    """Refused unread: a body over the limit declared as text/plain is 415, not 413."""
    headers = {**api.auth(), "Content-Type": "text/plain"}
    big = b"x" * (1024 * 1024 + 1)
    response = await api.client.post(f"/api/v1/stores/{STORE_ID}/orders", content=big, headers=headers)
    assert response.status_code == 415


async def test_the_auth_checks_come_first(api: Api) -> None:
    headers = {"Content-Type": "text/plain"}
    response = await api.client.post(f"/api/v1/stores/{STORE_ID}/orders", content=b"{}", headers=headers)
    assert (response.status_code, response.json()) == (401, {"error": "API key is missing"})


async def test_reads_take_no_body_and_ignore_the_type(api: Api) -> None:
    assert (await api.post("/orders", order_body())).status_code == 201
    headers = {**api.auth(), "Content-Type": "text/plain"}
    response = await api.client.get(f"/api/v1/stores/{STORE_ID}/orders/ORDER-1001", headers=headers)
    assert response.status_code == 200
    response = await api.client.delete(f"/api/v1/stores/{STORE_ID}/customers/NOPE", headers=headers)
    assert response.status_code == 204


@pytest.mark.parametrize("lines", list(CONTENT_ENCODINGS), ids=[repr(lines) for lines in CONTENT_ENCODINGS])
async def test_a_post_is_read_or_refused_by_its_content_encoding(api: Api, lines: tuple[str, ...]) -> None:
    """A compressed body is refused unread with 415 naming the coding, not reported as text that
    is not UTF-8; no coding or `identity` is read."""
    outcome = CONTENT_ENCODINGS[lines]
    body = json.dumps(order_body()).encode()
    headers = [*api.auth().items(), ("Content-Type", "application/json")]
    headers += [("Content-Encoding", line) for line in lines]
    url = f"/api/v1/stores/{STORE_ID}/orders"
    response = await api.client.post(url, content=body if outcome == READ else gzip.compress(body), headers=headers)
    if outcome == READ:
        assert (response.status_code, response.json()["external_id"]) == (201, "ORDER-1001")
        assert await api.count("orders") == 1
        return
    assert (response.status_code, response.json()) == (415, {"error": encoding_message(outcome)})
    assert response.headers["accept-encoding"] == "identity"
    assert await api.count("orders") == 0


@pytest.mark.parametrize(("method", "path", "body", "status"), WRITES, ids=[f"{m} {p}" for m, p, _, _ in WRITES])
async def test_every_write_refuses_a_compressed_body(
    api: Api, method: str, path: str, body: object, status: int
) -> None:
    assert (await api.post("/orders", order_body())).status_code == 201
    before = await api.snapshot()
    headers = {**api.auth(), "Content-Type": "application/json", "Content-Encoding": "gzip"}
    response = await api.client.request(
        method, f"/api/v1/stores/{STORE_ID}{path}", content=gzip.compress(json.dumps(body).encode()), headers=headers
    )
    assert (response.status_code, response.json()) == (415, {"error": encoding_message("gzip")})
    assert response.headers["accept-encoding"] == "identity"
    assert await api.snapshot() == before
