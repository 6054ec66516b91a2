"""A JSON number in a variable, read by the built-in scalars as JSON means it (GraphQL spec
§3.5, input coercion; RFC 8259 numbers), wherever it sits: a variable of its own, or a field
of an input object or a list item within one.

Variables are read with exact numbers (`app.domain.json_values.read_json`: a Decimal for a
fraction, an exponent or a whole number past Python's int), which the Decimal and JSON
scalars need. graphql-core's built-in scalars take only int and float, so they refused every
such number as "… cannot represent …: <Decimal instance>", `10.0` included, which graphql-js
takes as 10. Before an operation runs, each Decimal its variables hold where a built-in
scalar reads it is given to graphql-core as graphql-js reads the number:

- `Int`: a whole number as an int (refused past 32 bits with its digits, as graphql-core words
  it); any other number shown by its JSON text in the refusal (a fraction, and a whole number
  past `MAX_INT_DIGITS` digits, which no int here holds: graphql-core words both "non-integer");
- `ID`: a whole number as an int, which `ID` takes as its decimal text (`123.0` is "123");
  any other refused, shown by its text;
- `Float`: the nearest float;
- `String`, `Boolean`: refused as any number is, shown by its text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLType,
    OperationDefinitionNode,
    type_from_ast,
)
from strawberry.extensions import SchemaExtension

from app.domain.json_values import MAX_INT_DIGITS

from .operations import chosen_operation

# A number's text shown at most this long in a refusal; a longer one is cut, its digits counted.
_SHOWN = 60


class _Number:
    """A number a built-in scalar does not take, shown in graphql-core's refusal by its JSON
    text (graphql-core's `inspect` calls `__inspect__`)."""

    __slots__ = ("text",)

    def __init__(self, value: Decimal):
        text = str(value)
        if len(text) > _SHOWN:
            text = f"{text[:20]}… ({len(value.as_tuple().digits):,} digits)"
        self.text = text

    def __inspect__(self) -> str:
        return self.text


def _whole(value: Decimal) -> int | None:
    return int(value) if value == value.to_integral_value() and value.adjusted() < MAX_INT_DIGITS else None


def as_int_input(value: Any) -> Any:
    """`value` as graphql-core's Int should see it: a whole Decimal of at most
    `MAX_INT_DIGITS` digits as an int, any other Decimal as a `_Number`; anything else as given."""
    if not isinstance(value, Decimal):
        return value
    whole = _whole(value) if value.is_finite() else None
    return _Number(value) if whole is None else whole


def _as_float(value: Decimal) -> Any:
    number = float(value)
    return _Number(value) if number in (float("inf"), float("-inf")) else number


# built-in scalar -> what it is given for a Decimal
_READ: dict[str, Callable[[Decimal], Any]] = {
    "Int": as_int_input,
    "ID": as_int_input,  # graphql-core's ID takes an int as its text, as graphql-js an integer
    "Float": _as_float,
    "String": _Number,
    "Boolean": _Number,
}


def as_input(type_: GraphQLType, value: Any) -> Any:
    """`value`, given for an input of `type_`, with each Decimal a built-in scalar reads as
    that scalar should see it (module docstring); the rest as given."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    read = _READ.get(getattr(type_, "name", ""))
    if read is not None and isinstance(value, (list, dict)):
        return _shown(value)  # refused by the scalar, which shows it: its numbers by their text
    if value.__class__ is Decimal:
        return value if read is None else read(value)
    if isinstance(type_, GraphQLList):
        # a single value given for a list is a list of it (input coercion): read as an item
        return (
            [as_input(type_.of_type, item) for item in value]
            if isinstance(value, list)
            else as_input(type_.of_type, value)
        )
    if isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
        fields = type_.fields
        return {name: as_input(fields[name].type, item) if name in fields else item for name, item in value.items()}
    return value


def _shown(value: Any, depth: int = 0) -> Any:
    """A list or object a scalar refuses, its Decimals shown by their text in the refusal; past
    the two levels graphql-core's `inspect` looks into (it names the type of what is deeper),
    as the nearest float."""
    if isinstance(value, list):
        return [_shown(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {key: _shown(item, depth + 1) for key, item in value.items()}
    if value.__class__ is not Decimal:
        return value
    return _Number(value) if depth < 2 else float(value)


def _declared(schema: GraphQLSchema, operation: OperationDefinitionNode) -> Iterator[tuple[str, GraphQLType]]:
    for definition in operation.variable_definitions or ():
        declared = type_from_ast(schema, definition.type)
        if declared is not None:  # an unknown type: graphql-core's validation refuses the document
            yield definition.variable.name.value, declared


class NumberVariables(SchemaExtension):
    """Gives each variable of the operation about to run its numbers as the built-in scalars
    should see them (`as_input`)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        variables = context.variables
        document = context.graphql_document
        if variables and document is not None:
            # the operation `OneOperation` checked once the document was parsed
            operation = chosen_operation(document, context._provided_operation_name)
            declared = dict(_declared(context.schema._schema, operation))
            context.variables = {
                name: as_input(declared[name], value) if name in declared else value
                for name, value in variables.items()
            }
        yield
