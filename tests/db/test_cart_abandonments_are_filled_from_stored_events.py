"""Migration 0019 (README, "Cart recovery", "Outbox lifecycle"): the carts stored before it get
their abandonments from the events still in the outbox: for each cart and `abandoned_at` its
`cart.abandoned`, `cart.recovered` and `cart.recovery_due` name, when the first of each was
recorded, and whether a recovery of it fired (reason `fired`, or none: recorded before reasons
existed). Other events count for nothing. Downgrading drops them and leaves the events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from alembic import command
from sqlalchemy import select, text

from app.db.migrate import alembic_config, upgrade
from app.db.tables import cart_abandonments, carts, contacts, events, stores
from tests.db.migrated import run

NOW = datetime(2026, 5, 18, 10, tzinfo=UTC)
A1, A2 = datetime(2026, 5, 18, 9, tzinfo=UTC), datetime(2026, 5, 18, 9, 30, tzinfo=UTC)

BEFORE = "0018"  # the revision url_before is at


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


# (cart id, its abandoned_at) -> its events in order: (type, the abandoned_at its `after` holds
# or None for an `after` without one, recorded at, reason)
EVENTS: dict[tuple[int, datetime], list[tuple[str, datetime | None, datetime, str | None]]] = {
    (1, A2): [
        ("cart.abandoned", A1, at(1), "not_due_yet"),
        ("cart.recovered", A1, at(2), "recovered_by_order"),
        ("cart.status_changed", None, at(3), None),
        ("cart.abandoned", A2, at(4), "not_due_yet"),
        ("cart.recovery_due", A2, at(5), "fired"),
        ("cart.abandoned", A1, at(6), "not_due_yet"),  # a second one: the first time is kept
    ],
    (2, A1): [("cart.abandoned", A1, at(1), "not_due_yet"), ("cart.recovery_due", A1, at(2), "no_consent")],
    (3, A1): [("cart.recovery_due", A1, at(1), None), ("cart.recovered", None, at(2), None)],  # before reasons
    (4, A1): [("cart.status_changed", None, at(1), None)],
}
# what each cart_abandonments row holds after the upgrade: (cart id, abandoned_at,
# abandoned_recorded_at, recovered_recorded_at, recovery_due_at, recovery_fired)
FILLED = [
    (1, A1, at(1), at(2), None, False),
    (1, A2, at(4), None, at(5), True),
    (2, A1, at(1), None, at(2), False),
    (3, A1, None, at(2), at(1), True),
]


def _seed(conn: Any) -> None:
    conn.execute(stores.insert().values(id=123, name="Shop", status="active", region="FR", created_at=NOW))
    conn.execute(
        contacts.insert().values(id=1, store_id=123, phone="+33612345678", revision=1, created_at=NOW, updated_at=NOW)
    )
    for (cart_id, abandoned_at), recorded in EVENTS.items():
        cart = {"id": cart_id, "store_id": 123, "external_id": f"C-{cart_id}", "contact_id": 1, "status": "abandoned"}
        cart.update(abandoned_at=abandoned_at, total_price=Decimal("1"), line_items=[], tags=[], metadata={})
        cart.update(revision=1, created_at=NOW, updated_at=NOW)
        conn.execute(carts.insert().values(cart))
        for number, (type, held, created_at, reason) in enumerate(recorded):
            after = (
                {"status": "abandoned"} if held is None else {"status": "abandoned", "abandoned_at": held.isoformat()}
            )
            event = {"event_id": f"e-{cart_id}-{number}", "store_id": 123, "type": type, "subject_type": "cart"}
            event.update(subject_id=cart_id, data={"subject": {}, "contact": None, "before": None, "after": after})
            event.update(backfill=False, created_at=created_at, reason=reason)
            conn.execute(events.insert().values(event))
    # an order's event with the same subject id: not a cart's
    order_event = {"event_id": "e-order", "store_id": 123, "type": "cart.recovered", "subject_type": "order"}
    order_event.update(subject_id=1, data={"after": {"abandoned_at": NOW.isoformat()}}, backfill=False, created_at=NOW)
    conn.execute(events.insert().values(order_event))


def _filled(conn: Any) -> list[tuple[Any, ...]]:
    table = cart_abandonments
    columns = ("cart_id", "abandoned_at", "abandoned_recorded_at", "recovered_recorded_at", "recovery_due_at")
    query = select(*(table.c[name] for name in columns), table.c.recovery_fired, table.c.store_id)
    rows = conn.execute(query.order_by(table.c.cart_id, table.c.abandoned_at)).all()
    assert {row.store_id for row in rows} == {123}
    return [tuple(row)[:-1] for row in rows]


async def test_each_stored_cart_gets_the_abandonments_its_events_name(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0019")
    assert await run(url_before, _filled) == FILLED


async def test_a_downgrade_drops_them_and_keeps_the_events(url_before: str) -> None:
    await run(url_before, _seed)
    await asyncio.to_thread(upgrade, url_before, "0019")
    await asyncio.to_thread(command.downgrade, alembic_config(url_before), BEFORE)

    def stored(conn: Any) -> tuple[bool, int]:
        tables = conn.dialect.get_table_names(conn)
        return "cart_abandonments" in tables, conn.execute(text("SELECT count(*) FROM events")).scalar_one()

    assert await run(url_before, stored) == (False, sum(map(len, EVENTS.values())) + 1)
