"""Migration 0023 (README "Cart recovery", "WhatsApp consent, and why an automation fired or
not"): the abandonments stored before it say whether their recovery fired as the worker now
leaves them, from their `cart.recovery_due` still in the outbox, so that recoveryFunnel over a
past period counts a recovery exactly when a message went out: one called off before it went
out (each reason the worker gives) is not fired, unless a delivery of it was delivered or its
fan-out gave it none (only a replayed copy was cancelled, which the worker no longer logs);
an abandonment whose recoveries were pruned, or name no `abandoned_at`, keeps its flag. Each
case is one cart, built at 0022 as the earlier workers left it; a downgrade keeps the flags."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from alembic import command
from sqlalchemy import select

from app.db.migrate import alembic_config, upgrade
from app.db.tables import cart_abandonments, carts, contacts, deliveries, events, stores, webhooks
from tests import postgres
from tests.db.migrated import database_at, run

BEFORE = "0022"
NOW = datetime(2026, 5, 18, 10, tzinfo=UTC)
A1, A2 = NOW - timedelta(hours=2), NOW - timedelta(hours=1)  # two abandonments of a cart
DISPATCHED = NOW + timedelta(seconds=1)  # when each recovery was fanned out
REPLAYED = NOW + timedelta(days=1)  # when `webhooks add --since` replayed it

# A delivery of a recovery: (made by its fan-out, else by a replay; its status)
FANNED_CANCELLED = (True, "cancelled")
FANNED_DELIVERED = (True, "delivered")
FANNED_IN_FLIGHT = (True, "pending")
REPLAYED_CANCELLED = (False, "cancelled")


class Recovery(NamedTuple):
    reason: str | None
    deliveries: tuple[tuple[bool, str], ...] = ()
    abandoned_at: datetime | None = A1  # what its `after` holds; None: no abandoned_at in it


class Case(NamedTuple):
    fired_before: bool  # the flag as the worker before the fix left it
    recoveries: tuple[Recovery, ...]  # the cart's `cart.recovery_due` still stored, in order
    fired_after: bool  # the A1 abandonment's flag after the upgrade


CALLED_OFF = ("recovered_by_order", "completed", "marked_by_shop", "no_consent", "erased")
CASES: dict[str, Case] = {}
for reason in CALLED_OFF:
    CASES |= {
        f"{reason} at the claim of its delivery": Case(True, (Recovery(reason, (FANNED_CANCELLED,)),), False),
        f"{reason} while another delivery is in flight": Case(
            True, (Recovery(reason, (FANNED_CANCELLED, FANNED_IN_FLIGHT)),), False
        ),
        f"{reason} at a claim, another delivery delivered": Case(
            True, (Recovery(reason, (FANNED_CANCELLED, FANNED_DELIVERED)),), True
        ),
        f"{reason} at the claim of a replayed copy, the fan-out gave none": Case(
            True, (Recovery(reason, (REPLAYED_CANCELLED,)),), True
        ),
    }
CASES |= {
    "recovered_by_order at a replayed copy's claim, flagged not fired then": Case(
        False, (Recovery("recovered_by_order", (REPLAYED_CANCELLED,)),), True
    ),
    "fired and delivered": Case(True, (Recovery("fired", (FANNED_DELIVERED,)),), True),
    "fired, no subscription": Case(True, (Recovery("fired"),), True),
    "fired, still in flight": Case(True, (Recovery("fired", (FANNED_IN_FLIGHT,)),), True),
    "recorded before reasons": Case(True, (Recovery(None, (FANNED_DELIVERED,)),), True),
    "no_consent when recorded": Case(False, (Recovery("no_consent"),), False),
    "erased when recorded": Case(False, (Recovery("erased"),), False),
    "erased at its fan-out": Case(True, (Recovery("erased"),), False),
    "pruned, fired": Case(True, (), True),
    "pruned, not fired": Case(False, (), False),
    "its after holds no abandoned_at": Case(
        True, (Recovery("recovered_by_order", (FANNED_CANCELLED,), abandoned_at=None),), True
    ),
    "fired again for the same abandoned_at after one called off": Case(
        True, (Recovery("recovered_by_order", (FANNED_CANCELLED,)), Recovery("fired", (FANNED_DELIVERED,))), True
    ),
    "called off twice for the same abandoned_at": Case(
        True, (Recovery("completed", (FANNED_CANCELLED,)), Recovery("marked_by_shop", (FANNED_CANCELLED,))), False
    ),
    "called off, a later abandonment's fired": Case(
        True, (Recovery("no_consent", (FANNED_CANCELLED,)), Recovery("fired", (FANNED_DELIVERED,), A2)), False
    ),
    "fired, a later abandonment's called off": Case(
        True, (Recovery("fired", (FANNED_DELIVERED,)), Recovery("completed", (FANNED_CANCELLED,), A2)), True
    ),
}
CARTS = {name: number + 1 for number, name in enumerate(CASES)}
HOOKS = 2  # a recovery has at most one delivery per webhook


def _seed(conn: Any) -> None:
    """Each case's cart, its A1 abandonment (and A2's, fired, when a recovery names it), its
    recoveries and their deliveries, as they were stored at 0022."""
    conn.execute(stores.insert().values(id=123, name="Shop", status="active", region="FR", created_at=NOW))
    contact = {"id": 1, "store_id": 123, "phone": "+33612345678", "revision": 1}
    conn.execute(contacts.insert().values(**contact, created_at=NOW, updated_at=NOW))
    for hook in range(1, HOOKS + 1):
        webhook = {"id": hook, "store_id": 123, "url": f"https://example.com/{hook}", "secret": "s" * 32}
        conn.execute(webhooks.insert().values(**webhook, events=["cart.*"], created_at=NOW))
    for name, case in CASES.items():
        cart_id = CARTS[name]
        cart = {"id": cart_id, "store_id": 123, "external_id": f"C-{cart_id}", "contact_id": 1, "status": "abandoned"}
        cart.update(abandoned_at=A1, total_price=Decimal("1"), line_items=[], tags=[], metadata={})
        conn.execute(carts.insert().values(**cart, revision=1, created_at=NOW, updated_at=NOW))
        flags = {A1: case.fired_before} | ({A2: True} if _names_a2(case) else {})
        for abandoned_at, fired in flags.items():
            abandonment = {"cart_id": cart_id, "abandoned_at": abandoned_at, "store_id": 123, "recovery_due_at": NOW}
            conn.execute(cart_abandonments.insert().values(**abandonment, recovery_fired=fired))
        for number, recovery in enumerate(case.recoveries):
            _recovery(conn, cart_id, number, recovery)


def _names_a2(case: Case) -> bool:
    return any(recovery.abandoned_at == A2 for recovery in case.recoveries)


def _recovery(conn: Any, cart_id: int, number: int, recovery: Recovery) -> None:
    after: dict[str, Any] = {"status": "abandoned"}
    if recovery.abandoned_at is not None:
        after["abandoned_at"] = recovery.abandoned_at.isoformat()
    event = {"event_id": f"e-{cart_id}-{number}", "store_id": 123, "type": "cart.recovery_due", "contact_id": 1}
    event.update(subject_type="cart", subject_id=cart_id, backfill=False, created_at=NOW, dispatched_at=DISPATCHED)
    event.update(data={"subject": {}, "contact": None, "before": None, "after": after})
    event.update(automation="cart_recovery", reason=recovery.reason)
    event_id = conn.execute(events.insert().values(event).returning(events.c.id)).scalar_one()
    for hook, (fanned_out, status) in enumerate(recovery.deliveries, start=1):
        made = DISPATCHED if fanned_out else REPLAYED
        delivery = {"event_id": event_id, "webhook_id": hook, "ordering_key": f"{hook}:cart:{cart_id}"}
        delivery.update(status=status, attempts=1, next_attempt_at=made, created_at=made)
        delivery.update(delivered_at=made + timedelta(seconds=1) if status == "delivered" else None)
        conn.execute(deliveries.insert().values(delivery))


def _flags(conn: Any) -> dict[tuple[int, datetime], bool]:
    table = cart_abandonments.c
    rows = conn.execute(select(table.cart_id, table.abandoned_at, table.recovery_fired)).all()
    return {(row.cart_id, row.abandoned_at): row.recovery_fired for row in rows}


def _revision(conn: Any) -> str:
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()


class Migrated(NamedTuple):
    upgraded: dict[tuple[int, datetime], bool]
    downgraded: dict[tuple[int, datetime], bool]
    revision: str


@pytest.fixture(scope="module", params=postgres.engines_under_test())
def migrated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Migrated]:
    """Every case seeded on a database of each engine at 0022, upgraded to 0023 and read, then
    downgraded to 0022 and read again: one database per engine for all the cases."""
    with database_at(request.param, tmp_path_factory.mktemp("kanal"), BEFORE) as url:
        asyncio.run(run(url, _seed))
        upgrade(url, "0023")
        upgraded = asyncio.run(run(url, _flags))
        command.downgrade(alembic_config(url), BEFORE)
        yield Migrated(upgraded, asyncio.run(run(url, _flags)), asyncio.run(run(url, _revision)))


@pytest.mark.parametrize("name", CASES)
def test_the_flag_says_whether_the_recovery_went_out(migrated: Migrated, name: str) -> None:
    cart_id, case = CARTS[name], CASES[name]
    assert migrated.upgraded[(cart_id, A1)] is case.fired_after
    if _names_a2(case):  # the later abandonment follows its own recovery
        later = [recovery for recovery in case.recoveries if recovery.abandoned_at == A2]
        assert migrated.upgraded[(cart_id, A2)] is (later[0].reason == "fired")


def test_a_downgrade_keeps_the_flags(migrated: Migrated) -> None:
    assert (migrated.revision, migrated.downgraded) == (BEFORE, migrated.upgraded)
