"""The phone an order or a cart is attached by (SPEC §4.1 as amended in the README, "Phones as
shops send them").

Platforms put the phone where their checkout asked for it: on the customer, at the top level
of the order or checkout (Shopify's `phone`), or only on the shipping or billing address. The
contact is the first phone given of `customer.phone`, `phone`, `shipping_address.phone`,
`billing_address.phone`; the record says which (`phone_source`). A number written without
`+`/`00` is read in the shipping address's country, else the billing address's, else the
store's region: where the parcel goes is where the number most likely is. But a phone taken
from an address is read in that address's own country when it names one: the buyer wrote it
in that address, and read in the other address's country it named another country's number,
a stranger's (a Belgian `0470 12 34 56` billed from Belgium, shipped to Germany, was
`+49470123456`), or none, losing the order."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

P = TypeVar("P")


class PhoneSource(StrEnum):
    """Where the phone used came from: its value is the object holding it in the input (the
    order's own top level for `TOP_LEVEL`, whose value is the field itself), `path` the field."""

    CUSTOMER = "customer"
    TOP_LEVEL = "phone"  # Shopify's order's and checkout's own `phone`
    SHIPPING_ADDRESS = "shipping_address"
    BILLING_ADDRESS = "billing_address"

    @property
    def path(self) -> tuple[str, ...]:
        """The phone's path in the input: `("phone",)`, `("shipping_address", "phone")`, …"""
        return (self.value,) if self is PhoneSource.TOP_LEVEL else (self.value, "phone")


def phone_given(
    customer_phone: P | None, top_level_phone: str | None, shipping_phone: str | None, billing_phone: str | None
) -> tuple[P | str, PhoneSource] | None:
    """The phone to use (the customer's as given, parsed or not; the order's top-level one or an
    address's as sent) and where it came from, in that order of priority, or None when no phone
    was given. A blank string counts as absent (SPEC §10)."""
    if customer_phone is not None and not (isinstance(customer_phone, str) and not customer_phone.strip()):
        return customer_phone, PhoneSource.CUSTOMER
    sent = (
        (top_level_phone, PhoneSource.TOP_LEVEL),
        (shipping_phone, PhoneSource.SHIPPING_ADDRESS),
        (billing_phone, PhoneSource.BILLING_ADDRESS),
    )
    for text, source in sent:
        if text is not None and text.strip():
            return text, source
    return None


def region_for_phone(
    shipping_country: str | None,
    billing_country: str | None,
    store_region: str | None,
    own_country: str | None = None,
) -> str | None:
    """The region (ISO 3166 alpha-2) national numbers are read in: `own_country`, the country of
    the address the phone was taken from, when it names one; else the shipping address's
    country, else the billing address's, else the store's region (None: international only)."""
    return own_country or shipping_country or billing_country or store_region
