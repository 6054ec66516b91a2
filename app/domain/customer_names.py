"""Other platforms' places for the customer of an order or a cart, read where the `customer`
object does not give the field (README "Platform payloads"): Magento 2's `customer_email`,
`customer_firstname` and `customer_lastname`, at the top level of its order (`sales_order`,
REST `OrderInterface`) and of its quote (`quote`, a cart or checkout), and an address's `email`
(WooCommerce's `billing.email`, the only email its order carries, and Magento's
`OrderAddressInterface` `email`, on both its addresses). Where the customer gives neither name,
its first and last name are an address's, as a pair (`NAME_ADDRESSES`): a WooCommerce order,
or a Shopify guest's order or checkout (`customer: null`), names its buyer only there.

`{"customer_email": "jo@example.com", "customer_firstname": "Jo", "customer": {"phone": "…"}}`
is read as `{"customer": {"phone": "…", "email": "jo@example.com", "first_name": "Jo"}}`; with
no `customer`, they make one (its phone is then an address's, `rules/phone_of_the_order`)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .platform_names import ADDRESS_NAMES, CUSTOMER_NAMES, ORDER_NAMES, addresses_in_our_names
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

# The customer's names are read as a pair where the customer gives neither (its own nor Magento's
# top-level ones): both from the first of these addresses holding either name, the billing's
# (who paid) before the shipping's (perhaps a gift's recipient); never one name from each place.
NAME_ADDRESSES: tuple[str, ...] = ("billing_address", "shipping_address")
# The customer's name -> the address's keys holding it, ours first, as its type reads them
# (`platform_names.in_our_names`: Magento's `firstname` where our `first_name` is absent).
NAMES_IN_ADDRESSES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        field: (field, *(theirs for theirs, ours in ADDRESS_NAMES.items() if ours == field))
        for field in ("first_name", "last_name")
    }
)
_NAME_KEYS = frozenset(key for keys in NAMES_IN_ADDRESSES.values() for key in keys)
# Every address read from, for an email or the names
_ADDRESSES = tuple(
    dict.fromkeys(
        (*(path[0] for paths in CUSTOMER_SOURCES.values() for path in paths if len(path) == 2), *NAME_ADDRESSES)
    )
)

_MISSING = object()
# Our address -> WooCommerce's name for it (`billing`), where an address's email was sent.
_THEIR_ADDRESSES: Mapping[str, str] = MappingProxyType({ours: theirs for theirs, ours in ORDER_NAMES.items()})
# The customer's field -> its other names in the customer object (Magento's `firstname`): the
# customer's own value too, which wins over the order's top-level one.
_CUSTOMERS_OWN: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {field: tuple(theirs for theirs, ours in CUSTOMER_NAMES.items() if ours == field) for field in CUSTOMER_SOURCES}
)
# Where the customer gives a name: its keys (ours and Magento's), and the order's top-level ones.
_CUSTOMERS_NAMES = (*NAMES_IN_ADDRESSES, *(name for field in NAMES_IN_ADDRESSES for name in _CUSTOMERS_OWN[field]))
_TOP_LEVEL_CUSTOMER_NAMES = tuple(
    path[0] for field in NAMES_IN_ADDRESSES for path in CUSTOMER_SOURCES[field] if len(path) == 1
)


def customer_in_our_names(data: Any) -> Any:
    """`data` (an order or a cart as sent) with the customer's absent fields read from the
    other places (`CUSTOMER_SOURCES`), and, where it gives neither name, its `first_name` and
    `last_name` from an address (`NAME_ADDRESSES`, `_address_names`), as sent: the customer's own
    types check them, and a refusal is placed at the name sent (`sent_at`). A `customer` absent
    altogether (null, blank, `[]`) is made of them; one of another kind (`"x"`, `5`) is left to
    its type to refuse. The same `data` is answered where nothing is read (README "Platform
    payloads"; the customer merges into its contact, SPEC §4.2)."""
    if not (data.__class__ is dict or isinstance(data, Mapping)) or not _names_sent(data):
        return data
    customer = data.get("customer")
    if _absent(customer) or (customer.__class__ is list and not customer):  # PHP's empty array too
        customer = {}
    elif not isinstance(customer, Mapping):
        return data
    read = {field: given[1] for field in CUSTOMER_SOURCES if (given := _given(data, customer, field)) is not None}
    named = _address_names(data, customer)
    if named is not None:  # no name given, so none read above: the pair is the address's
        read.update(named[1])
    return {**data, "customer": {**customer, **read}} if read else data


def sent_at(data: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Where the value an error of the customer's field at `path` (`("customer", "email")`) is
    about was sent: the other name it was read from (`("customer_email",)`, `("billing",
    "email")` for WooCommerce's billing), the address field a name was read from
    (`("billing_address", "first_name")`, WooCommerce's `billing` and Magento's `firstname`
    too, where the address's own error is), else `path`."""
    if len(path) != 2 or path[0] != "customer" or path[1] not in CUSTOMER_SOURCES or not isinstance(data, Mapping):
        return path
    read = addresses_in_our_names(data)  # WooCommerce's `billing.email` is sent at `billing`
    customer = read.get("customer")
    customer = customer if isinstance(customer, Mapping) else {}
    given = _given(read, customer, str(path[1]))
    if given is None:
        named = _address_names(read, customer)
        # a name read from an address is the address's own field's too, refused there once
        # (`commands.validate` keeps one of the two same errors), in our names as its others are
        return (named[0], path[1]) if named is not None and path[1] in named[1] else path
    at = given[0]
    if at[0] in _THEIR_ADDRESSES and read.get(at[0]) is not data.get(at[0]):
        return (_THEIR_ADDRESSES[at[0]], *at[1:])
    return at


def _address_names(data: Mapping[str, Any], customer: Any) -> tuple[str, dict[str, Any]] | None:
    """(the address, {"first_name": …, "last_name": …} as sent) read into the customer where
    neither `customer` (its `first_name`, `last_name`, Magento's `firstname`, `lastname`) nor
    `data`'s top level (`customer_firstname`, `customer_lastname`) gives a name (absent, null or
    blank, SPEC §10): the names the first of `NAME_ADDRESSES` holding either name gives, only
    those it gives (`{"last_name": "Do"}`); None when a name is given or no address holds one.
    The same for GraphQL's inputs (`billingAddress.firstName`), whose addresses are ours. An
    address of another kind than an object is its type's to refuse: none is read from it."""
    if _a_name_given(data, customer):
        return None
    for name in NAME_ADDRESSES:
        address = data.get(name)
        if address is None or not (address.__class__ is dict or isinstance(address, Mapping)):
            continue
        names = {
            field: value
            for field, keys in NAMES_IN_ADDRESSES.items()
            if (value := _first_given(address, keys)) is not None
        }
        if names:
            return name, names
    return None


def _a_name_given(data: Mapping[str, Any], customer: Any) -> bool:
    if _customer_names(customer):
        return True
    for name in _TOP_LEVEL_CUSTOMER_NAMES:
        if not _absent(data.get(name)):
            return True
    return False


def _first_given(address: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    """The first of `keys` (ours, then Magento's) that `address` gives, as its type reads it."""
    for key in keys:
        value = address.get(key)
        if not _absent(value):
            return value
    return None


def _names_sent(data: Mapping[str, Any]) -> bool:
    """Any other name in `data`: on every order and cart, so the common cases (none; Shopify's
    addresses with names beside a customer with names) cost a few lookups, no generator and no
    ABC check for a JSON body's dicts."""
    if not TOP_LEVEL_NAMES.isdisjoint(data):
        return True
    names_wanted = None  # whether the customer gives no name: looked at once, if at all
    for name in _ADDRESSES:
        address = data.get(name)
        if address is not None and (address.__class__ is dict or isinstance(address, Mapping)):
            if not IN_ADDRESSES.isdisjoint(address):
                return True
            if names_wanted is not False and not _NAME_KEYS.isdisjoint(address):
                if names_wanted is None:
                    customer = data.get("customer")
                    first = customer.get("first_name") if customer.__class__ is dict else None
                    # Shopify's customer gives its first name: seen here, without a call
                    given = first.__class__ is str and first != "" and not first.isspace()
                    names_wanted = not (given or _customer_names(customer))
                if names_wanted:
                    return True
    return False


def _customer_names(customer: Any) -> bool:
    """Whether the customer object gives a name: ours first (Shopify's customer sends them),
    then Magento's `firstname` and `lastname`."""
    if customer.__class__ is not dict and not isinstance(customer, Mapping):
        return False
    for key in _CUSTOMERS_NAMES:
        value = customer.get(key)
        # not `_absent`: inline, as it runs on most orders (SPEC §10: null or blank is none)
        if value is not None and not (isinstance(value, str) and (not value or value.isspace())):
            return True
    return False


def _given(data: Mapping[str, Any], customer: Mapping[str, Any], field: str) -> tuple[tuple[str, ...], Any] | None:
    """(the path, the value) read into the customer's absent `field`; None when the customer
    gives it, or no other place does."""
    for name in (field, *_CUSTOMERS_OWN[field]):
        if not _absent(customer.get(name)):
            return None
    for path in CUSTOMER_SOURCES[field]:
        value = _value_at(data, path)
        if value is not _MISSING and not _absent(value):
            return path, value
    return None


def _value_at(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for name in path:
        if (value.__class__ is not dict and not isinstance(value, Mapping)) or name not in value:
            return _MISSING
        value = value[name]
    return value


def _absent(value: Any) -> bool:
    return value is None or is_blank(value)
