"""IN lists of any length in precompiled statements (`compiled.PrecompiledStatement`, which
takes plain parameters only, no expanding ones).

A list of n values is bound as `width(n)` parameters, n rounded up to a power of two and the
list padded with its first value, which matches nothing the list does not: a statement is
built and compiled once per width (a few), and its rows are those of the list as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, bindparam


def width(values: int) -> int:
    """The number of parameters a list of `values` values (at least one) is bound as."""
    return 1 << max(0, values - 1).bit_length()


def in_list(column: Any, name: str, size: int) -> ColumnElement[bool]:
    """`column IN (:name0, …)`, `size` parameters of the column's type."""
    return column.in_([bindparam(f"{name}{i}", type_=column.type) for i in range(size)])


def list_params(name: str, values: Sequence[Any]) -> dict[str, Any]:
    """The parameters of `in_list(…, name, width(len(values)))` for `values` (not empty),
    padded with the first value."""
    padded = [*values, *[values[0]] * (width(len(values)) - len(values))]
    return {f"{name}{i}": value for i, value in enumerate(padded)}
