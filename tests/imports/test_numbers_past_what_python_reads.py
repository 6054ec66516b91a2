"""`kanal import` reads any JSON number (RFC 8259 sets no bound): a whole number of more than
4,300 digits, or an exponent past what a Decimal holds, is refused on its own line as the
batch endpoint refuses it (`out_of_range`), where the first stopped the import as "not a JSON
object" and the second with a `decimal.InvalidOperation` traceback, the next lines unwritten.
In a CSV cell, an amount's text is read the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.imports.files import kanal_import, order, report, write_jsonl
from tests.realserver import Prepared, read_tables

MESSAGE = "The total_price field is invalid: The number is out of range."
# the number's JSON text -> how the file carries it
NUMBERS = {
    "5,000 digits": "9" * 5000,
    "exponent past a Decimal's": "1e1000000000000000000",
    "negative, exponent past a Decimal's": "-1e99999999999999999999",
}


@pytest.mark.parametrize("number", NUMBERS, ids=list(NUMBERS))
async def test_a_jsonl_line_with_the_number_is_refused_alone(prepared: Prepared, tmp_path: Path, number: str):
    line = json.dumps(order(0)).replace('"total_price": "19.90"', f'"total_price": {NUMBERS[number]}')
    source = write_jsonl(tmp_path / "orders.jsonl", [line, order(1)])
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert (done.returncode, "Traceback" in done.stderr) == (0, False), done.stderr[-2000:]
    refused = report(tmp_path / "orders.jsonl.report.jsonl")
    assert [(r["line"], r["external_id"], r["errors"]) for r in refused] == [(1, "H-0", {"total_price": [MESSAGE]})]
    assert [row["external_id"] for row in (await read_tables(prepared.url, "orders"))["orders"]] == ["H-1"]


async def test_a_csv_amount_past_a_decimals_exponent_is_refused_alone(prepared: Prepared, tmp_path: Path):
    source = tmp_path / "orders.csv"
    source.write_text(
        "external_id,placed_at,total_price,customer.phone\n"
        "C-0,2024-05-18T10:00:00Z,1e1000000000000000000,+33610000000\n"
        "C-1,2024-05-18T10:00:00Z,19.90,+33610000001\n"
    )
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert (done.returncode, "Traceback" in done.stderr) == (0, False), done.stderr[-2000:]
    refused = report(tmp_path / "orders.csv.report.jsonl")
    assert [(r["line"], r["external_id"], r["errors"]) for r in refused] == [(2, "C-0", {"total_price": [MESSAGE]})]
    assert [row["external_id"] for row in (await read_tables(prepared.url, "orders"))["orders"]] == ["C-1"]
