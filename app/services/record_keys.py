"""The keys (`app.db.key_locks`) of the records a write may insert or change, by resource: the
record's own id, its contact's phone and the customer id the contact may take. A batch's chunk
takes those of all its items first on PostgreSQL (`batches.Kind.keys`), so that concurrent
batches of the same new records, in any order, take turns instead of deadlocking.

Each function takes the store and one validated command and yields its keys (signed 64-bit
integers). Single writes declare theirs too (`key_locks.declare`, through `of_write`), which a
PostgreSQL group commit takes before its writes run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from app.db.key_locks import key
from app.domain.commands import CartInput, CustomerInput, EmbeddedCustomer, OrderInput, ShipmentInput
from app.domain.phone import Phone


def _contact(store_id: int, phone: Phone | None, customer: CustomerInput | EmbeddedCustomer | None) -> Iterator[int]:
    """The contact of `phone` (upserted on the store's phone) and the customer id it may take
    (unique in the store: a contact's and a customer record's)."""
    if phone is not None:
        yield key("phone", store_id, phone.e164)
    if customer is not None and customer.external_id is not None:
        yield key("customer", store_id, customer.external_id)


def order(store_id: int, command: OrderInput) -> Iterator[int]:
    """An order: its id, its contact, the contact's customer id (the carts the order recovers
    are its contact's)."""
    yield key("order", store_id, command.external_id)
    yield from _contact(store_id, command.phone, command.customer)


def cart(store_id: int, command: CartInput) -> Iterator[int]:
    """A cart or a checkout (one table, one id space): its id, its contact, the customer id."""
    yield key("cart", store_id, command.external_id)
    yield from _contact(store_id, command.phone, command.customer)


def customer(store_id: int, command: CustomerInput) -> Iterator[int]:
    """A customer: its id (its record's and the contact's), its phone's contact."""
    yield from _contact(store_id, command.phone, command)


def shipment(store_id: int, command: ShipmentInput) -> Iterator[int]:
    """A shipment: its id (its order is read, not written)."""
    yield key("shipment", store_id, command.external_id)


def order_id(store_id: int, external_id: str) -> Iterator[int]:
    """A PATCH of the order `external_id`: its id alone (a PATCH changes no contact, SPEC §3.1)."""
    yield key("order", store_id, external_id)


def cart_id(store_id: int, external_id: str) -> Iterator[int]:
    """A PATCH of the cart or checkout `external_id`: its id alone (SPEC §3.3)."""
    yield key("cart", store_id, external_id)


def erasure(store_id: int, external_id: str) -> Iterator[int]:
    """An erasure of the customer id `external_id`: the id, which every write of its record or
    of an order or a cart naming it declares, so that an erasure and those writes take turns."""
    yield key("customer", store_id, external_id)


def phone_erasure(store_id: int, e164: str) -> Iterator[int]:
    """An erasure of the contact of the phone `e164`: its phone's key, which every write
    attaching a record to that phone declares."""
    yield key("phone", store_id, e164)


def of_write(keys: Callable[[int, Any], Iterator[int]]) -> Callable[..., Iterator[int]]:
    """`keys(store_id, subject)` as the keys of a single write `work(conn, store_id, subject,
    …)` (`key_locks.declare`; `subject`: a command, a patched record's id, or an erased
    customer id), whose further arguments name no record."""
    return lambda store_id, subject, *_: keys(store_id, subject)
