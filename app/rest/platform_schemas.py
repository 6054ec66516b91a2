"""What the OpenAPI document says of the platforms' names a request body may carry (README
"Platform payloads"): WooCommerce's `billing` and an address's `address_1`, Magento's `items`,
`street`, `firstname` and `customer_email`, Shopify's top-level `phone`. The API reads each where
our field is absent; a client generated from the document (an SDK, a gateway that checks
requests) knew none of them. Each is described as a property of its command's schema, of any
JSON type (the field it is read as checks it), saying which field it is read as.

The names come from the commands themselves (`Command.other_names`, `read_elsewhere`) and from
the line item's (`LINE_ITEM_NAMES`), so a name added there is described here."""

from __future__ import annotations

from typing import Any

from app.domain.commands import Command
from app.domain.customer_names import CUSTOMER_SOURCES
from app.domain.platform_names import FIRST_OF_LISTS, LINE_ITEM_NAMES
from app.domain.rules.phone_of_the_order import PhoneSource
from app.domain.types import LineItem

from .blank_schemas import commands_within

_SEE = ' (README, "Platform payloads")'
_TOP_LEVEL_PHONE = "Shopify's buyer phone: attaches the record after `customer.phone`, before the addresses' phones"
# A name read into another command's field -> what it is read as, where ours gives nothing.
_ELSEWHERE: dict[str, str] = {
    **{
        path[-1]: f"Read as the customer's `{field}` where none is given"
        for field, paths in CUSTOMER_SOURCES.items()
        for path in paths
    },
    PhoneSource.TOP_LEVEL.value: _TOP_LEVEL_PHONE,
}


def describe_platform_names(definitions: dict[str, Any], models: list[type[Command]]) -> None:
    """Add, in place, to the schemas of `models` and of the commands within them in
    `definitions` (component name → JSON schema, as `blank_schemas.allow_blanks` reads them) a
    property for each other name the command reads, and to the line item's its names. A name
    already a property (ours) is left as it is."""
    for model in dict.fromkeys(within for top in models for within in commands_within(top)):
        schema = definitions.get(f"{model.__name__}-Input") or definitions.get(model.__name__)
        if schema is None:
            continue
        names = {theirs: _read_as(ours, first=theirs in FIRST_OF_LISTS) for theirs, ours in model.other_names.items()}
        names.update({name: _read_as(*lines) for name, lines in model.other_lines.items()})
        names.update({name: _ELSEWHERE[name] for name in model.read_elsewhere})
        _describe(schema, names)
    line_item = definitions.get(f"{LineItem.__name__}-Input") or definitions.get(LineItem.__name__)
    if line_item is not None:
        _describe(line_item, {theirs: _read_as(ours) for theirs, ours in LINE_ITEM_NAMES.items()})


def _read_as(*ours: str, first: bool = False) -> str:
    if len(ours) > 1:  # Magento's `street`: its lines
        return f"Its lines read as `{ours[0]}`, then `{ours[1]}`, where both are absent"
    if first:  # Shopify's `tracking_numbers`: one is kept
        return f"A list of strings, its first non-blank one read as `{ours[0]}` where `{ours[0]}` is absent"
    return f"Read as `{ours[0]}` where `{ours[0]}` is absent"


def _describe(schema: dict[str, Any], names: dict[str, str]) -> None:
    properties = schema.setdefault("properties", {})
    for name, description in sorted(names.items()):
        properties.setdefault(name, {"description": description + _SEE})
