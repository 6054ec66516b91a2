"""Migrations 0003 and 0006 (README, "Order statuses"): orders stored before statuses were kept in
one form get it (0003: trimmed and lower-cased; 0006: Unicode NFKC too) — the status columns and the statuses the last POST carried (`posted`, which the replay
rule compares with the next POST) — on both engines, every other value left exactly as it was."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from app.db.migrate import upgrade
from app.db.tables import contacts, orders, stores
from tests.db.migrated import run

NOW = datetime(2026, 5, 18, 10, tzinfo=UTC)
EXACT = {"n": Decimal("12345678901234.5678"), "s": " PAID "}  # as the engine keeps it, before and after
SENT = [
    ("PAID", " Fulfilled "),
    (" paid", "UNFULFILLED"),
    ("refunded", None),
    (None, "\tPartial\n"),
    ("ＰＡＩＤ", "Ｆｕｌｆｉｌｌｅｄ\u3000"),  # full-width, an ideographic space
]
# the target revision -> the statuses it leaves
FORMS = {
    "0003": [
        ("paid", "fulfilled"),
        ("paid", "unfulfilled"),
        ("refunded", None),
        (None, "partial"),
        ("ｐａｉｄ", "ｆｕｌｆｉｌｌｅｄ"),
    ],
    "0006": [
        ("paid", "fulfilled"),
        ("paid", "unfulfilled"),
        ("refunded", None),
        (None, "partial"),
        ("paid", "fulfilled"),
    ],
}

BEFORE = "0002"  # the revision url_before is at


def _seed(conn: Any) -> None:
    conn.execute(stores.insert().values(id=123, name="Shop", status="active", region="FR", created_at=NOW))
    conn.execute(
        contacts.insert().values(id=1, store_id=123, phone="+33612345678", revision=1, created_at=NOW, updated_at=NOW)
    )
    for number, (financial, fulfillment) in enumerate(SENT):
        posted = {"financial_status": financial, "fulfillment_status": fulfillment, "tags": [], "metadata": EXACT}
        conn.execute(
            orders.insert().values(
                store_id=123,
                external_id=f"O-{number}",
                contact_id=1,
                placed_at=NOW,
                total_price=Decimal("1"),
                financial_status=financial,
                fulfillment_status=fulfillment,
                line_items=[],
                tags=[" PAID "],
                metadata=EXACT,
                posted=posted,
                revision=1,
                created_at=NOW,
                updated_at=NOW,
            )
        )


def _read(conn: Any) -> list[tuple[Any, ...]]:
    query = select(orders.c.financial_status, orders.c.fulfillment_status, orders.c.posted, orders.c.tags)
    return [tuple(row) for row in conn.execute(query.order_by(orders.c.external_id))]


@pytest.mark.parametrize("target", FORMS)
async def test_stored_statuses_are_brought_to_the_form(url_before: str, target: str) -> None:
    await run(url_before, _seed)
    before = await run(url_before, _read)
    await asyncio.to_thread(upgrade, url_before, target)
    rows = await run(url_before, _read)
    expected = FORMS[target]
    assert [(financial, fulfillment) for financial, fulfillment, _, _ in rows] == expected
    assert [(p["financial_status"], p["fulfillment_status"]) for _, _, p, _ in rows] == expected
    assert [(p["metadata"], p["tags"], tags) for _, _, p, tags in rows] == [
        (p["metadata"], p["tags"], tags) for _, _, p, tags in before
    ]
