"""A shipment never goes back from a final status (README, "Stale and out-of-order writes").

`delivered` and `returned` are final. A late `pending` or `in_transit` webhook after one of
them (or a write with no status, or `failed`) is out of order: the status stays, unless the
write carries an `updated_at` strictly newer than the stored one (the source says the parcel
really moved on). `failed` is not final: carriers retry failed attempts, so `failed` may be
followed by any status; but it ranks before the final ones, so a late `failed` never replaces
`delivered` or `returned`. Between the final statuses (`delivered` then `returned`, a parcel
sent back) any move is allowed."""

from __future__ import annotations

from app.domain.statuses import ShipmentStatus

from .stale_writes import Arrival

FINAL = frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED})


def goes_back(stored: str | None, sent: str | None, arrival: Arrival) -> bool:
    """Whether writing status `sent` over status `stored` (None: no status) would leave a final
    status for an earlier one without a strictly newer source time (`stale_writes.arrival`):
    then the stored status stays and the write fires nothing."""
    return stored in FINAL and sent not in FINAL and arrival is not Arrival.NEWER
