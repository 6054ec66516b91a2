"""Page size: how many rows a list argument `first` may ask for.

Rule (SPEC §5 "`first` ≤ 100", amended by SPEC §10 "`first: 0` is valid"): 0 <= first <= 100,
for every list field, root connections and nested lists alike. `first: 0` returns no rows;
a connection still answers `totalCount` and `pageInfo` (`hasNextPage` says whether rows
exist). Anything else is refused, never clamped.
"""

from __future__ import annotations

from app.domain.errors import ErrorCode, FieldError, ValidationFailed

MAX_FIRST = 100


def check_first(first: int, field: tuple[str | int, ...] = ("first",)) -> int:
    """`first` itself when 0 <= first <= MAX_FIRST; else raises ValidationFailed naming
    `field` with code `out_of_range`."""
    if not 0 <= first <= MAX_FIRST:
        message = f"first must be between 0 and {MAX_FIRST}."
        raise ValidationFailed([FieldError(field, ErrorCode.OUT_OF_RANGE, message)])
    return first
