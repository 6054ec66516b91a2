"""The statuses the service itself sets or checks: one StrEnum per kind of record.

Members are `str`s, so they compare equal to, store and serialise as their value. Order
financial and fulfilment statuses are free-form (the shop's own words) and have no enum; they
are kept in one form (`order_status`)."""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class ShipmentStatus(StrEnum):
    """A shipment's status as the shop reports it (SPEC: shipments)."""

    PENDING = "pending"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    FAILED = "failed"
    RETURNED = "returned"


class CartStatus(StrEnum):
    """An abandoned cart's life: `abandoned` until bought (`recovered`) or settled otherwise."""

    ACTIVE = "active"
    ABANDONED = "abandoned"
    RECOVERED = "recovered"
    COMPLETED = "completed"
    EXPIRED = "expired"


class StoreStatus(StrEnum):
    """A paused store answers 404 to every request until it is resumed."""

    ACTIVE = "active"
    PAUSED = "paused"


class DeliveryStatus(StrEnum):
    """A webhook delivery: `pending` until delivered, dead-lettered after its last attempt, or
    cancelled (webhook removed, contact erased, cart settled before its recovery went out)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"
    CANCELLED = "cancelled"


def order_status(text: str) -> str:
    """An order's financial or fulfilment status in the one form it is stored, filtered and
    counted in: Unicode NFKC (full-width `ＰＡＩＤ` is `PAID`), without surrounding whitespace,
    lower-cased (`" PAID"` is `"paid"`), so a dashboard filtering `paid` finds what a shop sent
    as `PAID` (issue 11; README, "Order statuses"). Done in Python at the edge, so both engines
    compare the same strings."""
    if text.isascii():  # NFKC leaves ASCII as it is: spared the look-up
        return text.strip().lower()
    return unicodedata.normalize("NFKC", text).strip().lower()
