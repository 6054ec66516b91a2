"""Shopify's orders export (Admin > Orders > Export, CSV): one row per line item, the rows of
one order sharing its `Name` (#1001) and the order's own fields filled on its first row only.
The column mapping is README's "CSV mapping"."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from . import order_rows_together

# order field <- column
_ORDER = {
    "external_id": "Name",
    "placed_at": "Created at",
    "total_price": "Total",
    "currency": "Currency",
    "financial_status": "Financial Status",
    "fulfillment_status": "Fulfillment Status",
}
# The cells Shopify writes on an order's first row only: a row without them is a line-item row
# (its first row missing, or coming after it); a row of the same Name holding one of
# them is that order's first row again (the order repeated: exports joined, a row pasted twice),
# which starts a record of its own. `Created at` and `Email` are not among them: Shopify writes
# them on each line-item row too, which would part an order into one record a line item.
_FIRST_ROW_ONLY = ("Financial Status", "Fulfillment Status", "Currency", "Total")
# line item field <- column
_LINE_ITEM = {
    "title": "Lineitem name",
    "quantity": "Lineitem quantity",
    "price": "Lineitem price",
    "sku": "Lineitem sku",
}
# The columns read as numbers (amounts, a quantity): in a file saved with `;`, their decimal
# mark is the comma (`decimal_comma`).
NUMBER_COLUMNS = frozenset({"Total", "Lineitem price", "Lineitem quantity"})
# address field <- column after "Billing " / "Shipping "
_ADDRESS = {
    "company": "Company",
    "address1": "Address1",
    "address2": "Address2",
    "city": "City",
    "zip": "Zip",
    "province": "Province",
    "country_code": "Country",
    "phone": "Phone",
}
# The columns holding a phone or a zip: Shopify writes them `'+16135550135`, `'02108` so that a
# spreadsheet keeps them as text (no `+` dropped, no leading 0 lost); that apostrophe is no part
# of the phone or the zip.
QUOTED_COLUMNS = frozenset({"Phone", "Billing Phone", "Shipping Phone", "Billing Zip", "Shipping Zip"})


def is_orders_export(columns: Iterable[str]) -> bool:
    return {"Name", "Lineitem name"} <= set(columns)


def orders(
    rows: Iterable[tuple[int, int, dict[str, str], str | None]],
    apart: Mapping[str, Sequence[int]],
) -> Iterator[tuple[int, int, dict[str, Any], str | None, tuple[int, ...]]]:
    """(line of the order's first row, last line of its last row, the order as a REST body, why
    it cannot be read, the line each of its line items is on) for each run of rows sharing a
    Name; each row comes with the lines it starts and ends on and why it cannot be read (None:
    it can),
    and an order is unreadable with the first of its rows that is (`line N: …` for a row after
    its first: the order is refused on its first line). Within a run, a row holding
    a cell of the order's first row only (`Total`, `Currency`, the statuses) starts the order
    again: a record of its own, the same `external_id` written twice in file order, as two
    JSON lines of it are (the second copy's line items and cells are what the order keeps).
    `apart` maps the Names whose
    rows are not all next to each other to the lines their runs start on
    (`order_rows_together.orders_apart`; runs that each begin with the order's first row are
    whole copies, not apart, each a record as above): each such run is refused, as is a run whose first
    row holds none of the order's own cells: its first row missing, or coming after its line
    items, when the order is not imported (those rows and the order from its first row are
    both refused, each naming the other's line)."""
    current: dict[str, Any] | None = None
    start, end, problem = 0, 0, None
    lines: list[int] = []  # the line of each line item of the current record
    headless = False  # the current record's rows come before any first row of theirs
    for line, last, row, unreadable in rows:
        name = _cell(row, "Name")
        repeated = current is not None and _is_first_row(row)
        if current is None or name != current.get("external_id") or repeated:
            late = None  # the order's first row, after line items of it: refused as they are
            if current is not None:
                if headless and repeated and name == current.get("external_id"):
                    problem = order_rows_together.first_row_after_message(name, start, line)
                    late = order_rows_together.late_first_row_message(name, start)
                yield start, end, current, problem, tuple(lines)
            current, start, problem, headless, lines = _order(row), line, late, False, []
            if late is None and name is not None and name in apart:
                problem = order_rows_together.apart_message(name, line, apart[name])
            elif late is None and not _is_first_row(row):
                problem = order_rows_together.no_first_row_message(name, line)
                headless = True
        if unreadable is not None and line != start:  # refused at its first line: name the row's own
            unreadable = f"line {line}: {unreadable}"
        problem, end = problem or unreadable, last
        item = {field: _cell(row, column) for field, column in _LINE_ITEM.items()}
        if any(value is not None for value in item.values()):
            current["line_items"].append({k: v for k, v in item.items() if v is not None})
            lines.append(line)
    if current is not None:
        yield start, end, current, problem, tuple(lines)


def _is_first_row(row: dict[str, str]) -> bool:
    """Whether the row holds a cell Shopify writes on an order's first row only."""
    return any(_cell(row, column) for column in _FIRST_ROW_ONLY)


def _order(row: dict[str, str]) -> dict[str, Any]:
    order: dict[str, Any] = {field: value for field, column in _ORDER.items() if (value := _cell(row, column))}
    if "placed_at" in order:
        order["placed_at"] = _moment(order["placed_at"])
    customer = {"email": _cell(row, "Email"), "phone": _cell(row, "Phone")}
    first, last = _names(_cell(row, "Billing Name") or _cell(row, "Shipping Name"))
    customer.update(first_name=first, last_name=last)
    order["customer"] = {k: v for k, v in customer.items() if v is not None}
    for kind in ("Billing", "Shipping"):
        address = {field: _cell(row, f"{kind} {column}") for field, column in _ADDRESS.items()}
        address["first_name"], address["last_name"] = _names(_cell(row, f"{kind} Name"))
        if any(value is not None for value in address.values()):
            order[f"{kind.lower()}_address"] = {k: v for k, v in address.items() if v is not None}
    if tags := _cell(row, "Tags"):
        order["tags"] = [tag.strip() for tag in tags.split(",") if tag.strip()]
    if shopify_id := _cell(row, "Id"):
        order["metadata"] = {"shopify_id": shopify_id}
    order["line_items"] = []
    return order


def names(rows: Iterable[tuple[int, int, dict[str, str], str | None]]) -> Iterator[tuple[int, str | None, bool]]:
    """Each row's first line, `Name` cell (None: blank), and whether it holds a cell of an
    order's first row only, as `orders` reads them."""
    for line, _, row, _ in rows:
        yield line, _cell(row, "Name"), _is_first_row(row)


def _cell(row: dict[str, str], column: str) -> str | None:
    """The cell's text without its surrounding spaces (None: absent or blank); in a phone or a
    zip column, without the one apostrophe Shopify writes before it (`'+16135550135`, `'02108`)."""
    value = (row.get(column) or "").strip()
    if column in QUOTED_COLUMNS and value.startswith("'"):
        value = value[1:].strip()
    return value or None


def _names(full: str | None) -> tuple[str | None, str | None]:
    """ "Marie Durand" -> ("Marie", "Durand"): the first word is the first name."""
    if full is None:
        return None, None
    first, _, last = full.partition(" ")
    return first, last.strip() or None


def _moment(text: str) -> str:
    """Shopify writes `2024-01-15 10:23:45 +0100`; the REST API reads RFC 3339. Text in
    another form is passed on as it is (and refused, with its line, if no datetime)."""
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S %z").isoformat()
    except ValueError:
        return text
