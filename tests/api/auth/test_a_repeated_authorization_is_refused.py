"""`Authorization` sent more than once is refused as ambiguous, where its first line was read:
its lines are read joined by ", " (RFC 9110 §5.3, blank lines left out), as `Kanal-Backfill`
and `Content-Encoding` are, and a value naming more than one credential — on two lines, or
listed on one as a proxy that joins them sends it — is answered as a header that is not
`Bearer <key>`: 401 `{"error": "API key is missing"}` with an `invalid_request` challenge that
says why (RFC 6750 §3.1: "repeats the same parameter"), on REST, /metrics and GraphQL alike
(`UNAUTHENTICATED`), nothing written, no budget spent."""

from __future__ import annotations

from typing import Any

import pytest

from app.services import keys
from tests.conftest import STORE_ID, Api, order_body

SEVERAL_WHY = "The Authorization header must be sent once, with one key: Bearer <API key>"
SEVERAL = f'Bearer error="invalid_request", error_description="{SEVERAL_WHY}"'
REFUSED = (401, {"error": "API key is missing"}, [SEVERAL])
GOOD = "{key}"  # the fixture's key (an admin key on /metrics)

# Authorization lines ("{key}": a key that works alone) -> refused, or the key read
LINES: dict[str, tuple[tuple[str, ...], bool]] = {
    "good then unknown": ((f"Bearer {GOOD}", "Bearer kanal_sk_live_nope"), True),
    "unknown then good": (("Bearer kanal_sk_live_nope", f"Bearer {GOOD}"), True),
    "good twice": ((f"Bearer {GOOD}", f"Bearer {GOOD}"), True),
    "good then Basic": ((f"Bearer {GOOD}", "Basic YTpi"), True),
    "two on one line": ((f"Bearer {GOOD}, Bearer kanal_sk_live_nope",), True),
    "two a space apart": ((f"Bearer {GOOD} kanal_sk_live_nope",), True),
    "unknown and good a space apart": ((f"Bearer kanal_sk_live_nope {GOOD}",), True),
    "two a tab apart": ((f"Bearer {GOOD}\tkanal_sk_live_nope",), True),
    "good twice, spaces apart": ((f"Bearer   {GOOD}   {GOOD}  ",), True),
    "good, spaces around": ((f"Bearer   {GOOD}   ",), False),
    "a blank line, then good": (("", f"Bearer {GOOD}"), False),  # blank lines are left out
}


def _headers(case: str, key: str) -> list[tuple[str, str]]:
    return [("Authorization", line.replace(GOOD, key)) for line in LINES[case][0]]


def _answered(response: Any, case: str, served: int) -> None:
    """`response` is the refusal when `case` names two keys, else served with status `served`."""
    if LINES[case][1]:
        outcome = (response.status_code, response.json(), response.headers.get_list("www-authenticate"))
        assert outcome == REFUSED
        assert "x-ratelimit-limit" not in response.headers  # no budget spent
    else:
        assert response.status_code == served, response.text


@pytest.mark.parametrize("case", list(LINES))
async def test_rest(api: Api, case: str) -> None:
    headers = _headers(case, api.key)
    response = await api.client.post(f"/api/v1/stores/{STORE_ID}/orders", json=order_body(), headers=headers)
    _answered(response, case, 201)
    assert await api.count("orders") == (0 if LINES[case][1] else 1)
    read = await api.client.get(f"/api/v1/stores/{STORE_ID}/orders/ORDER-1001", headers=headers)
    _answered(read, case, 200)


@pytest.mark.parametrize("case", list(LINES))
async def test_metrics(api: Api, case: str) -> None:
    admin, _ = await keys.create_key(api.db, admin=True)
    _answered(await api.client.get("/metrics", headers=_headers(case, admin)), case, 200)


@pytest.mark.parametrize("case", list(LINES))
async def test_graphql(api: Api, case: str) -> None:
    query = 'mutation { updateOrder(storeId: 123, externalId: "ORDER-1001", input: {tags: ["x"]}) { order { tags } } }'
    assert (await api.post("/orders", order_body())).status_code == 201
    before = await api.snapshot()
    response = await api.client.post("/graphql", json={"query": query}, headers=_headers(case, api.key))
    assert response.status_code == 200
    if LINES[case][1]:
        [error] = response.json()["errors"]
        assert (error["message"], error["extensions"], error["path"]) == (
            "API key is missing",
            {"code": "UNAUTHENTICATED", "description": SEVERAL_WHY},
            ["updateOrder"],
        )
        assert "x-ratelimit-limit" not in response.headers
        assert await api.snapshot() == before
    else:
        assert response.json() == {"data": {"updateOrder": {"order": {"tags": ["x"]}}}}


# Only HTTP's whitespace (space, tab: RFC 9110 §5.6.3) separates two keys; a no-break space (a
# header's byte 0xA0, read as Latin-1) is part of the one token, as an em space is: an unknown key.
TOKENS: dict[str, str | type[keys.AuthFailure]] = {
    "Bearer k1 k2": keys.SeveralCredentials,
    "Bearer k1\tk2": keys.SeveralCredentials,
    "Bearer  k1 \t": "k1",
    "Bearer k1\u00a0k2": "k1\u00a0k2",
    "Bearer k1\u2003k2": "k1\u2003k2",
    "Bearer \u00a0k1": "\u00a0k1",
}


@pytest.mark.parametrize("header", TOKENS)
def test_only_http_whitespace_separates_two_keys(header: str) -> None:
    expected = TOKENS[header]
    if isinstance(expected, str):
        assert keys.bearer_token(header) == expected
    else:
        with pytest.raises(expected):
            keys.bearer_token(header)
