"""README "Shopify's orders export": exports joined with `cat` whose orders overlap hold whole
copies of an order (a run of its rows beginning with its first row) wherever the overlap falls;
each copy is an upsert of the same order, written in file order, and the order ends as its last
copy has it. Only a run that cannot be a whole copy (rows of the order without its first row,
apart from it) is refused, with the order's other runs, as rows apart are. Both copies of an
order in the middle of the overlap were refused as rows apart ("rows of order #2002 must be
next to each other"), the order not imported at all. Each export keeps Shopify's layout: a byte
order mark, its header (the second one in the middle of the joined file, no record), CRLF."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.imports import sources
from tests.imports.files import kanal_import, report
from tests.realserver import Prepared, read_tables

HEADER = (
    "Name,Email,Financial Status,Fulfillment Status,Currency,Total,Created at,"
    "Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Phone"
)
_SHIPPED = "2024-03-0{day} 10:00:00 +0100"


def _order(name: str, *titles: str, status: str = "", total: str = "30.00") -> list[str]:
    """The rows of order `name` as Shopify writes them: the order's cells on its first row, its
    Email and Created at again on each line-item row."""
    day = name[-1]
    created = _SHIPPED.format(day=day)
    first, *others = titles
    rows = [
        f"{name},c{day}@example.com,paid,{status},EUR,{total},{created},1,{first},10.00,SKU-{first},"
        f"Ana Durand,'+3361234200{day}"
    ]
    rows += [f"{name},c{day}@example.com,,,,,{created},1,{title},10.00,SKU-{title},," for title in others]
    return rows


ORDERS = {
    "#2001": _order("#2001", "Shirt", "Socks"),
    "#2002": _order("#2002", "Hat", "Belt", "Pen"),
    "#2003": _order("#2003", "Mug", "Cup"),
    "#2004": _order("#2004", "Cap"),
}
# #2002 in a later export: fulfilled since, a line item refunded
LATER_2002 = _order("#2002", "Hat", "Belt", status="fulfilled", total="20.00")
# #2002's last line-item row alone: an export cut mid-order, the order's first row not in it
PART_OF_2002 = ORDERS["#2002"][-1:]


def _export(*orders: list[str]) -> bytes:
    """An export as Shopify saves it: a byte order mark, the header, CRLF line ends."""
    rows = [HEADER] + [row for order in orders for row in order]
    return b"\xef\xbb\xbf" + "".join(row + "\r\n" for row in rows).encode()


A = _export(ORDERS["#2001"], ORDERS["#2002"], ORDERS["#2003"])
SORT = "sort the file by Name, each order's first row first"

# shape -> (the exports `cat` joins, {order: (total, line items' titles, fulfillment status)}
# stored, [(line, message)] refused, what the summary counts)
SHAPES = {
    "overlap at the seam": (
        [A, _export(ORDERS["#2003"], ORDERS["#2004"])],
        {
            "#2001": ("30.00", ["Shirt", "Socks"], None),
            "#2002": ("30.00", ["Hat", "Belt", "Pen"], None),
            "#2003": ("30.00", ["Mug", "Cup"], None),
            "#2004": ("30.00", ["Cap"], None),
        },
        [],
        "5 records: 4 created, 1 replaced or replayed, 0 stale, 0 refused",
    ),
    "overlap in the middle": (
        [A, _export(LATER_2002, ORDERS["#2003"], ORDERS["#2004"])],
        {
            "#2001": ("30.00", ["Shirt", "Socks"], None),
            "#2002": ("20.00", ["Hat", "Belt"], "fulfilled"),
            "#2003": ("30.00", ["Mug", "Cup"], None),
            "#2004": ("30.00", ["Cap"], None),
        },
        [],
        "6 records: 4 created, 2 replaced or replayed, 0 stale, 0 refused",
    ),
    "the same export twice": (
        [A, A],
        {
            "#2001": ("30.00", ["Shirt", "Socks"], None),
            "#2002": ("30.00", ["Hat", "Belt", "Pen"], None),
            "#2003": ("30.00", ["Mug", "Cup"], None),
        },
        [],
        "6 records: 3 created, 3 replaced or replayed, 0 stale, 0 refused",
    ),
    "three files": (
        [
            _export(ORDERS["#2001"], ORDERS["#2002"]),
            _export(LATER_2002, ORDERS["#2003"]),
            _export(ORDERS["#2001"], ORDERS["#2004"]),
        ],
        {
            "#2001": ("30.00", ["Shirt", "Socks"], None),
            "#2002": ("20.00", ["Hat", "Belt"], "fulfilled"),
            "#2003": ("30.00", ["Mug", "Cup"], None),
            "#2004": ("30.00", ["Cap"], None),
        },
        [],
        "6 records: 4 created, 2 replaced or replayed, 0 stale, 0 refused",
    ),
    "an order parted at the seam": (  # an export cut mid-order, the next one going on with it
        [_export(ORDERS["#2001"], ORDERS["#2002"][:2]), _export(PART_OF_2002, ORDERS["#2004"])],
        {
            "#2001": ("30.00", ["Shirt", "Socks"], None),
            "#2002": ("30.00", ["Hat", "Belt", "Pen"], None),
            "#2004": ("30.00", ["Cap"], None),
        },
        [],
        "3 records: 3 created, 0 replaced or replayed, 0 stale, 0 refused",
    ),
    "a part of an order without its first row": (
        [_export(ORDERS["#2001"], ORDERS["#2002"]), _export(ORDERS["#2004"], PART_OF_2002)],
        {"#2001": ("30.00", ["Shirt", "Socks"], None), "#2004": ("30.00", ["Cap"], None)},
        [
            (
                4,
                "rows of order #2002 must be next to each other: more of its rows are on line 9; the order is "
                f"not imported: {SORT}",
            ),
            (9, f"rows of order #2002 must be next to each other: its first row is line 4; {SORT}"),
        ],
        "4 records: 2 created, 0 replaced or replayed, 0 stale, 2 refused",
    ),
}


def _joined(tmp_path: Path, exports: list[bytes]) -> Path:
    """`cat` of the exports."""
    source = tmp_path / "joined.csv"
    source.write_bytes(b"".join(exports))
    return source


@pytest.mark.parametrize("shape", SHAPES)
def test_each_copy_is_read_whole(tmp_path: Path, shape: str) -> None:
    exports, stored, refused, _ = SHAPES[shape]
    records = list(sources.read(_joined(tmp_path, exports), "csv"))
    assert [(r.line, r.named, r.error) for r in records if r.error] == [
        (line, "#2002", message) for line, message in refused
    ]
    last_copies = {r.data["external_id"]: [item["title"] for item in r.data["line_items"]] for r in records if r.data}
    assert last_copies == {name: titles for name, (_, titles, _) in stored.items()}


@pytest.mark.parametrize("shape", SHAPES)
async def test_joined_exports_import_each_order_as_its_last_copy(
    prepared: Prepared, tmp_path: Path, shape: str
) -> None:
    exports, stored, refused, counted = SHAPES[shape]
    source = _joined(tmp_path, exports)
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders", "--batch-size", "2")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(counted.split(":")[0] + " in "), done.stdout
    assert f": {counted.split(': ')[1]}" in done.stdout.splitlines()[0]
    assert [(line["line"], line["errors"]) for line in report(tmp_path / "joined.csv.report.jsonl")] == [
        (line, {"": [message]}) for line, message in refused
    ]
    tables = await read_tables(prepared.url, "orders", "events")
    assert {
        row["external_id"]: (
            row["total_price"],
            [item["title"] for item in row["line_items"]],
            row["fulfillment_status"],
        )
        for row in tables["orders"]
    } == {name: (Decimal(total), titles, status) for name, (total, titles, status) in stored.items()}
    names = {row["id"]: row["external_id"] for row in tables["orders"]}
    created = sorted(names[event["subject_id"]] for event in tables["events"] if event["type"] == "order.created")
    assert created == sorted(stored)  # one order.created an order, whatever its copies
    assert {event["backfill"] for event in tables["events"]} == {True}
