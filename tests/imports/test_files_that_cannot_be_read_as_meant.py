"""README "Importing a shop's history", "Files that cannot be read as meant": a header no row
can be read by (two columns writing one field, a column name not UTF-8) stops the import
before anything is written, with one line naming the file, the line and the column (exit 1);
a record that cannot be read (bytes that are not UTF-8) is refused on its line of the report
and the import goes on; a cell of any length is read (csv's 128 KiB stopped the import), its
record then refused or written by the REST rules."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest

from tests.imports.files import kanal_import, report
from tests.realserver import Prepared, read_tables

CUSTOMERS = b"external_id,phone,first_name\nCU-1,+33612345601,Ana\n"
CART = b"C-1,2024-01-01T10:00:00Z,5,Ana,+33612345678\n"
LONG_NAME = "x" * (200 * 1024)
TOO_LONG = "The first_name field is invalid: Must be at most 255 characters."
SHOPIFY = (
    b"Name,Email,Currency,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Billing Name,Phone\n"
    b"#1001,a@example.com,EUR,5.00,2024-01-15 10:23:45 +0100,1,Pen,5.00,Ana,+33612345601\n"
    b"#1002,b@example.com,EUR,5.00,2024-01-15 10:23:45 +0100,1,Mug,5.00,Zo\xeb,+33612345602\n"
    b"#1002,,,,,1,Cup,0.00,,\n"
    b"#1003,c@example.com,EUR,5.00,2024-01-15 10:23:45 +0100,1,Cap,5.00,Eve,+33612345603\n"
)


SHORT = (
    "{cells} cells where the header has {columns}: a row holds a cell for each column (an empty one too), and a "
    "cell holding a line break must be quoted"
)
MORE_CELLS = "4 cells where the header has 3: a cell holding the separator must be quoted"
SHOPIFY_MORE_CELLS = MORE_CELLS.replace("4 cells where the header has 3", "11 cells where the header has 10")
NEVER_CLOSED = (
    "a quoted cell starts here and is never closed (it would take in every line after it); "
    'close its quote, and write a quote inside a quoted cell as two ("")'
)
QUOTE_INSIDE = 'a cell holding a quote must be quoted whole, the quote inside written as two ("")'


def _refused(line: int, message: str, external_id: str | None = None, field: str = "") -> dict[str, Any]:
    return {"line": line, "external_id": external_id, "message": message, "errors": {field: [message]}}


def _not_utf8(byte: str, where: str) -> str:
    return f"not UTF-8: byte 0x{byte} {where}; save the file as UTF-8"


# name -> (resource, file name, its bytes), then what the import must give: its exit status,
# its error line (a whole-file problem: "{file}" is the file's path), the report's lines, the
# external ids stored
FILES: dict[str, tuple[str, str, bytes, int, str | None, list[dict[str, Any]], list[str]]] = {
    "a column plain and dotted": (
        "carts", "carts.csv", b"external_id,abandoned_at,total_price,customer,customer.phone\n" + CART,
        1, "error: {file} line 1: columns 4 (customer) and 5 (customer.phone) both write customer; keep one of them",
        [], [],
    ),
    "dotted first, then plain": (
        "carts", "carts.csv", b"external_id,abandoned_at,total_price,customer.phone,customer\n" + CART,
        1, "error: {file} line 1: columns 5 (customer) and 4 (customer.phone) both write customer; keep one of them",
        [], [],
    ),
    "a column twice": (
        "customers", "customers.csv", b"external_id,phone, phone\nCU-1,+33612345601,+33612345602\n",
        1, "error: {file} line 1: columns 2 (phone) and 3 ( phone) both write phone; keep one of them", [], [],
    ),
    "a column name not UTF-8": (
        "customers", "customers.csv", b"external_id,phone,pr\xe9nom\nCU-1,+33612345601,Ana\n",
        1, "error: {file} line 1, column 3: " + _not_utf8("E9", "in its name"), [], [],
    ),
    "a CSV cell not UTF-8": (
        "customers", "customers.csv", CUSTOMERS + b"CU-2,+33612345602,Zo\xeb\nCU-3,+33612345603,Eve\n",
        0, None, [_refused(3, _not_utf8("EB", "in column first_name"), "CU-2")], ["CU-1", "CU-3"],
    ),
    "an external id not UTF-8: the refused line names no record": (
        "customers", "customers.csv", CUSTOMERS + b"CU-\xe92,+33612345602,Zoe\nCU-3,+33612345603,Eve\n",
        0, None, [_refused(3, _not_utf8("E9", "in column external_id"))], ["CU-1", "CU-3"],
    ),
    "a cell past the header, not UTF-8": (
        "customers", "customers.csv", CUSTOMERS + b"CU-2,+33612345602,Zoe,\xeb\n",
        0, None, [_refused(3, MORE_CELLS, "CU-2")], ["CU-1"],
    ),
    "a row with more cells than the header": (
        "customers", "customers.csv", CUSTOMERS + b"CU-2,+33612345602,Durand, Jr\nCU-3,+33612345603,Eve\n",
        0, None, [_refused(3, MORE_CELLS, "CU-2")], ["CU-1", "CU-3"],
    ),
    "a Shopify order with a row of more cells than the header": (
        "orders", "orders_export.csv", SHOPIFY.replace(b"Cap,5.00,Eve", b"Cap,5.00,Eve, Jr"),
        0, None, [_refused(3, _not_utf8("EB", "in column Billing Name"), "#1002"), _refused(5, SHOPIFY_MORE_CELLS, "#1003")],
        ["#1001"],
    ),
    # fewer cells than the header: the last fields were read as absent, and a customer's write
    # cleared what was stored; a line break in an unquoted cell cut a record in two, its first
    # half written without the rest
    "a row with fewer cells than the header": (
        "customers", "customers.csv", CUSTOMERS + b"CU-2,+33612345602\nCU-3,+33612345603,Eve\n",
        0, None, [_refused(3, SHORT.format(cells=2, columns=3), "CU-2")], ["CU-1", "CU-3"],
    ),
    "a line break in an unquoted cell": (
        "customers", "customers.csv",
        b"external_id,phone,first_name,last_name\nR1,+33625000001,Ann\nMarie,x\nR2,+33625000002,Bob,Lee\n",
        0, None,
        [_refused(2, SHORT.format(cells=3, columns=4), "R1"), _refused(3, SHORT.format(cells=2, columns=4), "Marie")],
        ["R2"],
    ),
    "a Shopify order with a row of fewer cells than the header": (
        "orders", "orders_export.csv",
        SHOPIFY.replace(b"Pen,5.00,Ana,+33612345601", b"Pen,5.00"),
        0, None,
        [_refused(2, SHORT.format(cells=8, columns=10), "#1001"), _refused(3, _not_utf8("EB", "in column Billing Name"), "#1002")],
        ["#1003"],
    ),
    # a row after an order's first one: the order is refused on its first line, naming the row's
    "a Shopify order with a later row of more cells than the header": (
        "orders", "orders_export.csv", SHOPIFY + b"#1003,,,,,1,Hat, red,1.00,,\n",
        0, None,
        [_refused(3, _not_utf8("EB", "in column Billing Name"), "#1002"), _refused(5, "line 6: " + SHOPIFY_MORE_CELLS, "#1003")],
        ["#1001"],
    ),
    "a Shopify order with a later row of fewer cells than the header": (
        "orders", "orders_export.csv", SHOPIFY + b"#1003,,,,,1,Hat\n",
        0, None,
        [_refused(3, _not_utf8("EB", "in column Billing Name"), "#1002"), _refused(5, "line 6: " + SHORT.format(cells=7, columns=10), "#1003")],
        ["#1001"],
    ),
    # two exports joined (`cat`): the second's header, its byte order mark first, was an order
    # named "\ufeffName" refused three ways
    "two Shopify exports joined": (
        "orders", "orders_export.csv",
        b"\xef\xbb\xbf" + SHOPIFY.replace(b"Zo\xeb", b"Zoe")
        + b"\xef\xbb\xbf" + SHOPIFY.replace(b"Zo\xeb", b"Zoe").replace(b"#100", b"#200"),
        0, None, [], ["#1001", "#1002", "#1003", "#2001", "#2002", "#2003"],
    ),
    "two customer files joined, the second's names quoted": (
        "customers", "customers.csv",
        b"\xef\xbb\xbfexternal_id,phone,first_name\r\nCU-1,+33612345601,A\r\n"
        b'\xef\xbb\xbf"external_id","phone","first_name"\r\nCU-2,+33612345602,B\r\n',
        0, None, [], ["CU-1", "CU-2"],
    ),
    # a list's items by an index that is none, or twice: refused before anything is sent
    **{
        f"a line item column {column}": (
            "orders", "orders.csv",
            f"external_id,placed_at,total_price,currency,customer.phone,{column}\n"
            "LI-4,2026-05-18T10:00:00Z,2,EUR,+33612345614,A\n".encode(),
            1,
            "error: {file} line 1: column 6 (" + column + ") names no item of line_items: a list's items are "
            "numbered from 0 (line_items.0, line_items.1)",
            [], [],
        )
        for column in ("line_items.-1.title", "line_items.x.title", "line_items.title")
    },
    "the same line item index twice": (
        "orders", "orders.csv",
        b"external_id,placed_at,total_price,currency,customer.phone,line_items.0.title,line_items.00.title\n"
        b"LI-5,2026-05-18T10:00:00Z,2,EUR,+33612345615,X,Y\n",
        1, "error: {file} line 1: columns 6 (line_items.0.title) and 7 (line_items.00.title) both write "
        "line_items.0.title; keep one of them",
        [], [],
    ),
    "a row of one cell": (
        "customers", "customers.csv", CUSTOMERS + b";;;\n",
        0, None, [_refused(3, SHORT.replace("{cells} cells", "1 cell").format(columns=3), ";;;")], ["CU-1"],
    ),
    "two customer files joined": (
        "customers", "customers.csv", CUSTOMERS + CUSTOMERS.replace(b"CU-1", b"CU-2").replace(b"01,", b"02,"),
        0, None, [], ["CU-1", "CU-2"],
    ),
    # a line item the API refuses, on a row after the order's first: the row named
    "a Shopify order with a later row's quantity no number": (
        "orders", "orders_export.csv", SHOPIFY.replace(b"Zo\xeb", b"Zoe") + b"#1003,,,,,x,Hat,abc,,\n",
        0, None,
        [
            {
                "line": 5,
                "external_id": "#1003",
                "message": "line 6: The line_items.1.quantity field is invalid: Must be a number.",
                "errors": {
                    "line_items.1.quantity": ["The line_items.1.quantity field is invalid: Must be a number."],
                    "line_items.1.price": ["The line_items.1.price field is invalid: Must be a number."],
                },
            }
        ],
        ["#1001", "#1002"],
    ),
    # the message on the first row's field (the currency) takes no other row's line
    "a Shopify order refused on its first row and a later row": (
        "orders", "orders_export.csv",
        b"Name,Email,Currency,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Billing Name,Phone\n"
        b"#1001,a@b.fr,ZZZZ,10.00,2024-01-15 10:23:45 +0100,1,Mug,5.00,Ana,+33612345601\n"
        b"#1001,,,,,x,Cup,5.00,,\n",
        0, None,
        [
            {
                "line": 2,
                "external_id": "#1001",
                "message": "The currency field is invalid: Must be an ISO 4217 currency code, e.g. EUR.",
                "errors": {
                    "currency": ["The currency field is invalid: Must be an ISO 4217 currency code, e.g. EUR."],
                    "line_items.1.quantity": ["The line_items.1.quantity field is invalid: Must be a number."],
                },
            }
        ],
        [],
    ),
    # the lists of text by index too (each was refused as no list, row by row)
    "tags by their index": (
        "orders", "orders.csv",
        b"external_id,placed_at,total_price,currency,customer.phone,tags.0,tags.1,customer.tags.0\n"
        b"TG-1,2026-01-01T00:00:00Z,10,EUR,+33612345671,red,blue,vip\n",
        0, None, [], ["TG-1"],
    ),
    "a tag column naming no index": (
        "orders", "orders.csv",
        b"external_id,placed_at,total_price,currency,customer.phone,customer.tags.first\n"
        b"TG-2,2026-01-01T00:00:00Z,10,EUR,+33612345671,vip\n",
        1, "error: {file} line 1: column 6 (customer.tags.first) names no item of customer.tags: a list's items "
        "are numbered from 0 (customer.tags.0, customer.tags.1)",
        [], [],
    ),
    # free-form objects keep keys of digits: metadata.2024 was made a list, the order refused
    "metadata keys of digits": (
        "orders", "orders.csv",
        b"external_id,placed_at,total_price,currency,customer.phone,metadata.2024,metadata.7,metadata.07\n"
        b"MD-1,2026-12-01T10:00:00Z,5.00,EUR,+33612340001,spring,x,y\n",
        0, None, [], ["MD-1"],
    ),
    # rows of separators alone, as spreadsheets save emptied rows: blank lines
    "rows of empty cells": (
        "customers", "customers.csv", CUSTOMERS + b",,\n,,\r\n , ,\nCU-2,+33612345602,Zoe\n,,\n",
        0, None, [], ["CU-1", "CU-2"],
    ),
    "a Shopify export ending with rows of empty cells": (
        "orders", "orders_export.csv", SHOPIFY + b",,,,,,,,,\n,,,,,,,,,\n",
        0, None, [_refused(3, _not_utf8("EB", "in column Billing Name"), "#1002")], ["#1001", "#1003"],
    ),
    # Shopify's orders export imported as another resource: each row was refused for fields it
    # holds under the orders' names (`The phone field is required.` beside a Phone cell)
    **{
        f"Shopify's orders export as {resource}": (
            resource, "orders_export.csv", SHOPIFY,
            1, "error: {file}: the file is Shopify's orders export (its Name and Lineitem name columns), which "
            f"holds orders, not {resource}: import it with --resource orders",
            [], [],
        )
        for resource in ("customers", "carts", "checkouts", "shipments")
    },
    # a list's items by their index: every row was refused, "The line_items field is invalid: Must be a list."
    "line items by their index": (
        "orders", "orders.csv",
        b"external_id,placed_at,total_price,currency,customer.phone,line_items.0.title,line_items.0.quantity,"
        b"line_items.1.title,line_items.10.title\n"
        b"LI-1,2025-01-01T00:00:00Z,1,EUR,+33642000001,Shirt,2,,\n"
        b"LI-2,2025-01-01T00:00:00Z,3,EUR,+33642000002,Cap,1,Hat,Pin\n",
        0, None, [], ["LI-1", "LI-2"],
    ),
    "a quoted cell never closed": (
        "customers", "customers.csv", CUSTOMERS + b'CU-2,+33612345602,"Zoe\nCU-3,+33612345603,Eve\n',
        1, "error: {file} line 3: " + NEVER_CLOSED, [], [],
    ),
    "a quoted cell never closed, in a column a Shopify export's mapping ignores": (
        "orders", "orders_export.csv",
        SHOPIFY.replace(b"Phone\n", b"Phone,Notes\n").replace(b"Pen,5.00,Ana,+33612345601", b'Pen,5.00,Ana,+33612345601,"door'),
        1, "error: {file} line 2: " + NEVER_CLOSED, [], [],
    ),
    "a quoted cell going on after its closing quote": (
        "customers", "customers.csv", CUSTOMERS + b'CU-2,+33612345602,"Zo"e\n',
        1, "error: {file} line 3: ',' expected after '\"': " + QUOTE_INSIDE, [], [],
    ),
    "separated by semicolons (Excel where the comma is the decimal mark)": (
        "customers", "customers.csv", b"external_id;phone;first_name\nCU-1;+33612345601;Ana\nCU-2;+33612345602;Zoe\n",
        0, None, [], ["CU-1", "CU-2"],
    ),
    "separated by semicolons, CR line ends, a comma in a cell": (
        "customers", "customers.csv", b"external_id;phone;first_name\rCU-1;+33612345601;Eve, Y\rCU-2;+33612345602;Fay\r",
        0, None, [], ["CU-1", "CU-2"],
    ),
    "separated by semicolons, a quoted column name holding a comma": (
        "customers", "customers.csv", b'external_id;phone;"first_name";"note, free"\nCU-1;+33612345601;Gus;x\n',
        0, None, [], ["CU-1"],
    ),
    "a quoted column name never closed": (
        "customers", "customers.csv", b'external_id,"phone,first_name\nCU-1,+33612345601,Ana\n',
        1, "error: {file} line 1: " + NEVER_CLOSED, [], [],
    ),
    "separated by tabs": (
        "customers", "customers.csv", b"external_id\tphone\tfirst_name\nCU-1\t+33612345601\tAna\n",
        0, None, [], ["CU-1"],
    ),
    "a cell over 128 KiB": (
        "customers", "customers.csv", CUSTOMERS + f"CU-2,+33612345602,{LONG_NAME}\n".encode(),
        0, None, [_refused(3, TOO_LONG, "CU-2", "first_name")], ["CU-1"],
    ),
    "a Shopify order with a row not UTF-8": (
        "orders", "orders_export.csv", SHOPIFY,
        0, None, [_refused(3, _not_utf8("EB", "in column Billing Name"), "#1002")], ["#1001", "#1003"],
    ),
    "a JSON line not UTF-8": (
        "customers", "customers.jsonl",
        b'{"external_id": "CU-1", "phone": "+33612345601"}\n{"external_id": "CU-2", "first_name": "Zo\xeb"}\n',
        0, None, [_refused(2, _not_utf8("EB", "at byte 42 of the line"))], ["CU-1"],
    ),
    "a first JSON line not UTF-8, after a byte order mark": (
        "customers", "customers.jsonl",
        b'\xef\xbb\xbf{"first_name": "Zo\xeb"}\n{"external_id": "CU-1", "phone": "+33612345601"}\n',
        0, None, [_refused(1, _not_utf8("EB", "at byte 22 of the line"))], ["CU-1"],
    ),
    # "Unicode text" as Excel and Windows tools save it: each with its byte order mark
    **{
        f"a {kind} file in {codec}": (
            "customers", f"customers.{kind}", mark + text.encode(codec),
            1, "error: {file}: the file is " + codec[:6] + " (it starts with its byte order mark); save it as UTF-8",
            [], [],
        )
        for kind, text in (
            ("jsonl", '{"external_id": "CU-1", "phone": "+33612345601"}\n'),
            ("csv", "external_id,phone\nCU-1,+33612345601\n"),
        )
        for codec, mark in (
            ("UTF-16-LE", codecs.BOM_UTF16_LE),
            ("UTF-16-BE", codecs.BOM_UTF16_BE),
            ("UTF-32-LE", codecs.BOM_UTF32_LE),
            ("UTF-32-BE", codecs.BOM_UTF32_BE),
        )
    },
}  # fmt: skip


@pytest.mark.parametrize("name", FILES, ids=list(FILES))
async def test_a_file_that_cannot_be_read_as_meant(prepared: Prepared, tmp_path: Path, name: str):
    resource, file_name, content, status, error, refused, stored = FILES[name]
    source = tmp_path / file_name
    source.write_bytes(content)
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", resource)
    assert done.returncode == status, done.stderr[-2000:]
    the_report = tmp_path / f"{file_name}.report.jsonl"
    if error is not None:
        assert (done.stdout, done.stderr) == ("", error.format(file=source) + "\n")
        assert not the_report.exists()
    else:
        assert "Traceback" not in done.stderr
        assert report(the_report) == refused
    table = {"orders": "orders", "checkouts": "carts"}.get(resource, resource)
    assert [row["external_id"] for row in (await read_tables(prepared.url, table))[table]] == stored


async def test_tags_by_their_index_are_the_orders_tags(prepared: Prepared, tmp_path: Path):
    source = tmp_path / "orders.csv"
    source.write_bytes(FILES["tags by their index"][2])
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert done.returncode == 0, done.stderr[-2000:]
    [row] = (await read_tables(prepared.url, "orders"))["orders"]
    assert row["tags"] == ["red", "blue"]
    [contact] = (await read_tables(prepared.url, "contacts"))["contacts"]
    assert contact["tags"] == ["vip"]


async def test_line_items_by_their_index_are_the_orders_lines(prepared: Prepared, tmp_path: Path):
    source = tmp_path / "orders.csv"
    source.write_bytes(FILES["line items by their index"][2])
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert done.returncode == 0, done.stderr[-2000:]
    rows = (await read_tables(prepared.url, "orders"))["orders"]
    assert [row["line_items"] for row in rows] == [
        [{"title": "Shirt", "quantity": 2}],
        [{"title": "Cap", "quantity": 1}, {"title": "Hat"}, {"title": "Pin"}],
    ]
