"""README (Strings): strings may not hold a NUL or a *lone* UTF-16 surrogate; a surrogate pair
escape (`\\ud83d\\ude00`) is one character beyond the BMP and is kept. The refused forms are in
tests/api/corpora/bodies/unsafe_strings.json."""

from __future__ import annotations

import json

from tests.conftest import Api, order_body


async def test_a_surrogate_pair_escape_is_kept_as_its_character(api: Api) -> None:
    body = json.dumps(order_body(external_id="ORDER-\U0001f600"), ensure_ascii=True)
    assert r'"ORDER-\ud83d\ude00"' in body
    response = await api.raw("POST", "/orders", body.encode(), **{"content-type": "application/json"})
    assert response.status_code == 201, response.text
    assert response.json()["external_id"] == "ORDER-\U0001f600"
    assert (await api.get("/orders/ORDER-%F0%9F%98%80")).json()["external_id"] == "ORDER-\U0001f600"
