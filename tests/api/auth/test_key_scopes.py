"""SPEC §2: key scopes: store, team (every store of the team), admin (every store)."""

from app.services import keys, stores
from tests.conftest import order_body

FORBIDDEN = (403, {"error": "API key does not authorize this store"})


def outcome(response):
    return response.status_code, response.json()


async def test_team_key_covers_every_store_of_its_team_only(api):
    await stores.create_store(api.db, 1, "A", "FR", team="acme")
    await stores.create_store(api.db, 2, "B", "FR", team="acme")
    await stores.create_store(api.db, 3, "C", "FR", team="other")
    team_key, _ = await keys.create_key(api.db, team="acme")
    assert (await api.post("/orders", order_body(), store=1, key=team_key)).status_code == 201
    assert (await api.post("/orders", order_body(), store=2, key=team_key)).status_code == 201
    assert outcome(await api.post("/orders", order_body(), store=3, key=team_key)) == FORBIDDEN
    assert outcome(await api.post("/orders", order_body(), key=team_key)) == FORBIDDEN  # store 123 has no team


async def test_admin_key_sees_every_store(api):
    await stores.create_store(api.db, 7, "Seven", "GB")
    admin, _ = await keys.create_key(api.db, admin=True)
    assert (await api.post("/orders", order_body(), store=7, key=admin)).status_code == 201
    assert (await api.post("/orders", order_body(), key=admin)).status_code == 201
