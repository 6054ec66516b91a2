"""Writing one record as a shop would, by the single POST or as the one item of a batch, and
answering alike: (status, the 422's `codes` and `errors`, or None when written). For the table
tests of README "Platform payloads", which run every case through both endpoints."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

WAYS = ("single", "batch")


async def write(api: Api, path: str, body: dict[str, Any], way: str) -> tuple[int, Any]:
    """POST `body` to `path` (`/orders`), or `{"items": [body]}` to `path/batch`: (status,
    None) when written, (422, {"codes": {field: [codes]}, "errors": {field: [messages]}}) when refused."""
    if way == "single":
        response = await api.post(path, body)
        if response.status_code == 422:
            answer = response.json()
            return 422, {"codes": answer["codes"], "errors": answer["errors"]}
        assert response.status_code in (200, 201), response.text[:500]
        return response.status_code, None
    response = await api.post(f"{path}/batch", {"items": [body]})
    assert response.status_code == 200, response.text[:500]
    (result,) = response.json()["results"]
    if result["status"] == 422:
        return 422, {"codes": result["codes"], "errors": result["errors"]}
    return result["status"], None
