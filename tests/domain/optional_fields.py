"""The optional fields of the command models, walked from the models themselves, for the tables
of tests that send `null` or a blank in each (SPEC §3, §10)."""

from __future__ import annotations

from typing import get_args

from app.domain.commands import CartInput, CartUpdate, Command, OrderInput


def optional_paths(model: type[Command], at: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every optional field of `model` as a path of names, those of its nested commands
    (customer, addresses, consent) too."""
    found: list[tuple[str, ...]] = []
    for name, field in model.model_fields.items():
        nested = next((arg for arg in get_args(field.annotation) if arg is not type(None)), field.annotation)
        if not field.is_required():
            found.append((*at, name))
        if isinstance(nested, type) and issubclass(nested, Command):
            found.extend(optional_paths(nested, (*at, name)))
    return found


# null where null is refused: an order's or cart's phone (with no phone on an address), a cart
# PATCH's status
NULL_REFUSED = {
    (OrderInput, ("customer",)),
    (OrderInput, ("customer", "phone")),
    (CartInput, ("customer",)),
    (CartInput, ("customer", "phone")),
    (CartUpdate, ("status",)),
}
