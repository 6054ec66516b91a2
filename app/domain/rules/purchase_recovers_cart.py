"""A purchase recovers the cart (SPEC §6: recovery "is cancelled when the contact places an order
after `abandoned_at` (the cart becomes `recovered`)"; README, "Carts and purchases").

Whichever arrives first: an order recovers the contact's carts still abandoned before its
`placed_at`, and a cart arriving after such an order is stored `recovered` at once, as is one
a PATCH marks `abandoned` again after such an order. A recovered
cart fires no recovery message; one an order recovered, sent again with an `abandoned_at` no
order follows, is `abandoned` again, as it would be arriving then. A checkout sent with
`completed_at` is a purchase too (`completed_checkout_is_a_purchase`); an order corrected so
that it no longer follows a cart it recovered no longer recovers it
(`recovery_follows_the_orders`). The services apply the same test in SQL (`services/carts.py`,
over many carts at once); these functions are its plain statement."""

from __future__ import annotations

from datetime import datetime

from app.domain.statuses import CartStatus


def recovers(cart_status: str, abandoned_at: datetime, placed_at: datetime) -> bool:
    """Whether an order placed at `placed_at` by the cart's contact recovers the cart."""
    return cart_status == CartStatus.ABANDONED and abandoned_at < placed_at


def status_on_arrival(ordered_after_abandoning: bool, bought: CartStatus | None = None) -> CartStatus:
    """The status of a new cart: what its own purchase gives it (`bought`, from its
    `completed_at`: `completed_checkout_is_a_purchase.bought`), else `recovered` when its contact
    already placed an order after the cart's `abandoned_at`, else `abandoned`."""
    if bought is not None:
        return bought
    return CartStatus.RECOVERED if ordered_after_abandoning else CartStatus.ABANDONED
