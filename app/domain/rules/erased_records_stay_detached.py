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
that table's primary key, in the statement that attaches its contact. It also sets the record's
own `detached_at`: on PostgreSQL an erasure may commit after a write has looked for the note
and before the write locks the record's row; the row the write then locks says so
(`erased_meanwhile`), and the write runs again from the start, to be written detached."""

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
# The column of an order or a cart: when an erasure detached it (the erased contact's erased_at).
DETACHED_AT = "detached_at"


def detached(values: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The row `values` a write gives a record that stays detached: on the contact `stored`
    has (the erased one), its DETACHED_COLUMNS null, every other value as written."""
    return {**values, **dict.fromkeys(DETACHED_COLUMNS), "contact_id": stored["contact_id"]}


def erased_meanwhile(stored: Mapping[str, Any] | None, detached_from: Mapping[str, Any] | None) -> bool:
    """Whether a write that found no note of an erasure (`detached_from` None: it attached its
    contact) meets, under the lock of the stored row `stored` (None: it created the row), a
    record an erasure detached since: committed between the write's look and its lock
    (PostgreSQL's READ COMMITTED; SQLite runs one write at a time). Such a write is to run again
    from the start, so that it finds the note and leaves the record detached."""
    return detached_from is None and stored is not None and stored[DETACHED_AT] is not None
