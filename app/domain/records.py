"""Typed records: one per aggregate, what services and the read side return.

REST renders a record as it is (orjson serialises dataclasses; an `Amount` becomes a money
string in its currency's decimals), the OpenAPI response schemas are generated from these
classes, and the GraphQL types take their plain fields from them (`graphql_schema/derived.py`).
So a new field is added here once, not in a renderer, a response schema and a GraphQL type.

Rows become records through `of_row(Record, row)`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from operator import itemgetter
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import WithJsonSchema

from .livemode import public_store_id
from .money import Amount, places_of
from .rules.phone_of_the_order import PhoneSource
from .statuses import CartStatus, ShipmentStatus

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def _about(description: str) -> dict[str, str]:
    """Field metadata whose description reaches the OpenAPI document and the GraphQL schema.
    (Written `field(metadata=_about(…))` so that type checkers see a field without a default.)"""
    return {"description": description}


def _values(enum: type[StrEnum]) -> WithJsonSchema:
    """A status: a plain string in the record (as stored), one of the enum's values in the schema."""
    return WithJsonSchema({"enum": [member.value for member in enum], "type": "string"})


def _one_of(enum: type[StrEnum]) -> dict[str, str]:
    *others, last = (member.value for member in enum)
    return _about(f"{', '.join(others)} or {last}")


# A count that may exceed 32 bits (SPEC §3.4: integer >= 0; the commands accept up to 2^62).
_WIDE = {"wide": True}


@dataclass(frozen=True, slots=True)
class ContactRef:
    """The contact an order or a cart is attached to: who a message would reach."""

    id: int
    phone: str | None = field(metadata=_about("E.164; null once the contact was erased"))


@dataclass(frozen=True, slots=True)
class Address:
    """A shipping or billing address as the shop sent it (country upper-cased)."""

    first_name: str | None
    last_name: str | None
    company: str | None
    address1: str | None
    address2: str | None
    city: str | None
    province: str | None
    zip: str | None
    country_code: str | None = field(metadata=_about("ISO 3166 alpha-2, or XK, AC, TA"))
    phone: str | None = field(metadata=_about("As sent"))

    @classmethod
    def of(cls, stored: Mapping[str, Any] | None) -> Address | None:
        """The address of a stored JSON object (None stays None; keys it does not know are left)."""
        if stored is None:
            return None
        return cls(*[stored.get(item.name) for item in dataclasses.fields(cls)])


def _phone_sources() -> str:
    """The values of `phone_source`, in their order of priority (`rules.phone_of_the_order`)."""
    said = {PhoneSource.TOP_LEVEL: "phone (the order's or cart's own)"}
    *others, last = (said.get(member, member.value) for member in PhoneSource)
    return f"{', '.join(others)} or {last}"


_PHONE_SOURCES = _phone_sources()
_PHONE_SOURCE = _about(f"Where the phone used came from: {_PHONE_SOURCES}")


@dataclass(frozen=True, slots=True)
class Order:
    """An order (SPEC §3.1): amounts exact, times in UTC."""

    id: int
    external_id: str
    store_id: int
    placed_at: datetime
    total_price: Amount
    currency: str | None
    financial_status: str | None
    fulfillment_status: str | None
    customer_external_id: str | None
    contact: ContactRef
    line_items: list[dict[str, Any]]
    tags: list[str]
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    shipping_address: Address | None
    billing_address: Address | None
    phone_source: str | None = field(metadata=_PHONE_SOURCE)
    source_updated_at: datetime | None = field(metadata=_about("updated_at as the source last sent it"))


@dataclass(frozen=True, slots=True)
class Shipment:
    """A shipment of an order of the same store (SPEC §3.2)."""

    id: int
    external_id: str
    store_id: int
    order_id: int
    order_external_id: str
    tracking_number: str | None
    tracking_url: str | None
    carrier: str | None
    status: Annotated[str, _values(ShipmentStatus)] | None = field(metadata=_one_of(ShipmentStatus))
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    source_updated_at: datetime | None = field(metadata=_about("updated_at as the source last sent it"))


@dataclass(frozen=True, slots=True)
class Cart:
    """An abandoned cart, also served as a checkout (SPEC §3.3)."""

    id: int
    external_id: str
    store_id: int
    status: Annotated[str, _values(CartStatus)] = field(metadata=_one_of(CartStatus))
    abandoned_at: datetime
    completed_at: datetime | None = field(
        metadata=_about("When the checkout was bought (`completed_at` as sent): no recovery then; null until")
    )
    total_price: Amount
    currency: str | None
    recovery_url: str | None
    customer_external_id: str | None
    contact: ContactRef
    line_items: list[dict[str, Any]]
    tags: list[str]
    metadata: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    shipping_address: Address | None
    billing_address: Address | None
    phone_source: str | None = field(metadata=_PHONE_SOURCE)
    source_updated_at: datetime | None = field(metadata=_about("updated_at as the source last sent it"))


@dataclass(frozen=True, slots=True)
class PurposeConsent:
    """A contact's WhatsApp consent for one purpose (issue 15, `app.domain.consent`)."""

    state: str = field(metadata=_about("subscribed, unsubscribed or not_subscribed (never given)"))
    consented_at: datetime | None = field(metadata=_about("When the customer gave it"))
    source: str | None = field(metadata=_about("Where it was collected, as the shop said"))


@dataclass(frozen=True, slots=True)
class WhatsappConsent:
    """A contact's WhatsApp consent, per purpose: marketing (cart recovery), utility (shipping)."""

    marketing: PurposeConsent
    utility: PurposeConsent


@dataclass(frozen=True, slots=True)
class ConsentChange:
    """One change of a contact's consent, with the write that brought it."""

    purpose: str
    state: str
    previous_state: str | None
    consented_at: datetime
    source: str | None
    written_by: str = field(metadata=_about("customer, order or cart"))
    written_by_id: str | None = field(metadata=_about("The external id of the customer, order or cart"))
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Customer:
    """A shop's customer record (SPEC §3.4). Its contact (`contact`: id and E.164 phone) and
    `phone_source` are given as orders and carts give theirs (issue 13 amends SPEC §3.4, which
    kept the phone out of the response)."""

    external_id: str | None
    store_id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    locale: str | None
    tags: list[str]
    lifetime_value: int | None = field(metadata=_WIDE)
    orders_count: int | None = field(metadata=_WIDE)
    contact: ContactRef
    phone_type: str | None = field(metadata=_about("mobile, fixed_line, …; null once erased"))
    phone_source: str | None = field(
        metadata=_about(f"Where the contact's phone was last taken from: {_PHONE_SOURCES}")
    )
    created_at: datetime
    updated_at: datetime
    source_updated_at: datetime | None = field(metadata=_about("updated_at as the source last sent it"))
    whatsapp_consent: WhatsappConsent = field(metadata={"column": "consent"})


@dataclass(frozen=True, slots=True)
class Contact:
    """A WhatsApp identity: one per (store, E.164 phone) (SPEC §4.1)."""

    id: int
    store_id: int
    phone: str | None = field(metadata=_about("E.164; null once erased"))
    phone_type: str | None
    phone_source: str | None = field(metadata=_about(f"Where its phone was last taken from: {_PHONE_SOURCES}"))
    external_id: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    locale: str | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    erased_at: datetime | None
    consent: WhatsappConsent


@dataclass(frozen=True, slots=True)
class Event:
    """A recorded change (SPEC §6): the outbox row an automation is fired from."""

    id: str = field(metadata={"column": "event_id", "description": "Stable id, as in webhook deliveries"})
    type: str
    subject_type: str
    subject_id: int
    contact_id: int | None
    data: dict[str, Any] = field(metadata=_about("subject, contact, before and after"))
    backfill: bool
    created_at: datetime
    automation: str | None = field(
        metadata=_about("The automation it triggers or settles: cart_recovery, shipping_notification")
    )
    reason: str | None = field(
        metadata=_about(
            "Why that automation fired or not (README, the reasons vocabulary): fired, not_due_yet, backfill,"
            " no_consent, erased, recovered_by_order, completed or marked_by_shop. A message's reason becomes"
            " why it did not go out when its delivery is claimed (no_consent, erased; for a cart recovery"
            " recovered_by_order, completed or marked_by_shop), and stays fired once a delivery of it was delivered"
        )
    )
    row_id: int = field(metadata={"column": "id"})  # the outbox's order, for cursors and deliveries


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event's delivery to one webhook subscription (SPEC §6)."""

    webhook_id: int
    url: str
    status: str = field(metadata=_about("pending, delivered, dead (retries exhausted) or cancelled"))
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime
    delivered_at: datetime | None = field(
        metadata=_about("When it was last delivered; kept when it is sent again (kanal webhooks redeliver)")
    )


R = TypeVar("R", bound="DataclassInstance")

_Read = Callable[[Mapping[str, Any]], Any]


def _reader(item: dataclasses.Field[Any]) -> _Read:
    """How a record field is read from a row of its table: the column of the same name, or the
    one its metadata names."""
    name = item.metadata.get("column", item.name)
    if name == "contact":
        return lambda row: ContactRef(row["contact_id"], row["contact_phone"])
    if name == "store_id":  # the public id, whichever space the row lives in
        return lambda row: public_store_id(row[name])
    if name in ("tags", "line_items"):
        return lambda row: row[name] or []
    if name == "metadata":
        return lambda row: row[name] or {}
    if name == "total_price":
        return lambda row: Amount(row[name], places_of(row["currency"]))
    if name in ("shipping_address", "billing_address"):
        return lambda row: Address.of(row[name])
    if name == "consent":
        return _consent
    return itemgetter(name)


def _consent(row: Mapping[str, Any]) -> WhatsappConsent:
    """A contact's consent columns (`app.domain.consent.columns`); never given: not_subscribed."""

    def purpose(name: str) -> PurposeConsent:
        state = row[f"{name}_consent"] or "not_subscribed"
        return PurposeConsent(state, row[f"{name}_consented_at"], row[f"{name}_consent_source"])

    return WhatsappConsent(purpose("marketing"), purpose("utility"))


@cache
def _readers(record: type[DataclassInstance]) -> tuple[_Read, ...]:
    return tuple(_reader(item) for item in dataclasses.fields(record))


def of_row(record: type[R], row: Mapping[Any, Any]) -> R:
    """The record of a row (a mapping of column names to values): the columns of the same
    name; NULL tags, line items and metadata as `[]` / `{}`; `total_price` as an `Amount` in
    the row's `currency`; the addresses as `Address`; `contact` from the `contact_id` and
    `contact_phone` columns; `store_id` as the public store id (app/domain/livemode.py).
    Raises KeyError when a column is missing from the row."""
    return record(*[read(row) for read in _readers(record)])
