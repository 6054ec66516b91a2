"""SPEC §2, §5: GraphQL uses the same keys and scope rules on every storeId argument."""

from app.services import keys, stores
from tests.api.graphql.documents import UPSERT_ORDER, gql, order_input


async def test_auth_is_the_rest_auth(api):
    query = '{ order(storeId: 123, externalId: "X") { id } }'
    response = await api.client.post("/graphql", json={"query": query})
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    invalid = await gql(api, query, key="kanal_sk_live_nope")
    assert invalid["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await stores.create_store(api.db, 456, "Other", "DE")
    other, _ = await keys.create_key(api.db, store_id=456)
    forbidden = await gql(api, query, key=other)
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN" and forbidden["data"] == {"order": None}
    mutation = await gql(api, UPSERT_ORDER, {"input": order_input()}, key=other)
    assert mutation["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await api.count("orders") == 0
    admin, _ = await keys.create_key(api.db, admin=True)
    assert (await gql(api, '{ order(storeId: 456, externalId: "X") { id } }', key=admin))["data"] == {"order": None}
