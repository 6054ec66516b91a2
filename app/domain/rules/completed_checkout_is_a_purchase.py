"""A checkout sent with `completed_at` was bought at that time (README "Cart recovery", "Carts
and purchases"; SPEC §3.3 names the status `completed`, §6 cancels a recovery on a purchase
after `abandoned_at`).

Shopify's `checkouts/update` carries `completed_at`: null until the checkout is bought, then
the time of purchase. It is a purchase of the cart's contact, as an order placed at that time
is (`purchase_recovers_cart`), and one the order webhook may never match (another contact, an
order without a phone). Kanal ignored it: a completed checkout was stored `abandoned` and its
recovery went out, and its update, arriving after the order that recovered the cart with the
platform's later `abandoned_at` (08:30 for a purchase at 08:20), made the cart `abandoned`
again under "Abandoned again after the purchase": a recovery message to someone who had bought.

The cart keeps the `completed_at` it was sent (a write without one keeps the stored one: a
purchase is not undone by an older update that predates it), and with its `abandoned_at`:

- completed after `abandoned_at`: the abandonment was recovered — `recovered`; so too when the
  write carrying `completed_at` moves `abandoned_at` past it (the platform's last update of a
  bought checkout) but the cart was abandoned before the purchase (`abandoned_at` as stored
  before the write): that abandonment was recovered, and a cart an order recovered stays
  `recovered` (the recovery funnel counts it);
- completed at the very `abandoned_at`, or before the `abandoned_at` the same write carries
  on a cart not abandoned before the purchase: `completed`;
- completed before an `abandoned_at` a later write carries without `completed_at`: a new
  abandonment, which the existing rule of a purchase's cart abandoned again decides.

Either way no recovery fires (reason `completed`). The services apply it to the stored row
(`services/carts.py`); these functions are its plain statement."""

from __future__ import annotations

from datetime import datetime

from app.domain.statuses import CartStatus


def bought(
    completed_at: datetime | None, abandoned_at: datetime, sent: bool, abandoned_before: datetime | None = None
) -> CartStatus | None:
    """The status the cart's purchase gives it: `recovered`, `completed`, or None when it has
    no say (no `completed_at`, or an abandonment after it that the write carrying no
    `completed_at` reports). `completed_at` and `abandoned_at` are the cart's after the write
    (aware datetimes); `sent`: whether the write carried `completed_at`; `abandoned_before`:
    the earliest `abandoned_at` the cart had before the write (None: a new cart): a bought
    checkout's update arriving again after the cart was abandoned anew recovers the first."""
    if completed_at is None:
        return None
    if completed_at > abandoned_at or (sent and abandoned_before is not None and completed_at > abandoned_before):
        return CartStatus.RECOVERED
    if completed_at == abandoned_at or sent:
        return CartStatus.COMPLETED
    return None
