"""A time the source says something already happened at may not be more than a day after the
write's arrival (README "Stale and out-of-order writes"; SPEC §3 gives `placed_at` and
`abandoned_at` as past instants): an order's `placed_at`, a cart's `abandoned_at` and its
`completed_at` (`completed_checkout_is_a_purchase`) are refused then, `422 out_of_range` at
the field, with the tolerance of a source time (`source_time_not_ahead.MAX_AHEAD`, past any
clock set in the wrong zone).

Stored, such a time was taken as sent: an order placed "in 2099" recovered every abandoned cart
of its contact (`purchase_recovers_cart`: placed after their `abandoned_at`), even those
abandoned after the real purchase, and counted in a period no dashboard had reached; a cart
abandoned "in 2099" was never recovered by a purchase nor due for its recovery message; a
checkout completed "in 2099" would hold off every later abandonment of it until then.

The other times of the commands are not refused: a consent's `consented_at` ahead is read as
its arrival (`consent_merge`: refused, the state it carries, an opt-out included, would be
lost with the whole write), and the `updated_at` of a customer embedded in an order or a cart
is not used, so any time is taken."""

from __future__ import annotations

# Why each such time is refused, said after "Must be at most a day after now: ".
PLACED_AT = "an order cannot be placed in the future."
ABANDONED_AT = "a cart cannot be abandoned in the future."
COMPLETED_AT = "a checkout cannot be completed in the future."
