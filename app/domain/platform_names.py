"""Other platforms' names for an address's fields, read where ours are absent (README "Platform
payloads"): what a shop relays from WooCommerce's REST API and webhooks (`billing`/`shipping`:
`address_1`, `address_2`, `state`, `postcode`, `country`) or Magento 2's (`sales_order_address`
and its REST `OrderAddressInterface`: `firstname`, `lastname`, `street`, `region`, `postcode`,
`country_id`, `telephone`; `city` and `company` are ours already); and a line item's `name`
(WooCommerce's `line_items[]` and Magento's `items[]`), `qty_ordered` (Magento's order items)
and `qty` (Magento's quote items, a cart's).

`{"firstname": "Jo", "street": ["1 rue X", "Bat B"], "region": {"region": "IDF"}}` is read as
`{"first_name": "Jo", "address1": "1 rue X", "address2": "Bat B", "province": "IDF"}`;
`{"name": "Tee", "qty_ordered": "2.0000"}` as `{"name": "Tee", "qty_ordered": "2.0000",
"title": "Tee", "quantity": "2.0000"}`; an order's or a cart's `billing` and `shipping`
(WooCommerce's) as its `billing_address` and `shipping_address`, and its `items` (Magento's
order and quote) as its `line_items`; an order's `order_currency_code` (Magento's) as its
`currency`, and a cart's `abandoned_checkout_url` (Shopify's checkout) as its `recovery_url`; a
shipment's `tracking_company`, `tracking_numbers` and `tracking_urls` (Shopify's fulfillment) as
its `carrier`, `tracking_number` and `tracking_url`, of the lists the first non-blank one."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .text import is_blank, is_safe

# Their name -> ours, in the order they are read: where two name one field (WooCommerce's
# `address_1` and Magento's `street`), the first one sent is read.
ADDRESS_NAMES: Mapping[str, str] = MappingProxyType(
    {
        # WooCommerce
        "address_1": "address1",
        "address_2": "address2",
        "state": "province",
        "postcode": "zip",  # Magento's too
        "country": "country_code",
        # Magento
        "firstname": "first_name",
        "lastname": "last_name",
        "telephone": "phone",
        "street": "address1",
        "region": "province",
        "country_id": "country_code",
    }
)
# Names holding lines, read into fields by position: Magento's `street` (the first line is
# address1, the others address2). An error at `street.N` is placed in the field line N goes to.
ADDRESS_LINES: Mapping[str, tuple[str, ...]] = MappingProxyType({"street": ("address1", "address2")})

_NOTHING = object()  # a value that gives the field nothing: it stays absent
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# A customer's: Magento 2's `CustomerInterface` (`firstname`, `lastname`; its `email` is ours).
CUSTOMER_NAMES: Mapping[str, str] = MappingProxyType({"firstname": "first_name", "lastname": "last_name"})


def in_our_names(data: Mapping[str, Any], names: Mapping[str, str] = ADDRESS_NAMES) -> Mapping[str, Any]:
    """`data` (an address as sent; a customer with `CUSTOMER_NAMES`; an order or a cart with
    `ORDER_NAMES` or `ORDER_ITEMS_NAMES`) with the other `names` read into our fields where ours
    are absent (null or blank: SPEC §10), and dropped where ours are present. Values are not
    checked here: the field's own type does, and refuses what it cannot read (a `street` of
    numbers is `address1`'s `Must be a string.`)."""
    if data.keys().isdisjoint(names):  # no generator: on every address and customer
        return data
    renamed = dict(data)
    for theirs, ours in names.items():
        if theirs not in renamed:
            continue
        value = renamed.pop(theirs)
        if theirs in ADDRESS_LINES:
            fields = ADDRESS_LINES[theirs]
            if all(_absent(renamed.get(field)) for field in fields):
                renamed.update(_lines(value, fields))
            continue
        if _absent(renamed.get(ours)):
            value = _READERS.get(theirs, _as_sent)(value)
            if value is not _NOTHING:
                renamed[ours] = value
    return renamed


def _absent(value: Any) -> bool:
    return value is None or is_blank(value)


def _as_sent(value: Any) -> Any:
    return value


def _lines(value: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Magento's `street`: a list of lines (`["1 rue X", "Bat B"]`), or its text with the lines
    joined by line breaks, as Magento stores it (`"1 rue X\\nBat B"`). Blank lines are none; the
    first line is the first field, the others the second, joined with ", " when more than one
    (`["1 rue X", "Bat B", "3e étage"]`: address2 `"Bat B, 3e étage"`). A value of another
    kind (a number, an object, a list holding one) is given to the first field, whose type
    refuses it."""
    if isinstance(value, str):
        value = _LINE_BREAK.split(value)
    elif not isinstance(value, list) or not all(isinstance(line, str) for line in value):
        return {fields[0]: value}
    lines = [line for line in value if not is_blank(line)]
    if not lines:
        return {}
    *first, last = fields
    read = dict(zip(first, lines, strict=False))
    if len(lines) > len(first):
        read[last] = ", ".join(lines[len(first) :])
    return read


def _region(value: Any) -> Any:
    """Magento's `region`: its name as text, or the object its REST API also sends
    (`{"region": "Île-de-France", "region_code": "IDF", "region_id": 257}`), read as its name,
    else its code; `[]` (PHP's empty array) is none."""
    if value.__class__ is list and not value:  # PHP's empty array: no region
        return _NOTHING
    if isinstance(value, Mapping):
        for key in ("region", "region_code"):
            if not _absent(value.get(key)):
                return value[key]
        return _NOTHING
    return value


def _country_code(value: Any) -> Any:
    """WooCommerce's `country` is a code (`"FR"`); a name (Shopify's `country: "France"` beside
    `country_code`) is not one, and is left out."""
    return value if isinstance(value, str) and len(value.strip()) == 2 else _NOTHING


def _something(value: Any) -> Any:
    """WooCommerce's `billing` or `shipping`, Magento's `items`: null, a blank or `[]` (PHP's
    empty array) gives nothing (no address, no line items); anything else is our field's type
    to read or refuse."""
    return _NOTHING if _absent(value) or (value.__class__ is list and not value) else value


@dataclass(frozen=True)
class NotAList:
    """What a platform's list of texts that is not one is read as: the field it is read into
    refuses it at `name`, the name sent (`commands.ShipmentInput`)."""

    name: str


def _first_of(name: str) -> Callable[[Any], Any]:
    """A reader of Shopify's fulfillment lists (`tracking_numbers`, `tracking_urls`): the first
    text that is not blank (`["", "1Z001", "1Z002"]` is `"1Z001"`; Kanal keeps one per shipment);
    null, a blank or a list of blanks, `[]` too, gives nothing; any other value (a number, an
    object, a list holding one) is `NotAList(name)`."""

    def first(value: Any) -> Any:
        if _absent(value):
            return _NOTHING
        if value.__class__ is not list or not all(isinstance(item, str) for item in value):
            return NotAList(name)
        return next((item for item in value if not is_blank(item)), _NOTHING)

    return first


# The names holding a list of texts of which the first non-blank one is read (Shopify's fulfillment's)
FIRST_OF_LISTS = frozenset({"tracking_numbers", "tracking_urls"})

_READERS: Mapping[str, Callable[[Any], Any]] = MappingProxyType(
    {
        "region": _region,
        "country": _country_code,
        "billing": _something,
        "shipping": _something,
        "items": _something,
        **{name: _first_of(name) for name in FIRST_OF_LISTS},
    }
)


# An order's or a cart's other names for its addresses -> ours: WooCommerce's order (REST API
# and webhooks) carries `billing` and `shipping`, each in WooCommerce's names for its fields.
ORDER_NAMES: Mapping[str, str] = MappingProxyType({"shipping": "shipping_address", "billing": "billing_address"})


def addresses_in_our_names(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """`data` (an order or a cart as sent) with WooCommerce's `shipping` and `billing` read as
    `shipping_address` and `billing_address` where ours are absent (null, blank or `[]`), and
    dropped where ours are present."""
    if not any(name in data for name in ORDER_NAMES):
        return data
    absent = {
        ours: None
        for ours in ORDER_NAMES.values()
        if ours in data and (_absent(data[ours]) or (data[ours].__class__ is list and not data[ours]))
    }
    return in_our_names({**data, **absent} if absent else data, ORDER_NAMES)


# An order's or a cart's other name for its line items -> ours: Magento 2's order (`sales_order`,
# REST `OrderInterface`) and quote (a cart or checkout, `CartInterface`) carry them as `items`,
# each item in Magento's names (`name`, `qty_ordered` or `qty`: `LINE_ITEM_NAMES`). Read by
# `in_our_names`: where `line_items` is absent (null or blank; `[]` is a list, present), and
# dropped where it is present, as an address's other names are.
ORDER_ITEMS_NAMES: Mapping[str, str] = MappingProxyType({"items": "line_items"})


# An order's or a cart's other names for fields of its own -> ours, read as an address's are
# (`in_our_names`: where ours is absent, null or blank; dropped where ours is present). Magento 2's
# order (`OrderInterface`) names the currency its `grand_total` and its items are in
# `order_currency_code` (its `base_currency_code` is the currency of the store's books);
# Shopify's checkout names its recovery link `abandoned_checkout_url`.
ORDER_OWN_NAMES: Mapping[str, str] = MappingProxyType({"order_currency_code": "currency"})
CART_OWN_NAMES: Mapping[str, str] = MappingProxyType({"abandoned_checkout_url": "recovery_url"})
# A shipment's: Shopify's fulfillment (`Fulfillment` of its Admin REST API and webhooks) names
# its carrier `tracking_company`, and carries its parcels' numbers and links as lists beside the
# first one (`tracking_numbers`, `tracking_urls`), of which the first non-blank one is read
# (`_first_of`): a shipment keeps one tracking number, the fulfillment's further parcels are not
# stored.
SHIPMENT_OWN_NAMES: Mapping[str, str] = MappingProxyType(
    {"tracking_company": "carrier", "tracking_numbers": "tracking_number", "tracking_urls": "tracking_url"}
)


def quote_currency(value: Any) -> Any:
    """An order's or a cart's `currency` as sent: Magento 2's quote (a cart or checkout,
    `CartInterface`) sends an object (`CurrencyInterface`: `{"quote_currency_code": "EUR",
    "base_currency_code": "EUR", "store_to_quote_rate": 1, …}`), read as its
    `quote_currency_code`, the currency its totals and items are in; an object without one, and
    any other value, as sent (the field's type refuses what is no currency code). A code holding
    text no engine can store is refused where it was sent (`text.unsafe_text_errors`), once: it
    gives the field nothing."""
    if isinstance(value, Mapping) and "quote_currency_code" in value:
        code = value["quote_currency_code"]
        return None if isinstance(code, str) and not is_safe(code) else code
    return value


# A line item's other names -> ours. A line item is free-form and kept as sent: ours are added,
# theirs stay.
# Where two name one field (Magento's order item `qty_ordered`, its quote item `qty`), the first
# one given (not null) is read.
LINE_ITEM_NAMES: Mapping[str, str] = MappingProxyType({"name": "title", "qty_ordered": "quantity", "qty": "quantity"})


def line_item_in_our_names(item: dict[str, Any]) -> dict[str, Any]:
    """`item` with `title` (absent or null) read from `name`, and `quantity` (absent, null or
    blank, as a blank quantity is none) from `qty_ordered`, else `qty`, as sent (the quantity's
    type checks it); a null `name`, `qty_ordered` or `qty` gives nothing."""
    read: dict[str, Any] = {}
    for theirs, ours in LINE_ITEM_NAMES.items():
        if ours in read or item.get(theirs) is None:
            continue
        if item.get(ours) is None or (ours == "quantity" and is_blank(item[ours])):
            read[ours] = item[theirs]
    return {**item, **read} if read else item
