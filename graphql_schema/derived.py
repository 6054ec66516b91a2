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
from types import MappingProxyType
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

import strawberry
from pydantic import BaseModel

from app.domain.field_descriptions import PHONE, field_description
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


# What GraphQL says its own way of a field (the shared meanings: `field_description`): a refusal
# is a userError, and GraphQL's coercion makes a lone string where a list goes a list of it; an
# input has no top-level phone, so only an address's stands in for the customer's.
OWN_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "tags": "A list of texts of at most 255 characters; a lone string is a list of that one string",
        "OrderUpdate.tags": "Replaces the list; a lone string is a list of that one string",
        "CartUpdate.tags": "Replaces the list; a lone string is a list of that one string",
        "EmbeddedCustomer.phone": f"{PHONE}; absent or blank: an address's phone is used",
        "order_external_id": "The external id of an order of the same store, else a NOT_FOUND userError on this field",
    }
)


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
        text = field_description(model, field_name, field, OWN_FIELDS)
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
