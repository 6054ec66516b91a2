"""Records read from an import file: JSON Lines (one REST body a line) or CSV (one record a
row, columns named by the REST fields, nested ones dotted: `customer.phone`), or Shopify's
orders export (`app.imports.shopify`). Each record carries the line it starts on, which the
report and the resume position name."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import shopify

FORMATS = ("jsonl", "csv")
# Cells that hold a list, comma-separated (Shopify's and spreadsheets' way of writing tags).
_LIST_COLUMNS = frozenset({"tags", "customer.tags"})


@dataclass(frozen=True, slots=True)
class Record:
    """One record of the file: `line` (from 1) where it starts, its body as the REST API takes
    it (`data`, JSON numbers as Decimal), or why it could not be read (`error`). `text` is the
    body as JSON text (a JSON Lines record's own line, sent as it is)."""

    line: int
    data: dict[str, Any] | None = None
    error: str | None = None
    text: str | None = None

    def json_text(self) -> str:
        return self.text if self.text is not None else json.dumps(self.data, default=str)


def format_of(path: Path, declared: str | None) -> str:
    """`jsonl` or `csv`: the declared format, else the file's extension (.csv is CSV, anything
    else JSON Lines)."""
    if declared is not None:
        return declared
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def read(path: Path, kind: str) -> Iterator[Record]:
    """The records of the file, in order."""
    return _json_lines(path) if kind == "jsonl" else _csv_records(path)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)


def _json_lines(path: Path) -> Iterator[Record]:
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue  # a blank line (the file's last, often) is no record
            try:
                # utf-8-sig on the first line: a byte order mark some editors and Windows tools
                # write at the start of a file is no part of the record
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
                data = _DECODER.decode(text)
            except (UnicodeDecodeError, ValueError, RecursionError) as exc:
                yield Record(number, error=f"not a JSON object: {exc}")
                continue
            if not isinstance(data, dict):
                yield Record(number, error="not a JSON object")
                continue
            yield Record(number, data=data, text=text)


def _csv_records(path: Path) -> Iterator[Record]:
    with path.open(newline="", encoding="utf-8-sig") as file:
        rows = csv.DictReader(file)
        if shopify.is_orders_export(rows.fieldnames or []):
            yield from (Record(line, data=data) for line, data in shopify.orders(_numbered(rows)))
            return
        for line, row in _numbered(rows):
            yield Record(line, data=nested(row))


def _numbered(rows: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row with the line it starts on (a quoted cell may span lines)."""
    start = rows.line_num + 1
    for row in rows:
        yield start, row
        start = rows.line_num + 1


def nested(row: dict[str, str]) -> dict[str, Any]:
    """A generic CSV row as a REST body: empty cells left out, dotted columns nested, list
    columns split on commas."""
    body: dict[str, Any] = {}
    for column, cell in row.items():
        if column is None or cell is None or not cell.strip():
            continue
        value: Any = [part.strip() for part in cell.split(",") if part.strip()] if column in _LIST_COLUMNS else cell
        *parents, name = column.strip().split(".")
        target = body
        for parent in parents:
            target = target.setdefault(parent, {})
        target[name] = value
    return body


def count(path: Path, kind: str) -> int:
    """How many records the file holds (the progress bar's total): a quick pass."""
    if kind == "jsonl":
        with path.open("rb") as lines:
            return sum(1 for raw in lines if raw.strip())
    return sum(1 for _ in _csv_records(path))
