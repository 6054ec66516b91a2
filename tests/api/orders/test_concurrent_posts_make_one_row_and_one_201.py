"""201 vs 200 under concurrency: one row, exactly one 201."""

import asyncio

from tests.conftest import order_body


async def test_fifty_concurrent_posts_of_one_new_order(api):
    responses = await asyncio.gather(*(api.post("/orders", order_body()) for _ in range(50)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 49 + [201]
    assert await api.count("orders") == 1
    assert await api.count("contacts") == 1


async def test_concurrent_orders_of_one_new_phone_make_one_contact(api):
    bodies = [order_body(external_id=f"O-{i}") for i in range(30)]
    responses = await asyncio.gather(*(api.post("/orders", body) for body in bodies))
    assert {r.status_code for r in responses} == {201}
    assert await api.count("orders") == 30
    assert await api.count("contacts") == 1
