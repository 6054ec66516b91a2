"""README "Importing": a record's `line` is the file's line number of its first line. The
csv module skips blank lines where its reader cannot be asked the line: each blank line
before a record put its line (in the report, and the state `--resume` checks) one short. In
JSON Lines a line holding only a byte order mark is blank too (it was a refused record), and a
record nested past the JSON reader is refused as `too_deep`, not by the reader's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.imports import sources
from app.imports.sources import read

HEADER = "external_id,phone,first_name\r\n"
SHOPIFY_HEADER = "Name,Email,Financial Status,Created at,Currency,Total,Lineitem name,Lineitem quantity,Phone\r\n"


def _shopify(name: str) -> str:
    return f"{name},a@example.com,paid,2024-05-18 10:00:00 +0200,EUR,19.90,Tee,1,+33612345678\r\n"


# name -> (the file's lines after its header, the line each record starts on)
SHAPES = {
    "no blank line": (["CU-1,+33612345601,Ana\r\n", "CU-2,+33612345602,Bo\r\n"], [2, 3]),
    "a blank line between": (["CU-1,+33612345601,Ana\r\n", "\r\n", "CU-3,,Cy\r\n"], [2, 4]),
    "blank lines first": (["\r\n", "\n", "\r\n", "CU-5,+33612345605,Di\r\n"], [5]),
    "blank lines at the end": (["CU-1,+33612345601,Ana\r\n", "\r\n", "\r\n"], [2]),
    "a quoted cell over lines, then a blank line": (
        ['CU-1,+33612345601,"Ana\r\n\r\nMaria"\r\n', "\r\n", "CU-5,+33612345605,Di\r\n"],
        [2, 6],
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_record_is_on_the_line_it_starts_on(tmp_path: Path, shape: str) -> None:
    lines, expected = SHAPES[shape]
    path = tmp_path / "customers.csv"
    path.write_bytes((HEADER + "".join(lines)).encode())
    assert [record.line for record in read(path, "csv")] == expected


def test_a_shopify_export_counts_its_lines_past_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "orders_export.csv"
    path.write_bytes((SHOPIFY_HEADER + _shopify("#1") + "\r\n" + _shopify("#2")).encode())
    assert [record.line for record in read(path, "csv")] == [2, 4]


# JSON Lines: (a line's bytes, what it reads as: None, skipped; else its error, or "record")
JSONL_LINES = {
    "a blank line": (b"\n", None),
    "spaces": (b"   \r\n", None),
    "a byte order mark alone": (b"\xef\xbb\xbf\n", None),
    "a byte order mark and spaces": (b"\xef\xbb\xbf  \r\n", None),
    "a record after a byte order mark": (b'\xef\xbb\xbf{"external_id": "A"}\n', "record"),
    "an object nested past the reader": (b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"\n", "too_deep"),
    "a list nested past the reader": (b"[" * 5000 + b"]" * 5000 + b"\n", "too_deep"),
}


@pytest.mark.parametrize("name", JSONL_LINES)
def test_a_json_line_reads_as_a_record_an_error_or_nothing(tmp_path: Path, name: str) -> None:
    line, expected = JSONL_LINES[name]
    path = tmp_path / "orders.jsonl"
    path.write_bytes(b'{"external_id": "FIRST"}\n' + line + b'{"external_id": "LAST"}\n')
    records = list(read(path, "jsonl"))
    assert [record.line for record in records] == ([1, 3] if expected is None else [1, 2, 3])
    if expected == "record":
        assert records[1].data == {"external_id": "A"}
    elif expected == "too_deep":
        assert records[1].error == sources.TOO_DEEP_TO_READ
