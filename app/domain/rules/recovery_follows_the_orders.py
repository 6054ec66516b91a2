"""A cart's recovery by an order follows the orders as they now stand (SPEC §6: a recovery "is
cancelled when the contact places an order after `abandoned_at` (the cart becomes
`recovered`)"; README "Carts and purchases": the outcome is the same whichever arrived first).

An order that recovered a cart may be corrected so that it no longer does: sent again with
another phone (so another contact), or with a `placed_at` moved to or before the cart's
`abandoned_at`. Had it arrived first as it now stands, the cart would have been stored
`abandoned` (`purchase_recovers_cart.status_on_arrival`). So once no order of the cart's contact
is placed after its `abandoned_at` any more, the cart is `abandoned` again, its recovery to come
as an abandoned cart's is; a recovery already recorded for that abandonment (sent, or suppressed)
stays settled, so it never goes out twice.

Only an order's recovery is undone: a cart bought by its own `completed_at`
(`completed_checkout_is_a_purchase`) keeps it, and so does a cart the shop marked (`completed`,
`expired`, `active`, or `recovered`): its status is the shop's word (`carts.status_marked`, set
by a live PATCH), whether it came before or after the order. A cart whose status was written
before that mark was kept (migration 0029) is read by time: recovered before the order was
first written, it is the shop's word, not that order's doing (its `cart.recovered`, kept per
abandonment in `cart_abandonments`, recorded before the order existed); a recovery recorded
with no time kept (its events pruned before those facts were kept) is read as the order's, as
a cart sent again reads one an order follows (README "Carts and purchases"). The services apply
the same test in SQL (`services/carts.py`, `unrecover_carts`, over the contact's carts at once);
this function is its plain statement."""

from __future__ import annotations

from datetime import datetime

from app.domain.statuses import CartStatus


def unrecovers(
    cart_status: str,
    completed_at: datetime | None,
    abandoned_at: datetime,
    marked: bool | None,
    recovered_recorded_at: datetime | None,
    order_before: tuple[datetime, datetime],
    ordered_now: bool,
) -> bool:
    """Whether a cart is `abandoned` again once an order of its contact was corrected: the order
    as it was (`order_before`: when it was first written, its `placed_at`) followed the cart,
    and recovered it — the cart is `recovered`, by no `completed_at` of its own, nor by the
    shop (`marked`: its status the shop's word; None, for a status written before that was
    kept: its recovery recorded before the order existed, `recovered_recorded_at` being the
    cart's `cart.recovered` for its `abandoned_at`, None unknown and read as the order's) — and
    no order of its contact as they now stand is placed after its `abandoned_at` (`ordered_now`
    False). Aware datetimes."""
    created_at, placed_at = order_before
    recorded_before = recovered_recorded_at is not None and recovered_recorded_at < created_at
    shops_mark = marked if marked is not None else recorded_before
    recovered_by_the_order = cart_status == CartStatus.RECOVERED and completed_at is None and not shops_mark
    return recovered_by_the_order and abandoned_at < placed_at and not ordered_now
