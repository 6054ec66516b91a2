"""A blank filter is no filter (README, "GraphQL and GraphiQL"; SPEC §10 "Blank strings"): on
every list field, an optional text argument — a String or a DateTime, given directly or as a
field of an input argument such as `OrderFilter` — that is empty or only whitespace
(`text.is_blank`, as in writes) reaches the resolver as None, the argument left out. A
dashboard relays "" for "any" as a shop relays it for "no value"; read as a value it was a
refusal (`consent: {marketing: ""}`, `phone: ""`, `placedAfter: ""`) or found nothing
(`tag: ""`), depending on the filter.

Lists only: an argument of a field that finds one record (`contact(phone:)`) names that record,
and a blank one is read as it is. A cursor (`after`) is a position and an ID an id: neither is
a filter, and neither is text here."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types.base import StrawberryOptional, has_object_definition
from strawberry.types.field import StrawberryField

from app.domain.text import is_blank

from .relay import Connection

# Where the optional text filters of a field are: each argument's python name, and for an input
# argument the plan of its own fields (None: the argument is itself a text filter).
Plan = tuple[tuple[str, "Plan | None"], ...]

_TEXT = (str, datetime)  # DateTime arguments arrive as the text sent (scalars.DATETIME_SCALAR)
_NOT_FILTERS = frozenset({"after"})  # the cursor: a position in the list


def _plan(arguments: list[Any]) -> Plan:
    """The optional text filters among `arguments` (StrawberryArgument or StrawberryField)."""
    found: list[tuple[str, Plan | None]] = []
    for argument in arguments:
        if not isinstance(argument.type, StrawberryOptional) or argument.python_name in _NOT_FILTERS:
            continue
        of_type = argument.type.of_type
        if of_type in _TEXT:
            found.append((argument.python_name, None))
        elif has_object_definition(of_type) and of_type.__strawberry_definition__.is_input:
            inner = _plan(of_type.__strawberry_definition__.fields)
            if inner:
                found.append((argument.python_name, inner))
    return tuple(found)


def _cleared(values: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """The blank text filters of `values` (python names) made None; unchanged names kept."""
    changed: dict[str, Any] = {}
    for name, inner in plan:
        value = values.get(name)
        if inner is None:
            if is_blank(value):
                changed[name] = None
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = _cleared({item.name: getattr(value, item.name) for item in dataclasses.fields(value)}, inner)
            if fields:
                changed[name] = dataclasses.replace(value, **fields)
    return changed


class BlankFilterIsNoFilter(FieldExtension):
    """On a list field: each blank optional text filter given is None to the resolver."""

    plan: Plan = ()

    def apply(self, field: StrawberryField) -> None:
        self.plan = _plan(field.arguments)

    def map_arguments(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        changed = _cleared(kwargs, self.plan)
        return {**kwargs, **changed} if changed else kwargs


def on_every_list(query: type) -> None:
    """Give every list (connection) field of `query`, a strawberry type, the rule."""
    for field in query.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if isinstance(field.type, type) and issubclass(field.type, Connection):
            field.extensions.append(BlankFilterIsNoFilter())
