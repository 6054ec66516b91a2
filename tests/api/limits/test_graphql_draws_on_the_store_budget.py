"""SPEC §7 / §10: one budget per store, spent by REST and GraphQL alike
(`app.policies.rate_limit`). A GraphQL request spends one unit of each store it names, however
many fields name it; its answer carries the figures, and over budget it is HTTP 429 with
Retry-After and a top-level error THROTTLED. Failed key checks spend nothing."""

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from app.services import keys, stores
from tests.conftest import STORE_ID, order_body

OTHER = 2  # a second store, limit 60
ORDER = '{ order(storeId: 123, externalId: "X") { id } }'
UPSERT = (
    'mutation { upsertOrder(storeId: 123, input: {externalId: "G-1", placedAt: "2026-05-18T10:00:00Z", '
    'totalPrice: 1, customer: {phone: "+33611111111"}}) { created } }'
)


@pytest.fixture
async def shop(database_url):
    """An app whose store 123 may make 3 requests a minute; store 2 keeps the default 60."""
    app = create_app(Settings.from_env(database_url=database_url, rate_limit_storage_uri="memory://"))
    await stores.create_store(app.state.db, STORE_ID, "Demo", "FR")
    await stores.create_store(app.state.db, OTHER, "Two", "FR")
    await stores.set_rate_limit(app.state.db, STORE_ID, 3)
    key, _ = await keys.create_key(app.state.db, admin=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        client.headers["Authorization"] = f"Bearer {key}"
        yield app, client
    await app.state.db.dispose()


async def rest(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get(f"/api/v1/stores/{STORE_ID}/orders/X")


async def graphql(client: httpx.AsyncClient, query: str = ORDER, **headers: str) -> httpx.Response:
    return await client.post("/graphql", json={"query": query}, headers=headers)


def figures(response: httpx.Response) -> tuple[str | None, str | None, str | None]:
    headers = response.headers
    return headers.get("X-RateLimit-Limit"), headers.get("X-RateLimit-Remaining"), headers.get("Retry-After")


def assert_throttled_graphql(response: httpx.Response, path: list[str]) -> None:
    assert response.status_code == 429
    [error] = response.json()["errors"]
    assert (error["message"], error["extensions"], error["path"]) == ("Too Many Attempts.", {"code": "THROTTLED"}, path)
    assert 1 <= int(response.headers["Retry-After"]) <= 60


@pytest.mark.parametrize("then", ["rest", "graphql"])
async def test_rest_and_graphql_spend_one_budget(shop, then):
    app, client = shop
    assert figures(await rest(client)) == ("3", "2", None)
    assert figures(await rest(client)) == ("3", "1", None)
    answered = await graphql(client)
    assert (answered.status_code, answered.json()) == (200, {"data": {"order": None}})
    assert figures(answered) == ("3", "0", None)
    if then == "rest":
        refused = await rest(client)
        assert (refused.status_code, refused.json()) == (429, {"message": "Too Many Attempts."})
    else:
        refused = await graphql(client)
        assert_throttled_graphql(refused, ["order"])
        assert refused.json()["data"] == {"order": None}
    assert figures(refused)[:2] == ("3", "0")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


async def test_graphql_answers_carry_the_figures(shop):
    app, client = shop
    query = '{ order(storeId: 2, externalId: "X") { id } }'
    assert [figures(await graphql(client, query)) for _ in range(3)] == [("60", str(n), None) for n in (59, 58, 57)]
    assert figures(await client.get(f"/api/v1/stores/{OTHER}/orders/X")) == ("60", "56", None)


async def test_a_throttled_mutation_writes_nothing(shop):
    app, client = shop
    for _ in range(3):
        await rest(client)
    refused = await graphql(client, UPSERT)
    assert_throttled_graphql(refused, ["upsertOrder"])
    assert refused.json()["data"] == {"upsertOrder": None}
    assert await app.state.db.read(lambda conn: conn.exec_driver_sql("SELECT count(*) FROM orders").scalar()) == 0


async def test_several_fields_on_one_store_spend_one_unit(shop):
    app, client = shop
    query = """{ a: order(storeId: 123, externalId: "X") { id } b: order(storeId: "123", externalId: "Y") { id }
      orders(storeId: 123) { totalCount } store(storeId: 123) { id } contacts(storeId: 123) { totalCount }
      storeStats(storeId: 123, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { orderCount } }"""
    first = await graphql(client, query)
    assert (first.status_code, "errors" in first.json()) == (200, False)
    assert figures(first) == ("3", "2", None)
    two_mutations = UPSERT.replace(
        "mutation {",
        "mutation { again: upsertOrder(storeId: 123, input: {externalId: "
        '"G-2", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, customer: {phone: "+33611111111"}}) { created } ',
    )
    second = await graphql(client, two_mutations)
    assert second.json() == {"data": {"again": {"created": True}, "upsertOrder": {"created": True}}}
    assert figures(second) == ("3", "1", None)
    assert figures(await rest(client)) == ("3", "0", None)


async def test_a_request_naming_two_stores_shows_the_tighter_one(shop):
    """Both stores are spent; the headers show the store with the least remaining, and a
    throttled store's figures (with Retry-After) over any other's."""
    app, client = shop
    both = '{ mine: order(storeId: 2, externalId: "X") { id } tight: order(storeId: 123, externalId: "X") { id } }'
    answered = await graphql(client, both)
    assert (answered.status_code, figures(answered)) == (200, ("3", "2", None))
    for _ in range(2):
        await rest(client)
    refused = await graphql(client, both)
    assert_throttled_graphql(refused, ["tight"])
    assert refused.json()["data"] == {"mine": None, "tight": None}  # store 2 still answered
    assert figures(refused)[:2] == ("3", "0")
    assert figures(await client.get(f"/api/v1/stores/{OTHER}/orders/X")) == ("60", "57", None)


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer kanal_sk_live_nope", "Token abc"],
    ids=["no key", "unknown key", "not bearer"],
)
async def test_a_failed_key_check_spends_nothing(shop, authorization):
    app, client = shop
    for _ in range(5):
        refused = await graphql(client, Authorization=authorization)
        assert refused.status_code == 200
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert figures(refused) == (None, None, None)
    assert figures(await rest(client)) == ("3", "2", None)


async def test_a_key_of_another_store_spends_nothing(shop):
    app, client = shop
    other, _ = await keys.create_key(app.state.db, store_id=OTHER)
    for _ in range(5):
        refused = await graphql(client, Authorization=f"Bearer {other}")
        assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert figures(refused) == (None, None, None)
    assert figures(await graphql(client)) == ("3", "2", None)


async def test_a_request_naming_no_store_spends_nothing(shop):
    app, client = shop
    plain = await graphql(client, "{ __typename }")
    assert (plain.status_code, plain.json(), figures(plain)) == (200, {"data": {"__typename": "Query"}}, (None,) * 3)
    assert figures(await rest(client)) == ("3", "2", None)


async def test_rest_budget_is_per_request_as_before(shop):
    """REST: one unit per request, the order written once, the refused one not at all."""
    app, client = shop
    statuses = [
        (await client.post(f"/api/v1/stores/{STORE_ID}/orders", json=order_body())).status_code for _ in range(4)
    ]
    assert statuses == [201, 200, 200, 429]
