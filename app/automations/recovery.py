"""Cart recovery: a cart still `abandoned` once its store's delay has passed fires
`cart.recovery_due`, once. Every condition is checked again, under lock, at that moment:
the cart is still abandoned, its contact placed no order since, was not erased, and its
marketing consent meets the store's policy (`app.domain.rules.consent_policy`). A recovery that may not
go out is recorded all the same, with its reason (`erased`, `no_consent`), and never delivered."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, exists, select, update

from app.db.tables import carts, contacts, orders, stores
from app.domain.automations import Automation, Reason
from app.domain.event_types import EventType, SubjectType
from app.domain.rules.consent_policy import decide
from app.domain.statuses import CartStatus, StoreStatus
from app.services import events
from app.services.carts import cart_view, recovered_once

# Carts swept per store and transaction: the sweep runs as one write, which on SQLite holds
# the event loop (and every request) while it runs; a hundred carts take a few milliseconds.
BATCH = 100


class Swept(NamedTuple):
    """What one sweep did: carts `settled` (marked due, with whatever reason, or found bought
    since), and of them recoveries `fired` (marked due with reason `fired`)."""

    settled: int
    fired: int


def fire_due_recoveries(conn: Connection, now: datetime) -> Swept:
    """Settle up to BATCH due carts of each active store, in the order they were abandoned. A
    sweep that settled any may have left more due: the worker sweeps again at once. A paused
    store's carts (its test space's too: both paused together) wait: it sends no marketing
    message while its API refuses every key, and once resumed its carts still abandoned fire
    at the next sweep."""
    settled = fired = 0
    for store in conn.execute(select(stores).where(stores.c.status == StoreStatus.ACTIVE)).mappings().all():
        try:
            due_before = now - timedelta(minutes=store["recovery_delay_minutes"])
        except OverflowError:  # a delay set before it was bounded: none of its carts is due yet
            continue
        candidates = conn.execute(
            select(carts.c.id)
            .where(
                carts.c.store_id == store["id"],
                carts.c.status == CartStatus.ABANDONED,
                carts.c.recovery_due_at.is_(None),
                carts.c.backfill.is_(False),
                carts.c.abandoned_at <= due_before,
            )
            .order_by(carts.c.abandoned_at)
            .limit(BATCH)
        ).scalars()
        swept = _settle(conn, store, candidates.all(), now)
        settled, fired = settled + swept.settled, fired + swept.fired
    return Swept(settled, fired)


def _settle(conn: Connection, store: Any, cart_ids: Sequence[int], now: datetime) -> Swept:
    """Each of `cart_ids` (in that order) checked again under lock, then recovered by a
    purchase or marked due, a few statements for them all."""
    if not cart_ids:
        return Swept(0, 0)
    # Locked in id order, as any other sweep locks them: two workers' sweeps never deadlock.
    locked = conn.execute(select(carts).where(carts.c.id.in_(cart_ids)).order_by(carts.c.id).with_for_update())
    still = {
        cart["id"]: cart
        for cart in locked.mappings()
        if cart["status"] == CartStatus.ABANDONED and cart["recovery_due_at"] is None
    }
    if not still:
        return Swept(0, 0)
    contact_ids = {cart["contact_id"] for cart in still.values()}
    people = {row["id"]: row for row in conn.execute(select(contacts).where(contacts.c.id.in_(contact_ids))).mappings()}
    later_order = exists().where(orders.c.contact_id == carts.c.contact_id, orders.c.placed_at > carts.c.abandoned_at)
    bought = set(conn.execute(select(carts.c.id).where(carts.c.id.in_(list(still)), later_order)).scalars())
    # The purchase arrived without recovering it (e.g. placed_at corrected later).
    recovered = _set(
        conn,
        bought,
        status=CartStatus.RECOVERED,
        live_status=None,
        status_marked=False,
        updated_at=now,
        revision=carts.c.revision + 1,
    )
    marked = _set(conn, still.keys() - bought, recovery_due_at=now)
    outbox = events.Outbox(conn, store["id"], now, backfill=False, pending=[], clocked=False)
    fired = 0
    for cart_id in cart_ids:
        cart = still.get(cart_id)
        if cart is None:  # settled meanwhile
            continue
        contact = people[cart["contact_id"]]
        subject = (SubjectType.CART, cart_id, cart["external_id"])
        if cart_id in bought:
            before = {"status": CartStatus.ABANDONED}
            recovered_once(outbox, recovered[cart_id], contact, before, Reason.RECOVERED_BY_ORDER)
            continue
        # An erased contact, or one whose consent does not allow it, is never messaged: the
        # recovery is recorded with its reason and never delivered; the cart is settled all the same.
        reason = decide(Automation.CART_RECOVERY, store, contact)
        outbox.emit(EventType.CART_RECOVERY_DUE, subject, contact, after=cart_view(marked[cart_id]), reason=reason)
        fired += reason == Reason.FIRED
    events.append_all(conn, outbox.pending or [])
    return Swept(len(still), fired)


def _set(conn: Connection, cart_ids: Collection[int], **values: object) -> dict[int, Any]:
    """Every column of the carts `cart_ids` after the update, by id."""
    if not cart_ids:
        return {}
    updated = conn.execute(update(carts).where(carts.c.id.in_(cart_ids)).values(**values).returning(*carts.c))
    return {row["id"]: row for row in updated.mappings()}
