"""SPEC §7: a body over the limit is 413; a body that is not a JSON object is 400; unknown routes and methods answer JSON errors."""

import pytest

from tests.conftest import STORE_ID


async def test_body_over_one_mib_is_413(api):
    body = b'{"external_id": "' + b"x" * (1024 * 1024) + b'"}'
    response = await api.raw("POST", "/orders", body, **{"content-type": "application/json"})
    assert response.status_code == 413
    assert "error" in response.json()


@pytest.mark.parametrize("body", [b"{", b"not json", b"[1, 2]", b'"text"', b"null", b"", b"\xff\xfe"])
async def test_malformed_or_non_object_body_is_400(api, body):
    response = await api.raw("POST", "/orders", body)
    assert response.status_code == 400
    assert set(response.json()) == {"error"}


async def test_unknown_route_and_method_are_json_errors(api):
    assert (await api.client.get("/nowhere")).json() == {"error": "Not found"}
    response = await api.client.put(f"/api/v1/stores/{STORE_ID}/orders", headers=api.auth())
    assert (response.status_code, response.json()) == (405, {"error": "Method not allowed"})
