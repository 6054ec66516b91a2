"""What a command's field means, for the readers of both APIs: GraphQL's input fields and the
OpenAPI request schemas describe a field by `field_description`, so that a field is described
once, where the command is. A field's own `description` comes first, then the values a choice
allows, then `FIELDS` (SPEC §3; README, "Endpoints").

`FIELDS` says only what is true whichever API the value arrives by. A fact each API tells its own
way (how a refusal reaches the caller, what a lone string is where a list goes, which other
phones stand in for a missing one) is given by the API, as `own`."""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

TEXT = "At most 255 characters"
PHONE = "In any form a shop sends: E.164, or national in the store's region (SPEC §4.1)"
# What a command's field means where its model gives it no description, by its name, or
# `Model.name` where one command's field means more.
FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "external_id": "The shop's id of it, at most 255 characters: with the store, the key a write replaces by",
        "CustomerInput.external_id": "The shop's customer id, at most 255 characters; absent: a guest buyer, known "
        "by the phone (SPEC §3.4)",
        "EmbeddedCustomer.external_id": "The shop's customer id, at most 255 characters: stored on the order or "
        "cart, and on the contact when no other contact of the store holds it (SPEC §4.2)",
        "total_price": "Exact, >= 0, as a string or a number, in at most its currency's decimals (4 without one)",
        "currency": "ISO 4217 code (upper-cased); an unknown code is refused",
        "financial_status": "Free text of at most 64 characters (pending, paid, refunded, …), stored trimmed and "
        "lower-cased",
        "fulfillment_status": "Free text of at most 64 characters (unfulfilled, fulfilled, …), stored trimmed and "
        "lower-cased",
        "shipping_address": "Stored as sent, the country upper-cased",
        "billing_address": "Stored as sent, the country upper-cased",
        "customer": "Merged into the contact of its phone: fields given overwrite, those left out are kept (SPEC §4.2)",
        "line_items": "Free-form objects; quantity and price, when given, numbers >= 0 (a price in at most its "
        "currency's decimals), stored as JSON numbers exact to 15 significant digits",
        "metadata": "A free-form JSON object, nested at most 32 levels",
        "first_name": TEXT,
        "last_name": TEXT,
        "company": TEXT,
        "address1": TEXT,
        "address2": TEXT,
        "city": TEXT,
        "province": TEXT,
        "zip": "At most 32 characters",
        "phone": PHONE,
        "Address.phone": "Used as the contact's phone only when neither the customer nor the order or cart gives "
        'one (README, "Phones as shops send them")',
        "email": "A valid email address (RFC 5321: at most 254 characters)",
        "locale": "At most 10 characters, e.g. fr-FR",
        "lifetime_value": "A whole number >= 0 (up to 2^62)",
        "orders_count": "A whole number >= 0 (up to 2^62)",
        "whatsapp_consent": "Its WhatsApp consent per purpose, recorded on its contact",
        "tracking_number": "At most 255 characters, its surrounding whitespace cut",
        "tracking_url": "An http(s) URL of at most 1024 characters",
        "carrier": "At most 255 characters, its surrounding whitespace cut",
        "recovery_url": "The link that resumes the cart: an http(s) URL of at most 1024 characters",
    }
)
_DATETIME = "RFC 3339; without an offset it is UTC"
_NONE: Mapping[str, str] = MappingProxyType({})


def field_description(
    model: type[BaseModel], name: str, field: FieldInfo, own: Mapping[str, str] = _NONE
) -> str | None:
    """What the field `name` (`field`, of the command `model`) means: its own description, else
    the values it allows ("a, b or c", from a Literal or an enum, within Optional and
    Annotated), else the text `own` or `FIELDS` keys by `Model.name` (`model` or a class it
    derives from, the nearest first), else RFC 3339's rule for a datetime, else the text keyed by
    `name`; None when none of them says. `own` holds the API's wording of the facts it tells its
    own way, and wins over `FIELDS` for the same key."""
    if field.description:
        return field.description
    if choices := _choices(field.annotation):
        return ", ".join(choices[:-1]) + " or " + choices[-1]
    for owner in model.__mro__:
        if said := own.get(f"{owner.__name__}.{name}") or FIELDS.get(f"{owner.__name__}.{name}"):
            return said
    if field.annotation is datetime:
        return _DATETIME
    return own.get(name) or FIELDS.get(name)


def _choices(hint: Any) -> tuple[str, ...]:
    """The values a Literal or an enum allows (found inside Optional / Annotated)."""
    origin = get_origin(hint)
    if origin is Literal:
        return tuple(str(value) for value in get_args(hint))
    if origin in (Union, types.UnionType, Annotated):
        for arg in get_args(hint):
            if found := _choices(arg):
                return found
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return tuple(str(member.value) for member in hint)
    return ()
