"""GraphQL types derived from the domain: object types from records, input types from commands.

`record_type(records.Order, exclude=("contact",))` is a strawberry base type with one field per
record field: ints named `id` or `…_id` become `ID`, an `Amount` the `Decimal` money scalar,
JSON objects the `JSON` scalar, a record held inside (an `Address`) its own object type, a
field's description its metadata's. The domain type adds the
relations (resolvers) and builds itself with `of(record)`; the record stays reachable as
`self.record`. A new record field thus appears in GraphQL without an edit here."""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

import strawberry
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app.domain.money import Amount

from .scalars import JSON, Long, Money

T = TypeVar("T")


def _graphql_type(name: str, hint: Any) -> Any:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        inner = [arg for arg in get_args(hint) if arg is not type(None)]
        return _graphql_type(name, inner[0]) | None
    if hint is str and name == "id":
        return strawberry.ID
    if origin is Literal or (isinstance(hint, type) and issubclass(hint, str)):
        return str  # statuses stay strings, as the shops send them
    if hint is Amount:
        return Money
    if hint is int and (name == "id" or name.endswith("_id")):
        return strawberry.ID
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return nested_type(hint)
    if origin is dict or (origin is list and get_args(hint)[0] is not str):
        return JSON
    if hint in (int, bool, float, datetime) or origin is list:
        return hint
    raise TypeError(f"no GraphQL type for {name}: {hint!r}")


@functools.cache
def nested_type(record: type[Any]) -> type[Any]:
    """The GraphQL object type of a record held inside another (an `Address` in an `Order`),
    named as the record: its fields, derived as `record_type` derives them. The record itself
    is what resolves it (strawberry reads the attributes of the same names)."""
    hints = get_type_hints(record)
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for item in dataclasses.fields(record):
        namespace["__annotations__"][item.name] = _graphql_type(item.name, hints[item.name])
        if "description" in item.metadata:
            namespace[item.name] = strawberry.field(description=item.metadata["description"])
    return typing.cast(type[Any], strawberry.type(type(record.__name__, (), namespace), description=record.__doc__))


def record_type(record: type[Any], exclude: tuple[str, ...] = ()) -> type[Any]:
    """A strawberry base type with the fields of the dataclass `record` but those in `exclude`,
    and `of(record)` to build the subclass from one. Raises TypeError for a field type it does
    not know how to expose."""
    hints = get_type_hints(record)
    names = tuple(item.name for item in dataclasses.fields(record) if item.name not in exclude)
    wide = {item.name for item in dataclasses.fields(record) if item.metadata.get("wide")}
    namespace: dict[str, Any] = {
        "__annotations__": {
            name: (Long | None if name in wide else _graphql_type(name, hints[name])) for name in names
        },
        "__module__": __name__,
    }
    for item in dataclasses.fields(record):
        if item.name in names and "description" in item.metadata:
            namespace[item.name] = strawberry.field(description=item.metadata["description"])
    namespace["__annotations__"]["record"] = strawberry.Private[record]  # type: ignore[misc,valid-type]

    def of(cls: type[T], value: Any) -> T:
        return cls(**{name: getattr(value, name) for name in names}, record=value)  # type: ignore[call-arg]

    namespace["of"] = classmethod(of)
    return typing.cast(type[Any], strawberry.type(type(f"{record.__name__}Fields", (), namespace)))


def _input_type(hint: Any, nested: dict[type[Any], type[Any]]) -> Any:
    """The GraphQL input type of a command field: loose where the domain validates (dates and
    phones as strings, JSON as JSON), so that a bad value is a userError with the REST code,
    not a GraphQL coercion error."""
    origin = get_origin(hint)
    if origin is Annotated:
        base, *constraints = get_args(hint)
        if base is int and any(_bound(item) > 2**31 - 1 for item in constraints):
            return Long  # a count the command accepts beyond 32 bits
        return _input_type(base, nested)
    if origin in (Union, types.UnionType):
        inner = [arg for arg in get_args(hint) if arg is not type(None)]
        return _input_type(inner[0], nested)
    if hint in nested:
        return nested[hint]
    if origin is list:
        return list[_input_type(get_args(hint)[0], nested)]  # type: ignore[misc]
    if origin is dict or (isinstance(hint, type) and issubclass(hint, BaseModel)):
        return JSON  # free-form objects (metadata, line items) are checked by the command
    if hint is Decimal:
        return Money
    if hint in (int, bool):
        return hint
    return str  # text, dates, phones, statuses: parsed by the command's own types


def _bound(constraint: Any) -> int:
    """The upper bound (`le`) a pydantic Field constraint sets, or 0."""
    items = getattr(constraint, "metadata", [constraint])
    return max((getattr(item, "le", 0) or 0 for item in items), default=0)


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


_TEXT = "At most 255 characters"
_PHONE = "In any form a shop sends: E.164, or national in the store's region (SPEC §4.1)"
# What a command's field means where its model gives it no description, by its REST name, or
# `Model.name` where one command's field means more (SPEC §3; README, "Endpoints").
INPUT_FIELDS: dict[str, str] = {
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
    "tags": "A list of texts of at most 255 characters; a lone string is a list of that one string",
    "OrderUpdate.tags": "Replaces the list; a lone string is a list of that one string",
    "CartUpdate.tags": "Replaces the list; a lone string is a list of that one string",
    "metadata": "A free-form JSON object, nested at most 32 levels",
    "first_name": _TEXT,
    "last_name": _TEXT,
    "company": _TEXT,
    "address1": _TEXT,
    "address2": _TEXT,
    "city": _TEXT,
    "province": _TEXT,
    "zip": "At most 32 characters",
    "phone": _PHONE,
    "EmbeddedCustomer.phone": f"{_PHONE}; absent or blank: an address's phone is used",
    "Address.phone": "Used as the contact's phone only when neither the customer nor the order or cart gives one "
    '(README, "Phones as shops send them")',
    "email": "A valid email address, at most 255 characters",
    "locale": "At most 10 characters, e.g. fr-FR",
    "lifetime_value": "A whole number >= 0 (up to 2^62)",
    "orders_count": "A whole number >= 0 (up to 2^62)",
    "whatsapp_consent": "Its WhatsApp consent per purpose, recorded on its contact",
    "order_external_id": "The external id of an order of the same store, else a NOT_FOUND userError on this field",
    "tracking_number": "At most 255 characters, its surrounding whitespace cut",
    "tracking_url": "An http(s) URL of at most 1024 characters",
    "carrier": "At most 255 characters, its surrounding whitespace cut",
    "recovery_url": "The link that resumes the cart: an http(s) URL of at most 1024 characters",
}


def _input_description(model: type[BaseModel], name: str, field: FieldInfo) -> str | None:
    """The field's own description, else the values it allows, else `INPUT_FIELDS`'."""
    if field.description:
        return field.description
    if choices := _choices(field.annotation):
        return ", ".join(choices[:-1]) + " or " + choices[-1]
    for owner in model.__mro__:
        if f"{owner.__name__}.{name}" in INPUT_FIELDS:
            return INPUT_FIELDS[f"{owner.__name__}.{name}"]
    if field.annotation is datetime:
        return "RFC 3339; without an offset it is UTC"
    return INPUT_FIELDS.get(name)


def command_input(
    model: type[BaseModel], name: str, description: str | None = None, nested: dict[type[Any], type[Any]] | None = None
) -> type[Any]:
    """A strawberry input type with the fields of the command `model` (REST names in camelCase):
    required where the command requires them; an optional field left out is UNSET, so the
    command tells it from an explicit null (`InputView`). `nested` maps inner command models to
    their input types."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations, "__module__": __name__}
    required = [(n, f) for n, f in model.model_fields.items() if f.is_required()]
    optional = [(n, f) for n, f in model.model_fields.items() if not f.is_required()]
    for field_name, field in required + optional:
        kind = _input_type(field.annotation, nested or {})
        text = _input_description(model, field_name, field)
        if field.is_required():
            annotations[field_name] = kind
            namespace[field_name] = strawberry.field(description=text)
        else:
            annotations[field_name] = kind | None
            namespace[field_name] = strawberry.field(default=strawberry.UNSET, description=text)
    return typing.cast(type[Any], strawberry.input(type(name, (), namespace), description=description))


E = TypeVar("E", bound=enum.Enum)


def described_enum(members: type[E], name: str, description: str, values: Mapping[str, str]) -> type[E]:
    """`strawberry.enum(members)` named `name`, each value described by `values` (member name ->
    its meaning). Raises KeyError for a member `values` does not describe: a new member is
    described where it is added."""
    strawberry.enum(members, name=name, description=description)
    for value in members.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return members
