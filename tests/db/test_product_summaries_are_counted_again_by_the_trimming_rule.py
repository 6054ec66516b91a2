"""Migration 0026 (README "Top products"): the daily product summary, counted while a sku was
trimmed of spaces alone (`"\\tT1"` a product apart from `"T1"`), is counted afresh from the
stored orders by the rule that trims any Unicode whitespace: equal to a recount after it."""

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
    {"sku": "T1", "title": "Tee", "quantity": 1, "price": "10.00"},
    {"sku": "\tT1\u00a0", "title": "Tee", "quantity": 2, "price": "10.00"},
]


def _counted_with_spaces_trimmed_alone(conn: Any) -> None:
    """product_days as the rule before 0026 left them: `\\tT1\\u00a0` a product of its own."""
    (row,) = conn.execute(select(product_days)).mappings().all()
    conn.execute(delete(product_days))
    for sku, quantity in (("T1", 10_000), ("\tT1\u00a0", 20_000)):
        conn.execute(
            product_days.insert().values(
                {**row, "product": summaries.digest(sku, None), "sku": sku, "title": "Tee", "lines": 1}
                | {"quantity": quantity, "revenue": quantity * 10}
            )
        )


def _products(conn: Any) -> list[tuple[str | None, int]]:
    rows = conn.execute(select(product_days.c.sku, product_days.c.lines).order_by(product_days.c.sku))
    return [tuple(row) for row in rows]


async def test_the_daily_product_summary_is_counted_again(api: Api) -> None:
    body = order_body(external_id="O-1", placed_at="2026-05-01T10:00:00Z", total_price="30.00", line_items=LINES)
    assert (await api.post("/orders", body)).status_code == 201
    assert await api.db.read(_products) == [("T1", 2)]
    await api.db.write(_counted_with_spaces_trimmed_alone)
    assert sorted(await api.db.read(_products)) == [("\tT1\u00a0", 1), ("T1", 1)]
    url = api.db.url.render_as_string(hide_password=False)
    await asyncio.to_thread(command.downgrade, alembic_config(url), "0025")
    await asyncio.to_thread(upgrade, url)
    assert await api.db.read(_products) == [("T1", 2)]
    recounted = summaries.rows_of(await api.db.write(summaries.recount))["product_days"]
    stored = await api.db.read(lambda conn: [dict(row) for row in conn.execute(select(product_days)).mappings()])
    assert stored == recounted
