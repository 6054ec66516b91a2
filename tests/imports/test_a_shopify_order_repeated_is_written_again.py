"""README "Shopify's orders export": a row of an order's Name holding a cell of the order's
first row only (`Total`, `Currency`, `Financial Status`, `Fulfillment Status`) is that order
repeated, a record of its own written after the first, as a JSON line repeated is: the order
keeps the last copy's cells and line items. Such rows were read as more line items of the copy
before (its line items doubled, the repeat's own cells dropped)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.imports import sources
from tests.imports.files import kanal_import
from tests.realserver import Prepared, read_tables

HEADER = "Name,Email,Financial Status,Fulfillment Status,Currency,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Phone"
MAIN = "#90,x@y.com,paid,,EUR,11.00,2024-01-15 10:23:45 +0100,1,Main,10.00,+33612340090"
EXTRA = "#90,,,,,,,1,Extra,1.00,"
# A line-item row as Shopify writes it: the order's Email and Created at again, nothing else of it.
EXTRA_DATED = "#90,x@y.com,,,,,2024-01-15 10:23:45 +0100,1,Extra,1.00,"
LATER = "#90,x@y.com,pending,,USD,99.00,2024-02-15 10:23:45 +0100,1,Other,99.00,+33612340092"
OTHER = "#91,z@y.com,paid,,EUR,5.00,2024-01-16 10:00:00 +0100,1,Hat,5.00,+33612340091"


def _only(column: str, value: str) -> str:
    """#90's row holding `column`'s cell alone of the order's own, with the line item Again."""
    cells = dict.fromkeys(HEADER.split(","), "")
    cells.update({"Name": "#90", "Lineitem quantity": "1", "Lineitem name": "Again", "Lineitem price": "1.00"})
    cells[column] = value
    return ",".join(cells.values())


# arrangement -> (rows after the header, [(line, last line, currency, line items' titles)] read)
ARRANGEMENTS: dict[str, tuple[list[str], list[tuple[int, int, Any, list[str]]]]] = {
    "an order with its line items twice": (
        [MAIN, EXTRA, MAIN, EXTRA, OTHER],
        [(2, 3, "EUR", ["Main", "Extra"]), (4, 5, "EUR", ["Main", "Extra"])],
    ),
    "an order on one row twice": ([MAIN, MAIN, OTHER], [(2, 2, "EUR", ["Main"]), (3, 3, "EUR", ["Main"])]),
    "a repeat whose cells differ": (
        [MAIN, EXTRA, LATER, OTHER],
        [(2, 3, "EUR", ["Main", "Extra"]), (4, 4, "USD", ["Other"])],
    ),
    "a repeat at the end of the file": ([OTHER, MAIN, LATER], [(3, 3, "EUR", ["Main"]), (4, 4, "USD", ["Other"])]),
    "line-item rows holding Email and Created at": (
        [MAIN, EXTRA_DATED, EXTRA_DATED, OTHER],
        [(2, 4, "EUR", ["Main", "Extra", "Extra"])],
    ),
    "a repeat holding Total alone": (
        [MAIN, _only("Total", "1.00"), OTHER],
        [(2, 2, "EUR", ["Main"]), (3, 3, None, ["Again"])],
    ),
    "a repeat holding Currency alone": (
        [MAIN, _only("Currency", "EUR"), OTHER],
        [(2, 2, "EUR", ["Main"]), (3, 3, "EUR", ["Again"])],
    ),
    "a repeat holding Financial Status alone": (
        [MAIN, _only("Financial Status", "paid"), OTHER],
        [(2, 2, "EUR", ["Main"]), (3, 3, None, ["Again"])],
    ),
    "a repeat holding Fulfillment Status alone": (
        [MAIN, _only("Fulfillment Status", "fulfilled"), OTHER],
        [(2, 2, "EUR", ["Main"]), (3, 3, None, ["Again"])],
    ),
}


@pytest.mark.parametrize("arrangement", list(ARRANGEMENTS))
def test_a_row_holding_the_orders_own_cells_starts_it_again(tmp_path: Path, arrangement: str) -> None:
    rows, read = ARRANGEMENTS[arrangement]
    source = tmp_path / "orders_export.csv"
    source.write_text("\n".join([HEADER, *rows]) + "\n")
    records = list(sources.read(source, "csv"))
    assert [r.error for r in records] == [None] * len(records)
    assert [
        (r.line, r.last_line, r.data.get("currency"), [item["title"] for item in r.data["line_items"]])
        for r in records
        if r.data and r.data["external_id"] == "#90"
    ] == read
    assert sources.count(source, "csv") == len(records)


async def test_an_order_repeated_ends_as_its_last_copy(prepared: Prepared, tmp_path: Path) -> None:
    """Each copy is an upsert of the same order: the second replaces (or replays) the first."""
    source = tmp_path / "orders_export.csv"
    source.write_text("\n".join([HEADER, MAIN, EXTRA, MAIN, EXTRA, OTHER, OTHER.replace("5.00", "6.00")]) + "\n")
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].split(": ", 1)[1] == (
        "2 created, 2 replaced or replayed, 0 stale, 0 refused - backfill: no automation fired"
    )
    orders = (await read_tables(prepared.url, "orders"))["orders"]
    assert sorted(
        (o["external_id"], o["total_price"], [(i["title"], i["price"]) for i in o["line_items"]]) for o in orders
    ) == [
        ("#90", Decimal("11.00"), [("Main", Decimal("10.00")), ("Extra", Decimal("1.00"))]),
        ("#91", Decimal("6.00"), [("Hat", Decimal("6.00"))]),
    ]
