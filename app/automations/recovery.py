"""Cart recovery: a cart still `abandoned` once its store's delay has passed fires
`cart.recovery_due`, once. Every condition is checked again, under lock, at that moment:
the cart is still abandoned, its contact placed no order since, was not erased, and its
marketing consent meets the store's policy (`app.domain.rules.consent_policy`). A recovery that may not
go out is recorded all the same, with its reason (`erased`, `no_consent`), and never delivered."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, exists, select, update

from app.db.tables import carts, contacts, orders, stores
from app.domain.automations import Automation, Reason
from app.domain.event_types import EventType, SubjectType
from app.domain.rules.consent_policy import decide
from app.domain.statuses import CartStatus
from app.services import events
from app.services.carts import cart_view

BATCH = 200


def fire_due_recoveries(conn: Connection, now: datetime) -> int:
    """Returns how many recoveries fired."""
    fired = 0
    for store in conn.execute(select(stores)).mappings().all():
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
        fired += sum(_fire(conn, store, cart_id, now) for cart_id in candidates.all())
    return fired


def _fire(conn: Connection, store: Any, cart_id: int, now: datetime) -> bool:
    cart = conn.execute(select(carts).where(carts.c.id == cart_id).with_for_update()).mappings().one()
    if cart["status"] != CartStatus.ABANDONED or cart["recovery_due_at"] is not None:
        return False
    contact = conn.execute(select(contacts).where(contacts.c.id == cart["contact_id"])).mappings().one()
    outbox = events.Outbox(conn, store["id"], now, backfill=False)
    subject = (SubjectType.CART, cart["id"], cart["external_id"])
    bought = conn.scalar(
        select(exists().where(orders.c.contact_id == contact["id"], orders.c.placed_at > cart["abandoned_at"]))
    )
    if bought:  # the purchase arrived without recovering it (e.g. placed_at corrected later)
        recovered = _set(conn, cart_id, status=CartStatus.RECOVERED, updated_at=now, revision=carts.c.revision + 1)
        before = {"status": CartStatus.ABANDONED}
        reason = Reason.RECOVERED_BY_ORDER
        outbox.emit(EventType.CART_RECOVERED, subject, contact, before, cart_view(recovered), reason=reason)
        return False
    marked = _set(conn, cart_id, recovery_due_at=now)
    # An erased contact, or one whose consent does not allow it, is never messaged: the
    # recovery is recorded with its reason and never delivered; the cart is settled all the same.
    reason = decide(Automation.CART_RECOVERY, store, contact)
    outbox.emit(EventType.CART_RECOVERY_DUE, subject, contact, after=cart_view(marked), reason=reason)
    return reason == Reason.FIRED


def _set(conn: Connection, cart_id: int, **values: object):
    return (
        conn.execute(update(carts).where(carts.c.id == cart_id).values(**values).returning(*carts.c)).mappings().one()
    )
