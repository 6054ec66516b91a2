"""A JSON number given to an Int variable, read as JSON means it (GraphQL spec §3.5.1, Int
input coercion; RFC 8259 numbers).

Variables are read with exact numbers (`app.domain.json_values.read_json`: a Decimal for a
fraction, an exponent or a whole number past Python's int), which the Decimal and JSON
scalars need. graphql-core's Int takes only int and float, so it refused every such number
as "Int cannot represent non-integer value: <Decimal instance>", `10.0` included, which
graphql-js takes as 10. Before an operation runs, each variable it declares Int (`Int` or
`Int!`) holding a Decimal is given to graphql-core as the number it is: a whole number as an
int (refused past 32 bits with its digits, as graphql-core words it), any other number as one
graphql-core shows by its JSON text in its refusal: a fraction, and a whole number past
`MAX_INT_DIGITS` digits, which no int here holds (graphql-core words both "non-integer").
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from graphql import NamedTypeNode, NonNullTypeNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from app.domain.json_values import MAX_INT_DIGITS

from .operations import chosen_operation

# A number's text shown at most this long in a refusal; a longer one is cut, its digits counted.
_SHOWN = 60


class _Number:
    """A number no Int takes, shown in graphql-core's refusal by its JSON text
    (graphql-core's `inspect` calls `__inspect__`)."""

    __slots__ = ("text",)

    def __init__(self, value: Decimal):
        text = str(value)
        if len(text) > _SHOWN:
            text = f"{text[:20]}… ({len(value.as_tuple().digits):,} digits)"
        self.text = text

    def __inspect__(self) -> str:
        return self.text


def as_int_input(value: Any) -> Any:
    """`value` as graphql-core's Int should see it: a whole Decimal of at most
    `MAX_INT_DIGITS` digits as an int, any other Decimal as a `_Number`; anything else as given."""
    if not isinstance(value, Decimal):
        return value
    if value == value.to_integral_value() and value.adjusted() < MAX_INT_DIGITS:
        return int(value)
    return _Number(value)


def _int_variables(operation: OperationDefinitionNode) -> Iterator[str]:
    for definition in operation.variable_definitions or ():
        declared = definition.type
        if isinstance(declared, NonNullTypeNode):
            declared = declared.type
        if isinstance(declared, NamedTypeNode) and declared.name.value == "Int":
            yield definition.variable.name.value


class IntVariables(SchemaExtension):
    """Gives each Int variable of the operation about to run its number (`as_int_input`)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        variables = context.variables
        document = context.graphql_document
        if variables and document is not None and any(isinstance(value, Decimal) for value in variables.values()):
            # the operation `OneOperation` checked once the document was parsed
            names = set(_int_variables(chosen_operation(document, context._provided_operation_name)))
            context.variables = {name: as_int_input(v) if name in names else v for name, v in variables.items()}
        yield
