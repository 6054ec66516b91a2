"""The columns of a generic CSV that hold whole numbers (`lifetime_value`, `orders_count`, and
the embedded customer's): every CSV cell is text, and the API takes no text where a JSON
integer goes, so such a cell is sent as the number it writes. Found from the command models,
as `commands.string_fields` finds the text fields, so a new whole-number field follows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, get_args

from app.domain.commands import CartInput, Command, CustomerInput, OrderInput, ShipmentInput

# ASCII digits only (`int` also reads other scripts' digits), and few enough for `int` (past
# 4,300 it raises; past 19 no field takes the number, and the API says so)
_WHOLE = re.compile(r"\s*[+-]?[0-9]{1,4000}\s*")


def _paths(model: type[Command], at: str = "") -> Iterator[str]:
    """The dotted paths of `model`'s integer fields, those of the commands within it included."""
    properties = model.model_json_schema(mode="validation")["properties"]
    for name, field in model.model_fields.items():
        nested = next((arg for arg in get_args(field.annotation) if arg is not type(None)), field.annotation)
        if isinstance(nested, type) and issubclass(nested, Command):
            yield from _paths(nested, f"{at}{name}.")
        elif _is_integer(properties[name]):
            yield f"{at}{name}"


def _is_integer(schema: dict[str, Any]) -> bool:
    options = [option for option in schema.get("anyOf", [schema]) if option.get("type") != "null"]
    return len(options) == 1 and options[0].get("type") == "integer"


WHOLE_NUMBER_COLUMNS = frozenset(
    path for model in (OrderInput, CartInput, CustomerInput, ShipmentInput) for path in _paths(model)
)


def whole_number(cell: str) -> int | str:
    """The cell as an int when it writes one in ASCII digits (`1200`, ` +3 `), else as it is,
    for the API to refuse with its own message (`1,200`, `12.5`, `１２`)."""
    return int(cell) if _WHOLE.fullmatch(cell) else cell
