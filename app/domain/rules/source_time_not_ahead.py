"""A source time (`updated_at`) more than a day after the write's arrival is refused (README,
"Stale and out-of-order writes"; SPEC §10 "Ordering" says nothing of times ahead).

Stored, such a time would make every later write of the record older than it, so stale: the
record would take no correction until that time came (a typo such as 2126 froze an order for a
century, every webhook after it answered `Kanal-Stale: true`). It is not read as the arrival,
as a consent's time is (`consent_merge`): a shop whose clock runs ahead would then have two of
its updates that arrive out of order both dated by their arrival, and the older one would win.
A day is past any clock set in the wrong zone (offsets run from UTC−12 to UTC+14), whose
times are ahead alike and so keep their order."""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_AHEAD = timedelta(days=1)


def too_far_ahead(sent: datetime, arrival: datetime) -> bool:
    """Whether `sent` (an aware source time) is more than `MAX_AHEAD` after `arrival` (aware,
    the write's arrival)."""
    return sent - arrival > MAX_AHEAD
