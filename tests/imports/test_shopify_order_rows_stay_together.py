"""README "Shopify's orders export": the rows of one order must be next to each other. An order
whose rows are apart (an export sorted in a spreadsheet) is not imported: each run of its rows
is refused on its line, the first naming where the others are, the others naming the first
row; an order whose first row is missing is refused saying so. It was written with only its
first run's line items, each later run refused as "The placed_at field is required."."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.imports import sources
from app.imports.order_rows_together import orders_apart
from tests.imports.files import kanal_import, report
from tests.realserver import Prepared, read_tables

HEADER = "Name,Email,Financial Status,Currency,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Phone"
FIRST = {
    "#3001": "#3001,a@example.com,paid,EUR,30.00,2024-03-01 10:00:00 +0100,1,Shirt,20.00,+33612343001",
    "#3002": "#3002,b@example.com,paid,EUR,5.00,2024-03-01 11:00:00 +0100,1,Hat,5.00,+33612343002",
    "#3003": "#3003,c@example.com,paid,EUR,7.00,2024-03-01 12:00:00 +0100,1,Pen,7.00,+33612343003",
}
SOCKS = "#3001,,,,,,1,Socks,10.00,"  # #3001's second line item: the order's own cells blank
BELT = "#3001,,,,,,1,Belt,0.00,"
# the same rows as Shopify writes them: the order's Email and Created at on each line-item row
AS_SHOPIFY_WRITES = {
    SOCKS: "#3001,a@example.com,,,,2024-03-01 10:00:00 +0100,1,Socks,10.00,",
    BELT: "#3001,a@example.com,,,,2024-03-01 10:00:00 +0100,1,Belt,0.00,",
}
SORT = "sort the file by Name, each order's first row first"


def _first_of_3001(others: str) -> str:
    return f"rows of order #3001 must be next to each other: more of its rows are on {others}; the order is not imported: {SORT}"


def _later_of_3001(first: int) -> str:
    return f"rows of order #3001 must be next to each other: its first row is line {first}; {SORT}"


def _line_items_before(line: int, first: int) -> list[tuple[int, str]]:
    """The refusals of #3001's line-item rows from `line`, its first row right after them on `first`."""
    return [
        (
            line,
            f"line {line} holds a line item of order #3001 but none of the order's own cells (Total, Currency, "
            f"the statuses): its first row, which holds them, is line {first}, after it; {SORT}",
        ),
        (
            first,
            f"rows of order #3001 must follow its first row: line {line} holds a line item of it, before it; "
            f"the order is not imported: {SORT}",
        ),
    ]


# arrangement -> (rows after the header, {order: its line items' titles} stored, [(line, message)] refused)
ARRANGEMENTS = {
    "adjacent": (
        [FIRST["#3001"], SOCKS, FIRST["#3002"]],
        {"#3001": ["Shirt", "Socks"], "#3002": ["Hat"]},
        [],
    ),
    "split by one order": (
        [FIRST["#3001"], FIRST["#3002"], SOCKS, FIRST["#3003"]],
        {"#3002": ["Hat"], "#3003": ["Pen"]},
        [(2, _first_of_3001("line 4")), (4, _later_of_3001(2))],
    ),
    "split at the end": (
        [FIRST["#3001"], FIRST["#3002"], SOCKS],
        {"#3002": ["Hat"]},
        [(2, _first_of_3001("line 4")), (4, _later_of_3001(2))],
    ),
    "split in three": (
        [FIRST["#3001"], SOCKS, FIRST["#3002"], BELT, FIRST["#3003"], SOCKS],
        {"#3002": ["Hat"], "#3003": ["Pen"]},
        [(2, _first_of_3001("lines 5 and 7")), (5, _later_of_3001(2)), (7, _later_of_3001(2))],
    ),
    "a line item row before its first row": (
        [SOCKS, FIRST["#3002"], FIRST["#3001"]],
        {"#3002": ["Hat"]},
        [(2, _first_of_3001("line 4")), (4, _later_of_3001(2))],
    ),
    "a line item row right before its first row": (
        [FIRST["#3002"], SOCKS, FIRST["#3001"], FIRST["#3003"]],
        {"#3002": ["Hat"], "#3003": ["Pen"]},
        _line_items_before(3, 4),
    ),
    "two line item rows right before its first row": (
        [FIRST["#3002"], SOCKS, BELT, FIRST["#3001"], FIRST["#3003"]],
        {"#3002": ["Hat"], "#3003": ["Pen"]},
        _line_items_before(3, 5),
    ),
    "line item rows before and after its first row": (
        [SOCKS, FIRST["#3001"], BELT, FIRST["#3002"]],
        {"#3002": ["Hat"]},
        _line_items_before(2, 3),
    ),
    "a line item row before its first row at the end of the file": (
        [FIRST["#3002"], SOCKS, FIRST["#3001"]],
        {"#3002": ["Hat"]},
        _line_items_before(3, 4),
    ),
    "first row missing": (
        [FIRST["#3002"], SOCKS, FIRST["#3003"]],
        {"#3002": ["Hat"], "#3003": ["Pen"]},
        [
            (
                3,
                "line 3 holds a line item of order #3001 but none of the order's own cells (Total, Currency, "
                "the statuses): its first row, which holds them, is not in the file; the order is not imported",
            )
        ],
    ),
}


@pytest.mark.parametrize("line_items", ["blank but for the line item", "as Shopify writes them"])
@pytest.mark.parametrize("arrangement", list(ARRANGEMENTS))
def test_an_order_is_read_whole_or_refused_saying_why(tmp_path: Path, arrangement: str, line_items: str) -> None:
    rows, stored, refused = ARRANGEMENTS[arrangement]
    if line_items == "as Shopify writes them":
        rows = [AS_SHOPIFY_WRITES.get(row, row) for row in rows]
    source = tmp_path / "orders_export.csv"
    source.write_text("\n".join([HEADER, *rows]) + "\n")
    records = list(sources.read(source, "csv"))
    assert [(r.line, r.named, r.error) for r in records if r.error] == [
        (line, "#3001", message) for line, message in refused
    ]
    assert {
        r.data["external_id"]: [item["title"] for item in r.data["line_items"]] for r in records if r.data
    } == stored
    assert sources.count(source, "csv") == len(stored) + len(refused)


@pytest.mark.parametrize("arrangement", ["split by one order", "a line item row right before its first row"])
async def test_an_import_writes_no_order_whose_rows_are_apart(
    prepared: Prepared, tmp_path: Path, arrangement: str
) -> None:
    """The report names each run's line and why; the resume position is the last record's line."""
    rows, stored, refused = ARRANGEMENTS[arrangement]
    source = tmp_path / "orders_export.csv"
    source.write_text("\n".join([HEADER, *rows]) + "\n")
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders", "--batch-size", "1")
    assert done.returncode == 0, done.stderr
    assert f"{len(stored)} created, 0 replaced or replayed, 0 stale, {len(refused)} refused" in done.stdout
    lines = report(tmp_path / "orders_export.csv.report.jsonl")
    assert [(r["line"], r["external_id"], r["errors"]) for r in lines] == [
        (line, "#3001", {"": [message]}) for line, message in refused
    ]
    orders = (await read_tables(prepared.url, "orders"))["orders"]
    assert {o["external_id"]: [item["title"] for item in o["line_items"]] for o in orders} == stored
    state = json.loads((tmp_path / "orders_export.csv.report.jsonl.state").read_text())
    assert (state["line"], state["refused"]) == (5, 2)


async def test_rows_appended_apart_after_a_resume_are_refused_naming_the_first(
    prepared: Prepared, tmp_path: Path
) -> None:
    """A file only appended to resumes (README "Resume"): an order imported before rows of it
    were appended apart from it keeps what it had, and the appended row is refused naming its
    first row."""
    source = tmp_path / "orders_export.csv"
    source.write_text("\n".join([HEADER, FIRST["#3001"], FIRST["#3002"]]) + "\n")
    args = ("--store", "123", "--resource", "orders", "--batch-size", "1")
    assert kanal_import(prepared.url, source, *args).returncode == 0
    with source.open("a") as file:
        file.write(SOCKS + "\n")
    done = kanal_import(prepared.url, source, *args, "--resume")
    assert done.returncode == 0, done.stderr
    assert [(r["line"], r["errors"]) for r in report(tmp_path / "orders_export.csv.report.jsonl")] == [
        (4, {"": [_later_of_3001(2)]})
    ]
    orders = (await read_tables(prepared.url, "orders"))["orders"]
    assert {o["external_id"]: [item["title"] for item in o["line_items"]] for o in orders} == {
        "#3001": ["Shirt"],
        "#3002": ["Hat"],
    }


# True: the row holds the cells of an order's first row; False: a line item's row
@pytest.mark.parametrize(
    ("names", "apart"),
    [
        ([(2, "#1", True), (3, "#1", False), (4, "#2", True)], {}),
        ([(2, "#1", True), (3, "#2", True), (4, "#1", False)], {"#1": [2, 4]}),
        ([(2, "#1", True), (3, None, False), (4, "#1", False)], {"#1": [2, 4]}),  # a blank Name parts them too
        ([(2, None, False), (3, "#1", True), (4, None, False)], {}),  # blank Names are no order
        (
            [(2, "#1", True), (3, "#2", True), (4, "#1", False), (5, "#2", False), (7, "#1", False)],
            {"#1": [2, 4, 7], "#2": [3, 5]},
        ),
        ([(2, "#1", False), (3, "#2", True), (4, "#1", True)], {"#1": [2, 4]}),  # a line item before its first row
        # runs each beginning with the order's first row: whole copies (exports joined), not apart
        ([(2, "#1", True), (3, "#2", True), (4, "#1", True)], {}),
        ([(2, "#1", True), (3, "#1", False), (4, "#2", True), (5, "#1", True), (6, "#1", False)], {}),
        ([(2, "#1", True), (3, "#2", True), (4, "#1", True), (5, "#2", True), (6, "#1", True)], {}),
        # a copy, and a part without its first row: the order's every run
        ([(2, "#1", True), (3, "#2", True), (4, "#1", True), (5, "#2", True), (6, "#1", False)], {"#1": [2, 4, 6]}),
    ],
)
def test_the_orders_apart_are_found_with_the_line_of_each_run(
    names: list[tuple[int, str | None, bool]], apart: dict[str, list[int]]
) -> None:
    assert orders_apart(names) == apart
