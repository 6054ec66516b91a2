"""SPEC §3: every POST is an upsert on (store_id, external_id): 201 the first time, 200 after, same body."""

from tests.conftest import order_body


async def test_first_post_is_201_then_200_with_the_same_body(api):
    first = await api.post("/orders", order_body())
    second = await api.post("/orders", order_body())
    assert (first.status_code, second.status_code) == (201, 200)
    volatile = {"updated_at"}
    assert {k: v for k, v in first.json().items() if k not in volatile} == {
        k: v for k, v in second.json().items() if k not in volatile
    }
    assert await api.count("orders") == 1


async def test_orders_of_two_stores_with_one_external_id_are_distinct(api):
    from app.services import keys, stores

    await stores.create_store(api.db, 5, "Five", "FR")
    key, _ = await keys.create_key(api.db, store_id=5)
    assert (await api.post("/orders", order_body())).status_code == 201
    assert (await api.post("/orders", order_body(), store=5, key=key)).status_code == 201
    assert await api.count("orders") == 2
