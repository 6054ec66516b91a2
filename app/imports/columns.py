"""The columns of a generic CSV that hold a kind of field, found from the command models: a
column is a field's dotted path (`total_price`, `customer.lifetime_value`), the commands within
a command (the embedded customer, an address) included, so a new field of that kind follows."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from app.domain.commands import CartInput, Command, CustomerInput, OrderInput, ShipmentInput, nested_commands

FieldsOf = Callable[[type[Command]], frozenset[str]]


def generic_columns(fields_of: FieldsOf) -> frozenset[str]:
    """The dotted paths of the fields `fields_of` picks (e.g. `commands.integer_fields`) in the
    bodies a generic CSV's rows write: orders, carts, customers and shipments."""
    return frozenset(
        path for model in (OrderInput, CartInput, CustomerInput, ShipmentInput) for path in _paths(model, fields_of)
    )


def _paths(model: type[Command], fields_of: FieldsOf, at: str = "") -> Iterator[str]:
    yield from (f"{at}{name}" for name in sorted(fields_of(model)))
    for name, nested in nested_commands(model):
        yield from _paths(nested, fields_of, f"{at}{name}.")
