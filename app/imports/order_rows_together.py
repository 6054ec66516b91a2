"""The rows of one order in Shopify's orders export stay next to each other (README, "Shopify's
orders export").

Shopify writes one row per line item, the order's own cells on its first row only, and the
rows of one order one after the other. A shop that sorted its export in a spreadsheet (by
product, by date) parts them: an order read from its first run of rows then lacked the line
items of the others, and each later run was refused for cells it never had ("The placed_at
field is required."). Grouping the rows wherever they are would hold every order open to the
end of the file and break `--resume`'s position (the last line every record before it was
answered). So an order whose rows are apart is not imported at all: each run of its rows is
refused on its own line, the first naming where the others are, the others naming the first.
A run that begins with the order's first row (the cells Shopify writes there only) is a whole
copy of the order, not a part of it: exports joined with `cat` that overlap hold such copies
wherever the overlap falls, and each is imported, an upsert in file order; an order is apart
only when one of its runs begins without that row. One pass over the file's `Name` cells finds
them before anything is sent; it keeps each name and the lines its runs start on, not the
rows. A run whose first row holds none of the order's own cells (its first row missing from the
file) is refused saying so, not as fields required; when that first row comes right after such
rows (the rows of one order in the wrong order), both the rows and the order are refused, each
naming the other's line, as rows apart are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_TOGETHER = "rows of order {} must be next to each other"
_SORT = "sort the file by Name, each order's first row first"
_LISTED = 5  # lines named in a message; more are counted


def orders_apart(names: Iterable[tuple[int, str | None, bool]]) -> dict[str, list[int]]:
    """The orders whose rows come in more than one run, one of them at least beginning without
    the order's first row (a part of the order, not a whole copy of it), from each row's (line,
    `Name` cell, None when blank; whether it holds the cells of an order's first row) in file
    order: name -> the line each of its runs starts on, ascending, e.g. {"#3001": [2, 4]}. An
    order whose every run begins with its first row is not apart: each run is a copy (exports
    joined). A blank Name belongs to no order and is left out."""
    runs: dict[str, list[int]] = {}
    parted: set[str] = set()  # the names with a run beginning without the order's first row
    previous: str | None = None
    for line, name, first_row in names:
        if name == previous:
            continue  # the same run
        previous = name
        if name is None:
            continue
        runs.setdefault(name, []).append(line)
        if not first_row:
            parted.add(name)
    return {name: starts for name, starts in runs.items() if len(starts) > 1 and name in parted}


def apart_message(name: str, line: int, starts: Sequence[int]) -> str:
    """Why the run of rows of order `name` starting on `line` is refused, `starts` being the
    lines all its runs start on (`orders_apart`): the first run, the order's record, names where
    the others start; a later one names the first row's line (which a resume may have imported
    before rows were appended apart from it: it does not say the order was not)."""
    if line == starts[0]:
        others = _lines(starts[1:])
        return f"{_TOGETHER.format(name)}: more of its rows are on {others}; the order is not imported: {_SORT}"
    return f"{_TOGETHER.format(name)}: its first row is line {starts[0]}; {_SORT}"


def no_first_row_message(name: str | None, line: int) -> str:
    """Why a run of rows whose first row holds a line item and none of the order's own cells
    (Total, Currency, the statuses: `Created at` and `Email` Shopify writes on each row) is
    refused: the order's first row is missing."""
    return (
        f"line {line} holds a line item of {_order(name)} but none of the order's own cells (Total, Currency, "
        "the statuses): its first row, which holds them, is not in the file; the order is not imported"
    )


def first_row_after_message(name: str | None, line: int, first: int) -> str:
    """Why a run of rows of order `name` starting on `line`, none of them holding the order's
    own cells, is refused when its first row, which does, comes right after them, on `first`."""
    return (
        f"line {line} holds a line item of {_order(name)} but none of the order's own cells (Total, Currency, "
        f"the statuses): its first row, which holds them, is line {first}, after it; {_SORT}"
    )


def late_first_row_message(name: str | None, items: int) -> str:
    """Why the order `name` is refused from its first row on: rows of its line items come right
    before it, from line `items` (`first_row_after_message`)."""
    return (
        f"rows of {_order(name)} must follow its first row: line {items} holds a line item of it, before it; "
        f"the order is not imported: {_SORT}"
    )


def _order(name: str | None) -> str:
    return f"order {name}" if name is not None else "an order without a Name"


def _lines(lines: Sequence[int]) -> str:
    """`line 4`, `lines 4 and 9`, `lines 4, 9, 12, 15, 20 and 3 more`."""
    if len(lines) == 1:
        return f"line {lines[0]}"
    named = [str(line) for line in lines[:_LISTED]]
    if len(lines) > _LISTED:
        return f"lines {', '.join(named)} and {len(lines) - _LISTED} more"
    return f"lines {', '.join(named[:-1])} and {named[-1]}"
