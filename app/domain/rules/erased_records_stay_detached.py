"""An order or a cart detached by an erasure stays detached (SPEC §4.3: orders and carts stay,
detached from personal data; no automation fires for the erased contact afterwards).

Shops re-send a whole order, its customer and addresses with it, on every status update, and
retry their webhooks; a cart is re-sent likewise. Such a write to a stored order or cart whose
contact was erased applies as any write does (statuses, amounts, line items, tags, metadata,
the same stale rules) but leaves it detached: on the erased contact, without the customer id
and the addresses, merging into no contact and recording no consent. Otherwise the phone it
carries made a new contact, the addresses and the customer id came back, and the next
shipping notification or cart recovery went to the person erased. A record never stored
before with the same phone is a new one: it makes a new contact (README "Erasure")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The columns of an order or a cart that are personal data: erasure nulls them, and a write
# to a record it detached writes them null.
DETACHED_COLUMNS = ("customer_external_id", "shipping_address", "billing_address")

# The label under which a stored order's or cart's row carries its contact's `erased_at`.
CONTACT_ERASED_AT = "contact_erased_at"


def stays_detached(stored: Mapping[str, Any]) -> bool:
    """Whether a write over the stored record `stored` (its row with its contact's `erased_at`
    as CONTACT_ERASED_AT) keeps it detached: its contact was erased."""
    return stored[CONTACT_ERASED_AT] is not None


def detached(values: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The row `values` a write gives a record that stays detached: on the contact `stored`
    has (the erased one), its DETACHED_COLUMNS null, every other value as written."""
    return {**values, **dict.fromkeys(DETACHED_COLUMNS), "contact_id": stored["contact_id"]}
