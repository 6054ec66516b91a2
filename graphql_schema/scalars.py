"""Scalars: Decimal money as strings in the currency's decimals ("49.90", JPY "1500"); inputs pass through to the
domain's validation."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, NewType

import strawberry
from graphql import FloatValueNode, ListValueNode, ObjectValueNode, Undefined, ValueNode, value_from_ast_untyped
from strawberry.scalars import JSON

from app.domain.json_values import exact_decimal
from app.domain.money import Amount, format_money


def _serialize_money(value: Decimal) -> str:
    # An Amount knows its currency's decimals; a bare Decimal (a line item's price) has two.
    return value.text() if isinstance(value, Amount) else format_money(value)


def _parse_money(value: Any) -> Any:
    return value  # validated by the domain, so that a bad amount is a userError, not a top-level error


def exact_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
    """A literal as written in the document, its numbers exact: `12345678901234.5678` is that
    Decimal, not the nearest float (graphql-core reads floats as floats). Variables arrive
    exact already: the request's JSON is read with Decimal floats (app.py). A variable the
    request did not send is, as graphql-js's `valueFromASTUntyped` leaves it once in JSON, a
    key left out of its object and `null` in a list (graphql-core's `Undefined` reached the
    database, a 500)."""
    if isinstance(node, FloatValueNode):
        return exact_decimal(node.value)
    if isinstance(node, ListValueNode):
        items = (exact_literal(item, variables) for item in node.values)
        return [None if item is Undefined else item for item in items]
    if isinstance(node, ObjectValueNode):
        fields = ((field.name.value, exact_literal(field.value, variables)) for field in node.fields)
        return {name: value for name, value in fields if value is not Undefined}
    return value_from_ast_untyped(node, variables)


Money = NewType("Money", Decimal)

MONEY_SCALAR = strawberry.scalar(
    name="Decimal",
    description=(
        'Exact decimal amount as a string in its currency\'s decimals (ISO 4217 minor unit), e.g. "49.90", '
        'JPY "1500", KWD "12.345"; inputs accept strings or numbers.'
    ),
    serialize=_serialize_money,
    parse_value=_parse_money,
    parse_literal=exact_literal,
)

# strawberry's JSON, but a literal's numbers are read exactly (line item prices, metadata).
JSON_SCALAR = strawberry.scalar(
    name="JSON",
    description=(
        "The `JSON` scalar type represents JSON values as specified by "
        "[ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf)."
    ),
    specified_by_url="https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf",
    serialize=lambda value: value,
    parse_value=lambda value: value,
    parse_literal=exact_literal,
)

Long = NewType("Long", int)

LONG_SCALAR = strawberry.scalar(
    name="Long",
    description="A whole number of up to 64 bits (GraphQL's Int holds 32), as a JSON number.",
    serialize=int,
    parse_value=lambda value: value,  # validated by the domain: a bad count is a userError
)

DATETIME_SCALAR = strawberry.scalar(
    name="DateTime",
    description=(
        'An instant: RFC 3339 with a time part, e.g. "2026-05-18T10:00:00Z" (no offset means UTC); '
        "a date alone is refused. Rendered in ISO 8601 with its offset."
    ),
    serialize=datetime.isoformat,
    # Read by the argument's resolver (`app.read.filters.moment`, the REST rule), so that a bad
    # instant is BAD_USER_INPUT naming its argument, like every other bad argument.
    parse_value=lambda value: value,
)

__all__ = ["DATETIME_SCALAR", "JSON", "JSON_SCALAR", "LONG_SCALAR", "MONEY_SCALAR", "Long", "Money"]
