"""SPEC §2: the four refusals, in their order, say the same thing to REST and GraphQL
(`app.policies.access`): REST `{"error": message}` with its status, GraphQL a top-level error
with the same message and code UNAUTHENTICATED or FORBIDDEN; where REST's `WWW-Authenticate`
says why (`error_description`: a header that is not `Bearer <key>`, two keys, a key unknown or
revoked), GraphQL's `extensions.description` says it in the same words. Before, GraphQL said
"API key is missing" to a client that had sent a key, and no more."""

import pytest

from app.policies import access
from app.services import keys, stores
from tests.conftest import STORE_ID, order_body

NOT_BEARER = "The Authorization header must be: Bearer <API key>"
SEVERAL = "The Authorization header must be sent once, with one key: Bearer <API key>"
UNKNOWN = "The API key is unknown or revoked"
PLACEHOLDER = "The Authorization header holds a placeholder in angle brackets: put your API key in its place"
# a placeholder sent as it stands: GraphiQL's Headers tab's, the README's, others'
PLACEHOLDERS = ["<your key>", "<API key>", "<key>", "<>", " <kanal_sk_live_...> "]

# situation -> (REST status, message, GraphQL code, why: error_description and extensions.description)
REFUSALS = {
    "no key": (401, "API key is missing", "UNAUTHENTICATED", None),
    "not bearer": (401, "API key is missing", "UNAUTHENTICATED", NOT_BEARER),
    "two keys": (401, "API key is missing", "UNAUTHENTICATED", SEVERAL),
    **{f"placeholder {p!r}": (401, "API key is missing", "UNAUTHENTICATED", PLACEHOLDER) for p in PLACEHOLDERS},
    "unknown key": (401, "Invalid API key", "UNAUTHENTICATED", UNKNOWN),
    "revoked key": (401, "Invalid API key", "UNAUTHENTICATED", UNKNOWN),
    "unknown store": (404, "Store not found or paused", "FORBIDDEN", None),
    "paused store": (404, "Store not found or paused", "FORBIDDEN", None),
    "another store's key": (403, "API key does not authorize this store", "FORBIDDEN", None),
    # several checks fail: the first in SPEC §2's order answers
    "unknown key, unknown store": (401, "Invalid API key", "UNAUTHENTICATED", UNKNOWN),
    "another store's key, paused store": (404, "Store not found or paused", "FORBIDDEN", None),
}


async def _situation(api, situation: str) -> tuple[dict[str, str] | list[tuple[str, str]], int]:
    """The headers and store id of a request in `situation`."""
    await stores.create_store(api.db, 456, "Other", "DE")
    other, _ = await keys.create_key(api.db, store_id=456)
    revoked, _ = await keys.create_key(api.db, store_id=STORE_ID)
    await keys.revoke_key(api.db, revoked)
    if "paused" in situation:
        await stores.pause(api.db, STORE_ID)
    bearer = {
        "no key": {},
        "not bearer": {"Authorization": f"Basic {api.key}"},
        "two keys": [("Authorization", f"Bearer {api.key}"), ("Authorization", f"Bearer {other}")],
        "unknown key": {"Authorization": "Bearer kanal_sk_live_nope"},
        "unknown key, unknown store": {"Authorization": "Bearer kanal_sk_live_nope"},
        "revoked key": {"Authorization": f"Bearer {revoked}"},
        "another store's key": {"Authorization": f"Bearer {other}"},
        "another store's key, paused store": {"Authorization": f"Bearer {other}"},
        **{f"placeholder {p!r}": {"Authorization": f"Bearer {p}"} for p in PLACEHOLDERS},
    }.get(situation, api.auth())
    return bearer, 999 if "unknown store" in situation else STORE_ID


@pytest.mark.parametrize("situation", list(REFUSALS))
async def test_rest_and_graphql_refuse_alike(api, situation):
    status, message, code, why = REFUSALS[situation]
    headers, store = await _situation(api, situation)
    rest = await api.client.post(f"/api/v1/stores/{store}/orders", json=order_body(), headers=headers)
    assert (rest.status_code, rest.json()) == (status, {"error": message})
    challenge = rest.headers.get("www-authenticate", "")
    assert (f'error_description="{why}"' in challenge) if why else ("error_description" not in challenge)
    query = f'mutation {{ updateOrder(storeId: {store}, externalId: "X", input: {{tags: []}}) {{ userErrors {{ code }} }} }}'
    graphql = await api.client.post("/graphql", json={"query": query}, headers=headers)
    assert graphql.status_code == 200
    [error] = graphql.json()["errors"]
    extensions = {"code": code, **({"description": why} if why else {})}
    assert (error["message"], error["extensions"], error["path"]) == (message, extensions, ["updateOrder"])
    # a refused request spends no budget: no rate-limit figures on either answer
    assert "x-ratelimit-limit" not in rest.headers and "x-ratelimit-limit" not in graphql.headers
    assert await api.count("orders") == 0


def test_one_table_in_the_order_spec_2_lists_them():
    assert [(r.status, r.code, r.message) for r in access.REFUSALS.values()] == [
        (401, "UNAUTHENTICATED", "API key is missing"),
        (401, "UNAUTHENTICATED", "API key is missing"),  # a header that is not `Bearer <key>`
        (401, "UNAUTHENTICATED", "API key is missing"),  # ... or that is sent more than once
        (401, "UNAUTHENTICATED", "API key is missing"),  # ... or that holds a placeholder
        (401, "UNAUTHENTICATED", "Invalid API key"),
        (404, "FORBIDDEN", "Store not found or paused"),
        (403, "FORBIDDEN", "API key does not authorize this store"),
    ]
    assert list(access.REFUSALS) == [
        keys.MissingKey,
        keys.MalformedAuthorization,
        keys.SeveralCredentials,
        keys.PlaceholderKey,
        keys.InvalidKey,
        keys.StoreUnavailable,
        keys.StoreForbidden,
    ]
