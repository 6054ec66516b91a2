"""An order or a cart detached by an erasure stays detached (SPEC §4.3: orders and carts stay,
detached from personal data; no automation fires for the erased contact afterwards).

Shops re-send a whole order, its customer and addresses with it, on every status update, and
retry their webhooks; a cart is re-sent likewise. Such a write to a stored order or cart an
erasure detached applies as any write does (statuses, amounts, line items, tags, metadata,
the same stale rules) but leaves it detached: on the erased contact, without the customer id
and the addresses, merging into no contact and recording no consent. Otherwise the phone it
carries made a new contact, the addresses and the customer id came back, and the next
shipping notification or cart recovery went to the person erased. A record never stored
before with the same phone is a new one: it makes a new contact (README "Erasure").

The erasure notes each record it detaches in `detached_records`, by key: a write finds it by
that table's primary key, in the statement that attaches its contact."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

# The columns of an order or a cart that are personal data: erasure nulls them, and a write
# to a record it detached writes them null.
DETACHED_COLUMNS = ("customer_external_id", "shipping_address", "billing_address")

# The table of a record -> its `resource` in `detached_records`.
RESOURCES: Mapping[str, str] = MappingProxyType({"orders": "order", "carts": "cart"})

# The label under which a stored order's row read by a batch says whether it is detached.
DETACHED = "detached"


def detached(values: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The row `values` a write gives a record that stays detached: on the contact `stored`
    has (the erased one), its DETACHED_COLUMNS null, every other value as written."""
    return {**values, **dict.fromkeys(DETACHED_COLUMNS), "contact_id": stored["contact_id"]}
