"""The columns of a generic CSV that hold whole numbers (`lifetime_value`, `orders_count`, and
the embedded customer's): every CSV cell is text, and such a cell is sent as the number it
writes (the API also reads a count's numeric text, README "Platform payloads", but a number is
what the field holds). Found from the command models,
as `commands.string_fields` finds the text fields, so a new whole-number field follows."""

from __future__ import annotations

import re

from app.domain.commands import integer_fields

from .columns import generic_columns

# ASCII digits only (`int` also reads other scripts' digits), and few enough for `int` (past
# 4,300 it raises; past 19 no field takes the number, and the API says so)
_WHOLE = re.compile(r"\s*[+-]?[0-9]{1,4000}\s*")


WHOLE_NUMBER_COLUMNS = generic_columns(integer_fields)


def whole_number(cell: str) -> int | str:
    """The cell as an int when it writes one in ASCII digits (`1200`, ` +3 `), else as it is,
    for the API to refuse with its own message (`1,200`, `12.5`, `１２`)."""
    return int(cell) if _WHOLE.fullmatch(cell) else cell
