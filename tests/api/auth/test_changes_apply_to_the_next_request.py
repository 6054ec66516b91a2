"""SPEC §2: revocation is immediately effective; store and key changes apply to the next request, whoever makes them."""

from app.db.database import Database
from app.services import keys, stores
from tests.conftest import STORE_ID, order_body

INVALID = (401, {"error": "Invalid API key"})


NO_STORE = (404, {"error": "Store not found or paused"})


def outcome(response):
    return response.status_code, response.json()


async def test_changes_made_by_another_process_apply_to_the_next_request(api, settings):
    """The key and store a request reads may be kept between requests; a change committed
    elsewhere (here a second connection, as the CLI has) is seen by the very next request."""
    other_process = Database(settings)
    try:
        for status in (201, 200):  # the second request may be served from what the first one read
            response = await api.post("/orders", order_body())
            assert (response.status_code, response.headers["x-ratelimit-limit"]) == (status, "10000")
        await stores.set_rate_limit(other_process, STORE_ID, 500)
        assert (await api.post("/orders", order_body())).headers["x-ratelimit-limit"] == "500"
        await stores.pause(other_process, STORE_ID)
        assert outcome(await api.post("/orders", order_body())) == NO_STORE
        await stores.resume(other_process, STORE_ID)
        assert (await api.post("/orders", order_body())).status_code == 200
        assert await keys.revoke_key(other_process, api.key) == 1
        assert outcome(await api.get("/orders/ORDER-1001")) == INVALID
    finally:
        await other_process.dispose()


async def test_a_store_created_after_a_refusal_is_found(api):
    admin, _ = await keys.create_key(api.db, admin=True)
    assert outcome(await api.post("/orders", order_body(), store=8, key=admin)) == NO_STORE
    await stores.create_store(api.db, 8, "Eight", "FR")
    assert (await api.post("/orders", order_body(), store=8, key=admin)).status_code == 201
