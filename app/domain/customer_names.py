"""Other platforms' places for the customer of an order or a cart, read where the `customer`
object does not give the field (README "Platform payloads"): Magento 2's `customer_email`,
`customer_firstname` and `customer_lastname`, at the top level of its order (`sales_order`,
REST `OrderInterface`) and of its quote (`quote`, a cart or checkout), and an address's `email`
(WooCommerce's `billing.email`, the only email its order carries, and Magento's
`OrderAddressInterface` `email`, on both its addresses).

`{"customer_email": "jo@example.com", "customer_firstname": "Jo", "customer": {"phone": "…"}}`
is read as `{"customer": {"phone": "…", "email": "jo@example.com", "first_name": "Jo"}}`; with
no `customer`, they make one (its phone is then an address's, `rules/phone_of_the_order`)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .platform_names import CUSTOMER_NAMES, ORDER_NAMES, addresses_in_our_names
from .text import is_blank

# The customer's field -> where else it is read from (a path from the order's root), in order.
# The customer's own value wins; theirs fill it only where it is absent (null or blank, SPEC §10).
CUSTOMER_SOURCES: Mapping[str, tuple[tuple[str, ...], ...]] = MappingProxyType(
    {
        # Magento's top-level name first: the address's email is only who paid or receives
        "email": (("customer_email",), ("billing_address", "email"), ("shipping_address", "email")),
        "first_name": (("customer_firstname",),),
        "last_name": (("customer_lastname",),),
    }
)
# The order's (or cart's) top-level names read, and an address's: known keys, whose text is
# checked as the field's (`known_fields.kept`), though no field of the command holds them.
TOP_LEVEL_NAMES = frozenset(path[0] for paths in CUSTOMER_SOURCES.values() for path in paths if len(path) == 1)
IN_ADDRESSES = frozenset(path[-1] for paths in CUSTOMER_SOURCES.values() for path in paths if len(path) == 2)
_ADDRESSES = tuple(dict.fromkeys(path[0] for paths in CUSTOMER_SOURCES.values() for path in paths if len(path) == 2))

_MISSING = object()
# Our address -> WooCommerce's name for it (`billing`), where an address's email was sent.
_THEIR_ADDRESSES: Mapping[str, str] = MappingProxyType({ours: theirs for theirs, ours in ORDER_NAMES.items()})
# The customer's field -> its other names in the customer object (Magento's `firstname`): the
# customer's own value too, which wins over the order's top-level one.
_CUSTOMERS_OWN: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {field: tuple(theirs for theirs, ours in CUSTOMER_NAMES.items() if ours == field) for field in CUSTOMER_SOURCES}
)


def customer_in_our_names(data: Any) -> Any:
    """`data` (an order or a cart as sent) with the customer's absent fields read from the
    other places (`CUSTOMER_SOURCES`), as sent: the customer's own types check them, and a
    refusal is placed at the name sent (`sent_at`). A `customer` absent altogether (null, blank,
    `[]`) is made of them; one of another kind (`"x"`, `5`) is left to its type to refuse."""
    if not (data.__class__ is dict or isinstance(data, Mapping)) or not _names_sent(data):
        return data
    customer = data.get("customer")
    if _absent(customer) or (customer.__class__ is list and not customer):  # PHP's empty array too
        customer = {}
    elif not isinstance(customer, Mapping):
        return data
    read = {field: given[1] for field in CUSTOMER_SOURCES if (given := _given(data, customer, field)) is not None}
    return {**data, "customer": {**customer, **read}} if read else data


def sent_at(data: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Where the value an error of the customer's field at `path` (`("customer", "email")`) is
    about was sent: the other name it was read from (`("customer_email",)`, `("billing",
    "email")` for WooCommerce's billing), else `path`."""
    if len(path) != 2 or path[0] != "customer" or path[1] not in CUSTOMER_SOURCES or not isinstance(data, Mapping):
        return path
    read = addresses_in_our_names(data)  # WooCommerce's `billing.email` is sent at `billing`
    customer = read.get("customer")
    given = _given(read, customer if isinstance(customer, Mapping) else {}, str(path[1]))
    if given is None:
        return path
    at = given[0]
    if at[0] in _THEIR_ADDRESSES and read.get(at[0]) is not data.get(at[0]):
        return (_THEIR_ADDRESSES[at[0]], *at[1:])
    return at


def _names_sent(data: Mapping[str, Any]) -> bool:
    """Any other name in `data`: on every order and cart, so the common case (none) costs a few
    lookups, no generator and no ABC check for a JSON body's dicts."""
    if not TOP_LEVEL_NAMES.isdisjoint(data):
        return True
    for name in _ADDRESSES:
        address = data.get(name)
        if address is not None and (address.__class__ is dict or isinstance(address, Mapping)):
            if not IN_ADDRESSES.isdisjoint(address):
                return True
    return False


def _given(data: Mapping[str, Any], customer: Mapping[str, Any], field: str) -> tuple[tuple[str, ...], Any] | None:
    """(the path, the value) read into the customer's absent `field`; None when the customer
    gives it, or no other place does."""
    if not _absent(customer.get(field)) or any(not _absent(customer.get(name)) for name in _CUSTOMERS_OWN[field]):
        return None
    for path in CUSTOMER_SOURCES[field]:
        value = _value_at(data, path)
        if value is not _MISSING and not _absent(value):
            return path, value
    return None


def _value_at(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for name in path:
        if not isinstance(value, Mapping) or name not in value:
            return _MISSING
        value = value[name]
    return value


def _absent(value: Any) -> bool:
    return value is None or is_blank(value)
