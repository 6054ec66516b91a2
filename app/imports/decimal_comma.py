"""Amounts in a CSV whose decimal mark is the comma: a file separated by `;`, as Excel saves
CSV where the comma is the decimal mark (France: `12,50`, thousands `1 234,50`). The separator
tells (`sources`: a header with no comma but `;`), so such a file's number cells are read here
into the dot-decimal text the API reads; the cells of a file separated by commas or tabs (a
tab says nothing of the decimal mark) are left as they are. README "CSV mapping".

A cell is `[+-]digits[,digits]`, its digits grouped by thousands or not: `12,50` is 12.50,
`-3,5` is -3.5, `1 234,50` (a space, NBSP U+00A0 or narrow NBSP U+202F between groups) and
`1.234,50` are 1234.50, `1.234.567` is 1234567. A cell with no comma and no grouping (`12`,
`12.50`, text) is left as it is, read as in any file. A cell holding a comma or a grouping
space that is no such number (`1,2,3`, `12,`, `1,234.50`, `12 50`), or one a dot makes
ambiguous (`1.234`: a thousand and more, or one and a bit), is refused on its record's line
with `NotADecimalCommaNumber`'s message, which says the file's decimal mark is the comma."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.domain.commands import number_fields

from . import shopify
from .columns import generic_columns

# Separators that say the comma is the decimal mark (`sources._separator` finds them).
DECIMAL_COMMA_SEPARATORS = frozenset({";"})
# Spaces that group thousands: Excel and LibreOffice write NBSP, French typography the narrow one.
_GROUPING_SPACES = " \u00a0\u202f"
_NUMBER = re.compile(
    r"(?P<sign>[+-]?)"
    r"(?P<whole>[0-9]+|[0-9]{1,3}(?P<group>[ \u00a0\u202f.])[0-9]{3}(?:(?P=group)[0-9]{3})*)"
    r"(?:,(?P<fraction>[0-9]+))?",
    re.ASCII,
)
_EXAMPLES = "12,50; 1 234,50; 1.234,50"


class NotADecimalCommaNumber(ValueError):
    """A number cell of a decimal-comma file that writes no number unambiguously; its text
    names the column and the cell and says the file's decimal mark is the comma."""


# The number columns of a generic CSV (`total_price`, `customer.lifetime_value`, …).
GENERIC_NUMBER_COLUMNS = generic_columns(number_fields)


def number_columns(columns: list[str]) -> frozenset[str]:
    """The columns of a CSV header (`columns`, as named) whose cells hold numbers: Shopify's
    export's (`shopify.NUMBER_COLUMNS`: `Total`, `Lineitem price`, `Lineitem quantity`), else
    the generic mapping's (`GENERIC_NUMBER_COLUMNS`, names stripped as `sources.nested` does)."""
    if shopify.is_orders_export(columns):
        return shopify.NUMBER_COLUMNS & frozenset(columns)
    return frozenset(column for column in columns if column.strip() in GENERIC_NUMBER_COLUMNS)


def reads_decimal_comma(separator: str) -> bool:
    """Whether a CSV separated by `separator` writes its decimal mark as a comma (`;`)."""
    return separator in DECIMAL_COMMA_SEPARATORS


def dot_decimal(cell: str, column: str) -> str:
    """The number a decimal-comma cell writes, as dot-decimal text (`1 234,50` -> `1234.50`,
    `-3,5` -> `-3.5`: sign, digits and decimals kept), or the cell as it is when it has no
    comma and no grouping (`12`, `12.50`, `abc`: the API reads it as in any file). Raises
    NotADecimalCommaNumber for a comma or grouping that writes no number, or a single dot
    followed by three digits (`1.234`), which could be either mark."""
    text = cell.strip()
    found = _NUMBER.fullmatch(text)
    if found is not None:
        group = found["group"]
        if group == "." and found["fraction"] is None and found["whole"].count(".") == 1:
            raise NotADecimalCommaNumber(
                f'The {column} cell "{text}" is ambiguous: this file\'s decimal mark is the comma '
                f"(it is separated by semicolons), so its dot may group thousands or mark "
                f"decimals; write {found['whole'].replace('.', '')} or {found['whole'].replace('.', ',')}."
            )
        if group is None and found["fraction"] is None:
            return cell  # plain digits: as in any file
        whole = found["whole"].replace(group, "") if group else found["whole"]
        fraction = f".{found['fraction']}" if found["fraction"] is not None else ""
        return f"{found['sign']}{whole}{fraction}"
    if "," in text or any(space in text for space in _GROUPING_SPACES):
        raise NotADecimalCommaNumber(
            f'The {column} cell "{text}" is not a number as this file writes them: its decimal mark '
            f"is the comma (it is separated by semicolons), one comma at most, digits on "
            f"both sides, thousands grouped by 3 with a space or a dot ({_EXAMPLES})."
        )
    return cell


def read_row(row: Mapping[Any, Any], columns: frozenset[str]) -> tuple[dict[Any, Any], str | None]:
    """`row` (a CSV row: column -> cell) with its cells in `columns` read by `dot_decimal`, and
    the first such cell's refusal (None: all read). Cells that are no text (missing: None;
    past the header: a list) are left as they are."""
    read = dict(row)
    problem = None
    for column, cell in row.items():  # in the header's order: the first refusal is the leftmost
        if column not in columns or not isinstance(cell, str) or not cell.strip():
            continue
        try:
            read[column] = dot_decimal(cell, column)
        except NotADecimalCommaNumber as exc:
            problem = problem or str(exc)
    return read, problem
