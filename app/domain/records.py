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

# Descriptions of fields many records share.
_ID = _about("Kanal's own id of the record")
_STORE_ID = _about("The store's id")
_CREATED_AT = _about("When Kanal first stored it (UTC)")
_UPDATED_AT = _about("When Kanal last changed it (UTC); the source's own time is kept apart")
_TAGS = _about("Its tags, a list in the order sent")
_METADATA = _about("A free-form JSON object, as sent")
_CURRENCY = _about("ISO 4217 code, upper-cased; null when none was sent")
_TOTAL_PRICE = _about("Its total as sent, exact, in its currency's decimals")
_CUSTOMER_EXTERNAL_ID = _about("The external id its customer was sent with (SPEC §4.2)")
_CONTACT = _about("The contact it is attached to (SPEC §4.1): who a message would reach")
_LINE_ITEMS = _about(
    "Its line items: JSON objects as the shop sent them, except that `price` and `quantity` are "
    "stored as JSON numbers, exact to 15 significant digits (99999999999999.99 is answered as "
    "99999999999999.98), and a `title` or `quantity` sent under a platform's name is added under ours"
)
_SHIPPING_ADDRESS = _about("The shipping address, as sent")
_BILLING_ADDRESS = _about("The billing address, as sent")
_AS_SENT = _about("As sent")
# A contact's own data: merged from the customers, orders and carts written to it (SPEC §4.2).
_MERGED = _about("Merged from the customers, orders and carts written to it (SPEC §4.2)")
_SOURCE_UPDATED_AT = _about("updated_at as the source last sent it")


@dataclass(frozen=True, slots=True)
class ContactRef:
    """The contact an order or a cart is attached to: who a message would reach."""

    id: int = field(metadata=_about("Kanal's id of the contact"))
    phone: str | None = field(metadata=_about("E.164; null once the contact was erased"))


@dataclass(frozen=True, slots=True)
class Address:
    """A shipping or billing address as the shop sent it (country upper-cased)."""

    first_name: str | None = field(metadata=_AS_SENT)
    last_name: str | None = field(metadata=_AS_SENT)
    company: str | None = field(metadata=_AS_SENT)
    address1: str | None = field(metadata=_AS_SENT)
    address2: str | None = field(metadata=_AS_SENT)
    city: str | None = field(metadata=_AS_SENT)
    province: str | None = field(metadata=_AS_SENT)
    zip: str | None = field(metadata=_AS_SENT)
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

    id: int = field(metadata=_ID)
    external_id: str = field(metadata=_about("The shop's order id: with the store, its key (SPEC §3.1)"))
    store_id: int = field(metadata=_STORE_ID)
    placed_at: datetime = field(metadata=_about("When it was placed (UTC): the instant dashboards count it at"))
    total_price: Amount = field(
        metadata=_about(
            "Its total as sent, exact, in its currency's decimals; dashboards count it in full whatever its "
            "financial status (gross revenue)"
        )
    )
    currency: str | None = field(metadata=_CURRENCY)
    financial_status: str | None = field(
        metadata=_about("Free text as sent (pending, paid, refunded, …), trimmed and lower-cased")
    )
    fulfillment_status: str | None = field(
        metadata=_about("Free text as sent (unfulfilled, fulfilled, …), trimmed and lower-cased")
    )
    customer_external_id: str | None = field(metadata=_CUSTOMER_EXTERNAL_ID)
    contact: ContactRef = field(metadata=_CONTACT)
    line_items: list[dict[str, Any]] = field(metadata=_LINE_ITEMS)
    tags: list[str] = field(metadata=_TAGS)
    metadata: dict[str, Any] = field(metadata=_METADATA)
    created_at: datetime = field(metadata=_CREATED_AT)
    updated_at: datetime = field(metadata=_UPDATED_AT)
    shipping_address: Address | None = field(metadata=_SHIPPING_ADDRESS)
    billing_address: Address | None = field(metadata=_BILLING_ADDRESS)
    phone_source: str | None = field(metadata=_PHONE_SOURCE)
    source_updated_at: datetime | None = field(metadata=_SOURCE_UPDATED_AT)


@dataclass(frozen=True, slots=True)
class Shipment:
    """A shipment of an order of the same store (SPEC §3.2)."""

    id: int = field(metadata=_ID)
    external_id: str = field(metadata=_about("The shop's shipment id: with the store, its key (SPEC §3.2)"))
    store_id: int = field(metadata=_STORE_ID)
    order_id: int = field(metadata=_about("Kanal's id of its order"))
    order_external_id: str = field(metadata=_about("The external id of its order, an order of the same store"))
    tracking_number: str | None = field(metadata=_about("As sent, its surrounding whitespace cut"))
    tracking_url: str | None = field(metadata=_about("An http(s) URL, as sent"))
    carrier: str | None = field(metadata=_about("As sent, its surrounding whitespace cut"))
    status: Annotated[str, _values(ShipmentStatus)] | None = field(metadata=_one_of(ShipmentStatus))
    metadata: dict[str, Any] = field(metadata=_METADATA)
    created_at: datetime = field(metadata=_CREATED_AT)
    updated_at: datetime = field(metadata=_UPDATED_AT)
    source_updated_at: datetime | None = field(metadata=_SOURCE_UPDATED_AT)


@dataclass(frozen=True, slots=True)
class Cart:
    """An abandoned cart, also served as a checkout (SPEC §3.3)."""

    id: int = field(metadata=_ID)
    external_id: str = field(metadata=_about("The shop's cart or checkout token: with the store, its key (SPEC §3.3)"))
    store_id: int = field(metadata=_STORE_ID)
    status: Annotated[str, _values(CartStatus)] = field(metadata=_one_of(CartStatus))
    abandoned_at: datetime = field(metadata=_about("When it was abandoned (UTC): the instant dashboards count it at"))
    completed_at: datetime | None = field(
        metadata=_about(
            "When the checkout was bought (`completed_at` as sent): no recovery then; null until it is bought"
        )
    )
    total_price: Amount = field(metadata=_TOTAL_PRICE)
    currency: str | None = field(metadata=_CURRENCY)
    recovery_url: str | None = field(metadata=_about("The link that resumes the cart (http(s)), as sent"))
    customer_external_id: str | None = field(metadata=_CUSTOMER_EXTERNAL_ID)
    contact: ContactRef = field(metadata=_CONTACT)
    line_items: list[dict[str, Any]] = field(metadata=_LINE_ITEMS)
    tags: list[str] = field(metadata=_TAGS)
    metadata: dict[str, Any] = field(metadata=_METADATA)
    created_at: datetime = field(metadata=_CREATED_AT)
    updated_at: datetime = field(metadata=_UPDATED_AT)
    shipping_address: Address | None = field(metadata=_SHIPPING_ADDRESS)
    billing_address: Address | None = field(metadata=_BILLING_ADDRESS)
    phone_source: str | None = field(metadata=_PHONE_SOURCE)
    source_updated_at: datetime | None = field(metadata=_SOURCE_UPDATED_AT)


@dataclass(frozen=True, slots=True)
class PurposeConsent:
    """A contact's WhatsApp consent for one purpose (README, "WhatsApp consent, and why an automation fired or not")."""

    state: str = field(metadata=_about("subscribed, unsubscribed or not_subscribed (never given)"))
    consented_at: datetime | None = field(metadata=_about("When the customer gave it"))
    source: str | None = field(metadata=_about("Where it was collected, as the shop said"))


@dataclass(frozen=True, slots=True)
class WhatsappConsent:
    """A contact's WhatsApp consent, per purpose: marketing (cart recovery), utility (shipping)."""

    marketing: PurposeConsent = field(metadata=_about("For marketing messages: cart recovery"))
    utility: PurposeConsent = field(metadata=_about("For utility messages: shipping notifications"))


@dataclass(frozen=True, slots=True)
class ConsentChange:
    """One change of a contact's consent, with the write that brought it."""

    purpose: str = field(metadata=_about("marketing or utility"))
    state: str = field(metadata=_about("The state it set: subscribed, unsubscribed or not_subscribed"))
    previous_state: str | None = field(metadata=_about("The state before it"))
    consented_at: datetime = field(
        metadata=_about("When the customer gave it; when it arrived, if the shop sent no time")
    )
    source: str | None = field(metadata=_about("Where it was collected, as the shop said"))
    written_by: str = field(metadata=_about("customer, order or cart"))
    written_by_id: str | None = field(metadata=_about("The external id of the customer, order or cart"))
    recorded_at: datetime = field(metadata=_about("When Kanal recorded it (UTC)"))


@dataclass(frozen=True, slots=True)
class Customer:
    """A shop's customer record (SPEC §3.4). Its contact (`contact`: id and E.164 phone) and
    `phone_source` are given as orders and carts give theirs (an amendment of SPEC §3.4, which
    kept the phone out of the response)."""

    external_id: str | None = field(
        metadata=_about("The shop's customer id; null for a guest buyer, known by the phone alone (SPEC §3.4)")
    )
    store_id: int = field(metadata=_STORE_ID)
    first_name: str | None = field(metadata=_AS_SENT)
    last_name: str | None = field(metadata=_AS_SENT)
    email: str | None = field(metadata=_AS_SENT)
    locale: str | None = field(metadata=_about("As sent, at most 10 characters (e.g. fr-FR)"))
    tags: list[str] = field(metadata=_TAGS)
    lifetime_value: int | None = field(metadata={**_WIDE, **_about("As sent: a whole number >= 0 (SPEC §3.4)")})
    orders_count: int | None = field(metadata={**_WIDE, **_about("As sent: a whole number >= 0 (SPEC §3.4)")})
    contact: ContactRef = field(metadata=_CONTACT)
    phone_type: str | None = field(metadata=_about("mobile, fixed_line, …; null once erased"))
    phone_source: str | None = field(
        metadata=_about(f"Where the contact's phone was last taken from: {_PHONE_SOURCES}")
    )
    created_at: datetime = field(metadata=_CREATED_AT)
    updated_at: datetime = field(metadata=_UPDATED_AT)
    source_updated_at: datetime | None = field(metadata=_SOURCE_UPDATED_AT)
    whatsapp_consent: WhatsappConsent = field(
        metadata={"column": "consent", **_about("Its contact's WhatsApp consent, per purpose")}
    )


@dataclass(frozen=True, slots=True)
class Contact:
    """A WhatsApp identity: one per (store, E.164 phone) (SPEC §4.1)."""

    id: int = field(metadata=_ID)
    store_id: int = field(metadata=_STORE_ID)
    phone: str | None = field(metadata=_about("E.164; null once erased"))
    phone_type: str | None = field(
        metadata=_about("mobile, fixed_line, …: only a mobile-capable one receives WhatsApp (SPEC §4.1)")
    )
    phone_source: str | None = field(metadata=_about(f"Where its phone was last taken from: {_PHONE_SOURCES}"))
    external_id: str | None = field(
        metadata=_about(
            "The customer id it holds: of the customer record last written to it, or an order's or cart's customer"
        )
    )
    first_name: str | None = field(metadata=_MERGED)
    last_name: str | None = field(metadata=_MERGED)
    email: str | None = field(metadata=_MERGED)
    locale: str | None = field(metadata=_MERGED)
    tags: list[str] = field(metadata=_MERGED)
    created_at: datetime = field(metadata=_CREATED_AT)
    updated_at: datetime = field(metadata=_UPDATED_AT)
    erased_at: datetime | None = field(
        metadata=_about("When its personal data was erased (SPEC §4.3); null until it is")
    )
    consent: WhatsappConsent = field(metadata=_about("Its WhatsApp consent, per purpose"))


@dataclass(frozen=True, slots=True)
class Event:
    """A recorded change (SPEC §6): the outbox row an automation is fired from."""

    id: str = field(metadata={"column": "event_id", "description": "Stable id, as in webhook deliveries"})
    type: str = field(metadata=_about("e.g. order.created, cart.recovery_due (SPEC §6)"))
    subject_type: str = field(metadata=_about("order, shipment, cart or contact"))
    subject_id: int = field(metadata=_about("Kanal's id of its subject"))
    contact_id: int | None = field(metadata=_about("Kanal's id of the contact it is about; null when none"))
    data: dict[str, Any] = field(metadata=_about("subject, contact, before and after"))
    backfill: bool = field(metadata=_about("True when a historical import (backfill) recorded it: never delivered"))
    created_at: datetime = field(metadata=_about("When it was recorded (UTC)"))
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

    webhook_id: int = field(metadata=_about("The webhook subscription's id"))
    url: str = field(metadata=_about("Where it is sent: the subscription's URL"))
    status: str = field(metadata=_about("pending, delivered, dead (retries exhausted) or cancelled"))
    attempts: int = field(metadata=_about("How many times it was sent"))
    last_status: int | None = field(metadata=_about("The HTTP status the last attempt got; null when none"))
    last_error: str | None = field(metadata=_about("Why the last attempt failed; null when none did"))
    next_attempt_at: datetime = field(metadata=_about("When it is due to be sent next"))
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
