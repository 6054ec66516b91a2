"""README "CSV mapping", "Decimal comma": a CSV separated by `;` (or a tab) is Excel's CSV where
the comma is the decimal mark, as in France, and its amounts are read so: `12,50` is 12.50,
thousands grouped by a space, NBSP, narrow NBSP or a dot. A file separated by commas or tabs
(which say nothing of the decimal mark) is read as before. Every such amount was refused (`The
total_price field is invalid: Must be a number.`). A cell that writes no number with the comma
unambiguously is refused on its line with a message that says the file's decimal mark is the
comma; a comma-separated file's cells are read as before."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from app.imports.sources import read
from tests.imports.files import kanal_import, report
from tests.realserver import Prepared, read_tables

NOT_A_NUMBER = "is not a number as this file writes them: its decimal mark is the comma"
AMBIGUOUS = "is ambiguous: this file's decimal mark is the comma"

# a total_price cell of a `;` file -> the total sent (text, as every CSV cell), or the refusal's words
CELLS: dict[str, str] = {
    "12,50": "12.50",
    "-3,5": "-3.5",
    "0,5": "0.5",
    "1 234,50": "1234.50",
    "1\u00a0234,50": "1234.50",  # NBSP, as Excel writes a grouped number
    "1\u202f234,50": "1234.50",  # narrow NBSP, French typography
    "1.234,50": "1234.50",
    "1 234 567,5": "1234567.5",
    "1.234.567": "1234567",
    "1 234": "1234",
    " 12,50 ": "12.50",
    "12": "12",  # no comma, no grouping: as in any file
    "12.50": "12.50",
    "1,2,3": NOT_A_NUMBER,
    "12,": NOT_A_NUMBER,
    ",5": NOT_A_NUMBER,
    "1,234.50": NOT_A_NUMBER,
    "12 50": NOT_A_NUMBER,
    "1234 567,50": NOT_A_NUMBER,
    "1.234 567,50": NOT_A_NUMBER,
    "1.234": AMBIGUOUS,  # a thousand and more, or one and a bit
}


def _read_one(path: Path) -> str:
    (record,) = read(path, "csv")
    if record.data is None:
        assert record.error is not None
        return record.error
    return str(record.data["total_price"])


@pytest.mark.parametrize("cell", CELLS, ids=list(CELLS))
def test_a_decimal_comma_amount_reads_as_the_number_it_writes(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "carts.csv"
    path.write_text(f"external_id;abandoned_at;total_price\nC-1;2024-01-01T10:00:00Z;{cell}\n", encoding="utf-8")
    got, expected = _read_one(path), CELLS[cell]
    if expected in (NOT_A_NUMBER, AMBIGUOUS):
        assert got.startswith(f'The total_price cell "{cell.strip()}" {expected}'), got
    else:
        assert got == expected


# a cell of a file separated by commas (quoted) or tabs -> the total sent: as it is, the API's to read
@pytest.mark.parametrize("separator", [",", "\t"], ids=["comma", "tab"])
@pytest.mark.parametrize("cell", ["12,50", "1 234,50", "12.50", "1,2,3"])
def test_a_comma_or_tab_separated_file_is_read_as_before(tmp_path: Path, cell: str, separator: str) -> None:
    path = tmp_path / "carts.csv"
    row = separator.join(["C-1", "2024-01-01T10:00:00Z", f'"{cell}"'])
    path.write_text(separator.join(["external_id", "abandoned_at", "total_price"]) + f"\n{row}\n", encoding="utf-8")
    assert _read_one(path) == cell


# every number column the generic mapping reads, in a `;` file: column -> (cell, what the
# record holds there, or the refusal's words)
GENERIC: dict[str, tuple[str, tuple[str, ...], object]] = {
    "total_price": ("1 234,50", ("total_price",), "1234.50"),
    "lifetime_value": ("1 200", ("lifetime_value",), 1200),  # a whole number, sent as one
    "orders_count": ("3", ("orders_count",), 3),
    "customer.lifetime_value": ("1.200", ("customer", "lifetime_value"), AMBIGUOUS),
    "customer.orders_count": ("2,5", ("customer", "orders_count"), "2.5"),  # the API says: not an integer
}


@pytest.mark.parametrize("column", GENERIC, ids=list(GENERIC))
def test_each_number_column_of_a_generic_csv_takes_the_comma(tmp_path: Path, column: str) -> None:
    cell, at, expected = GENERIC[column]
    path = tmp_path / "customers.csv"
    path.write_text(f"external_id;{column}\nCU-1;{cell}\n", encoding="utf-8")
    (record,) = read(path, "csv")
    if record.data is None:
        assert (record.error or "").startswith(f'The {column} cell "{cell}" {expected}')
        return
    value: object = record.data
    for key in at:
        assert isinstance(value, dict)
        value = value[key]
    assert value == expected


SHOPIFY = (
    "Name;Email;Currency;Total;Created at;Lineitem quantity;Lineitem name;Lineitem price;Phone\n"
    "#1001;marie@example.com;EUR;1 249,90;2024-01-15 10:23:45 +0100;2;T-shirt;24,95;+33612345678\n"
    "#1001;;;;;1,5;Tissu;1.200,00;\n"
    "#1002;paul@example.com;EUR;10,00;2024-01-16 09:00:00 +0100;1;Mug;10,0,0;+33698765432\n"
)


def test_shopifys_export_saved_with_semicolons_reads_its_amounts_and_quantities(tmp_path: Path) -> None:
    path = tmp_path / "orders_export.csv"
    path.write_text(SHOPIFY, encoding="utf-8")
    first, second = read(path, "csv")
    assert first.data is not None
    assert (first.data["total_price"], first.data["line_items"]) == (
        "1249.90",
        [
            {"title": "T-shirt", "quantity": "2", "price": "24.95"},
            {"title": "Tissu", "quantity": "1.5", "price": "1200.00"},
        ],
    )
    assert (second.line, second.data, second.named) == (4, None, "#1002")
    assert (second.error or "").startswith(f'The Lineitem price cell "10,0,0" {NOT_A_NUMBER}')


async def test_a_semicolon_checkouts_file_is_written_with_its_decimal_comma(prepared: Prepared, tmp_path: Path) -> None:
    """The newcomer's command: `kanal import carts.csv --store 123 --resource checkouts`."""
    source = tmp_path / "carts.csv"
    source.write_text(
        "external_id;abandoned_at;total_price;currency;customer.phone\n"
        "C-1;2024-01-01T10:00:00Z;12,50;EUR;+33612345678\n"
        "C-2;2024-01-01T10:00:00Z;1\u00a0234,50;EUR;+33612345679\n"
        "C-3;2024-01-01T10:00:00Z;12,;EUR;+33612345670\n",
        encoding="utf-8",
    )
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "checkouts")
    assert done.returncode == 0, done.stderr
    assert "2 created, 0 replaced or replayed, 0 stale, 1 refused" in done.stdout, done.stdout
    (refused,) = report(tmp_path / "carts.csv.report.jsonl")
    assert (refused["line"], refused["external_id"]) == (4, "C-3")
    assert refused["message"].startswith(f'The total_price cell "12," {NOT_A_NUMBER}')
    carts = {row["external_id"]: row["total_price"] for row in (await read_tables(prepared.url, "carts"))["carts"]}
    assert carts == {"C-1": Decimal("12.50"), "C-2": Decimal("1234.50")}
