"""README "Importing a shop's history": a file is read the same whether or not the tool that
saved it put a byte order mark first (Excel, Notepad and PowerShell do) or ended its lines with
CRLF; in JSON Lines a mark at the start of a later line is dropped too (exports joined with
`cat`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.imports.sources import read

BOM = "\ufeff"
RECORD = {"external_id": "H-1", "currency": "EUR"}
LINE = json.dumps(RECORD)
CSV = "external_id,currency\nH-1,EUR\n"

# (file's text, format) -> (line, external_id or error) of each record read
FILES = {
    "JSON Lines": (LINE + "\n" + LINE + "\n", "jsonl", [(1, "H-1"), (2, "H-1")]),
    "JSON Lines with a byte order mark": (BOM + LINE + "\n" + LINE + "\n", "jsonl", [(1, "H-1"), (2, "H-1")]),
    "JSON Lines, mark and CRLF": (BOM + LINE + "\r\n" + LINE + "\r\n", "jsonl", [(1, "H-1"), (2, "H-1")]),
    "JSON Lines, a mark on line 2": (LINE + "\n" + BOM + LINE + "\n", "jsonl", [(1, "H-1"), (2, "H-1")]),
    "JSON Lines, a mark inside a line": (LINE[:-1] + "," + BOM + '"a": 1}\n', "jsonl", [(1, "error")]),
    "CSV": (CSV, "csv", [(2, "H-1")]),
    "CSV with a byte order mark": (BOM + CSV, "csv", [(2, "H-1")]),
    "CSV, mark and CRLF": (BOM + CSV.replace("\n", "\r\n"), "csv", [(2, "H-1")]),
}


@pytest.mark.parametrize("name", FILES, ids=list(FILES))
def test_a_file_reads_the_same_with_or_without_a_byte_order_mark(tmp_path: Path, name: str):
    text, kind, expected = FILES[name]
    path = tmp_path / f"records.{kind}"
    path.write_bytes(text.encode("utf-8"))
    got = [(r.line, r.data["external_id"] if r.data else "error") for r in read(path, kind)]
    assert got == expected
