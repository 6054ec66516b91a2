"""Migration 0028 (README "Top products"): the daily product summary, counted while a
configurable product's variant row counted as a product of its own (its quantity twice, its
variant's name), is counted afresh from the stored orders by the rule that leaves a child line
out: equal to a recount after it."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import command
from sqlalchemy import delete, select

from app.db import summaries
from app.db.migrate import alembic_config, upgrade
from app.db.tables import product_days
from tests.conftest import Api, order_body

LINES = [
    {"item_id": 11, "sku": "MH01", "title": "Hoodie", "quantity": 1, "price": "52.00"},
    {"item_id": 12, "sku": "MH01", "title": "Hoodie-XS-Black", "quantity": 1, "price": "0", "parent_item_id": 11},
]


def _counted_with_the_child(conn: Any) -> None:
    """product_days as the rule before 0028 left them: two lines, quantity 2, the variant's name."""
    (row,) = conn.execute(select(product_days)).mappings().all()
    conn.execute(delete(product_days))
    conn.execute(product_days.insert().values({**row, "title": "Hoodie-XS-Black", "lines": 2, "quantity": 20_000}))


def _products(conn: Any) -> list[tuple[Any, ...]]:
    columns = (product_days.c.sku, product_days.c.title, product_days.c.lines, product_days.c.quantity)
    return [tuple(row) for row in conn.execute(select(*columns))]


async def test_the_daily_product_summary_is_counted_again(api: Api) -> None:
    body = order_body(external_id="O-1", placed_at="2026-05-01T10:00:00Z", total_price="52.00", line_items=LINES)
    assert (await api.post("/orders", body)).status_code == 201
    assert await api.db.read(_products) == [("MH01", "Hoodie", 1, 10_000)]
    await api.db.write(_counted_with_the_child)
    assert await api.db.read(_products) == [("MH01", "Hoodie-XS-Black", 2, 20_000)]
    url = api.db.url.render_as_string(hide_password=False)
    await asyncio.to_thread(command.downgrade, alembic_config(url), "0027")
    await asyncio.to_thread(upgrade, url)
    assert await api.db.read(_products) == [("MH01", "Hoodie", 1, 10_000)]
    recounted = summaries.rows_of(await api.db.write(summaries.recount))["product_days"]
    stored = await api.db.read(lambda conn: [dict(row) for row in conn.execute(select(product_days)).mappings()])
    assert stored == recounted
