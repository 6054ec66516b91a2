"""GraphQL object types whose plain fields come from a domain record (app.domain.records).

`record_type(records.Order, exclude=("contact",))` is a strawberry base type with one field per
record field: ints named `id` or `…_id` become `ID`, an `Amount` the `Decimal` money scalar,
JSON objects the `JSON` scalar, a field's description its metadata's. The domain type adds the
relations (resolvers) and builds itself with `of(record)`; the record stays reachable as
`self.record`. A new record field thus appears in GraphQL without an edit here."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

import strawberry

from app.domain.money import Amount

from .scalars import JSON, Money

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
    if origin is dict or (origin is list and get_args(hint)[0] is not str):
        return JSON
    if hint in (int, bool, float, datetime) or origin is list:
        return hint
    raise TypeError(f"no GraphQL type for {name}: {hint!r}")


def record_type(record: type[Any], exclude: tuple[str, ...] = ()) -> type[Any]:
    """A strawberry base type with the fields of the dataclass `record` but those in `exclude`,
    and `of(record)` to build the subclass from one. Raises TypeError for a field type it does
    not know how to expose."""
    hints = get_type_hints(record)
    names = tuple(item.name for item in dataclasses.fields(record) if item.name not in exclude)
    namespace: dict[str, Any] = {
        "__annotations__": {name: _graphql_type(name, hints[name]) for name in names},
        "__module__": __name__,
    }
    for item in dataclasses.fields(record):
        if item.name in names and "description" in item.metadata:
            namespace[item.name] = strawberry.field(description=item.metadata["description"])
    namespace["__annotations__"]["record"] = strawberry.Private[record]

    def of(cls: type[T], value: Any) -> T:
        return cls(**{name: getattr(value, name) for name in names}, record=value)

    namespace["of"] = classmethod(of)
    return typing.cast(type[Any], strawberry.type(type(f"{record.__name__}Fields", (), namespace)))
