"""Records read from an import file: JSON Lines (one REST body a line) or CSV (one record a
row, columns named by the REST fields, nested ones dotted: `customer.phone`), or Shopify's
orders export (`app.imports.shopify`). Each record carries the line it starts on, which the
report names, and the line it ends on (a quoted cell over lines, an order's rows), which the
resume position names.

CSV is read strictly (a quoted cell never closed, or one going on after its closing quote,
stops the import before anything is sent, naming the row's line: read leniently, the cell took
in the rest of the file); a row with more cells than the header is refused on its line (its cells would land
in the wrong fields). Cells of whole-number fields (`lifetime_value`, `orders_count`) are sent as
numbers, the API taking no text there. A header with no comma but semicolons or tabs (Excel's
CSV where the comma is the decimal mark) sets the separator, and then the decimal mark of its
number cells (`decimal_comma`: `12,50` is 12.50)."""

from __future__ import annotations

import codecs
import csv
import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from app.domain.json_values import read_json
from app.domain.known_fields import names_a_field
from app.domain.platform_names import FIRST_OF_LISTS

from . import decimal_comma, order_rows_together, shopify
from .whole_numbers import WHOLE_NUMBER_COLUMNS, whole_number

FORMATS = ("jsonl", "csv")
# Cells that hold a list, comma-separated (Shopify's and spreadsheets' way of writing tags), and
# Shopify's fulfillment's lists, which a shipment reads as lists of strings only.
_LIST_COLUMNS = frozenset({"tags", "customer.tags", *FIRST_OF_LISTS})
# Bytes that are not UTF-8, as `surrogateescape` decodes them (U+DC80 to U+DCFF): the file is
# read on, and the row (or header) holding one refused with its line and column.
_UNDECODED = re.compile("[\udc80-\udcff]")


class UnreadableFile(Exception):
    """A problem of the whole file (a header no row can be read by), its text naming the file,
    the line and the column: nothing is imported. Raised while reading (`read`, `count`);
    `count` runs before the first batch is sent."""


@dataclass(frozen=True, slots=True)
class Record:
    """One record of the file: `line` (from 1) where it starts, its body as the REST API takes
    it (`data`, JSON numbers as Decimal), or why it could not be read (`error`). `text` is the
    body as JSON text (a JSON Lines record's own line, sent as it is). An unreadable CSV row
    still names its record when its external id cell reads (`named`). `end` is the line it ends
    on when past `line` (a CSV row whose quoted cell holds a line end, a Shopify order's rows)."""

    line: int
    data: dict[str, Any] | None = None
    error: str | None = None
    text: str | None = None
    named: str | None = None  # the external id an unreadable CSV row's cell gives, for the report
    end: int | None = None
    # a Shopify order's: the line each of its line items is on, which a refusal of one names
    item_lines: tuple[int, ...] | None = None

    def line_of(self, field: str) -> int | None:
        """The line a refused field is on when it is not the record's first (`line_items.2.quantity`
        of a Shopify order: its third line item's row), else None."""
        parts = field.split(".")
        if self.item_lines is None or len(parts) < 2 or parts[0] != "line_items" or not parts[1].isdigit():
            return None
        index = int(parts[1])
        found = self.item_lines[index] if index < len(self.item_lines) else None
        return found if found != self.line else None

    @property
    def last_line(self) -> int:
        """The line the record ends on (`line` for a record on one line): a resume confirms it."""
        return self.end if self.end is not None else self.line

    def json_text(self) -> str:
        return self.text if self.text is not None else json.dumps(self.data, default=str)


def format_of(path: Path, declared: str | None) -> str:
    """`jsonl` or `csv`: the declared format, else the file's extension (.csv is CSV, anything
    else JSON Lines)."""
    if declared is not None:
        return declared
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


# A record nested past what the JSON reader goes (about a thousand levels), as the batch
# endpoint's body would be (README "Batches": free-form JSON is refused past 32, too_deep).
TOO_DEEP_TO_READ = "nested past what the JSON reader reads (about a thousand levels deep): too_deep"


def read(path: Path, kind: str) -> Iterator[Record]:
    """The records of the file, in order. Raises UnreadableFile for a file in UTF-16 or UTF-32
    (`_check_utf8`)."""
    _check_utf8(path)
    return _json_lines(path) if kind == "jsonl" else _csv_records(path)


# Byte order marks of the Unicode encodings other than UTF-8, longest first (UTF-32 LE's
# begins with UTF-16 LE's): "Unicode text" as Excel and Windows tools save it.
_OTHER_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _check_utf8(path: Path) -> None:
    """UnreadableFile when the file starts with a UTF-16 or UTF-32 byte order mark: none of its
    lines is UTF-8, and a JSON Lines file said so of its first line only, each later one
    reported as "not valid JSON" (RFC 8259 §8.1: JSON exchanged between systems is UTF-8)."""
    with path.open("rb") as file:
        start = file.read(4)
    for mark, encoding in _OTHER_MARKS:
        if start.startswith(mark):
            raise UnreadableFile(
                f"{path}: the file is {encoding} (it starts with its byte order mark); save it as UTF-8"
            )


def _json_lines(path: Path) -> Iterator[Record]:
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue  # a blank line (the file's last, often) is no record
            try:
                # utf-8-sig: a byte order mark some editors and Windows tools write at the start
                # of a file (of each file, when exports are joined) is no part of the record
                text = raw.decode("utf-8-sig").strip()
            except UnicodeDecodeError as exc:
                at = len(raw) - len(exc.object) + exc.start  # in the line, its mark included
                yield Record(number, error=_not_utf8(raw[at], f"at byte {at + 1} of the line"))
                continue
            if not text:
                continue  # a byte order mark alone (joined exports) is a blank line too
            try:
                data = read_json(text)
            except RecursionError:
                yield Record(number, error=TOO_DEEP_TO_READ)
                continue
            except ValueError as exc:
                yield Record(number, error=f"not valid JSON: {exc}")
                continue
            if not isinstance(data, dict):
                yield Record(number, error="not a JSON object")
                continue
            yield Record(number, data=data, text=text)


def _not_utf8(byte: int, where: str) -> str:
    return f"not UTF-8: byte 0x{byte:02X} {where}; save the file as UTF-8"


def _csv_records(path: Path, find_apart: bool = True) -> Iterator[Record]:
    """The CSV's records; for Shopify's export, an order whose rows are apart refused, found by
    a pass over the file before the first record (`find_apart`: the count has no need of it)."""
    # A cell as long as a JSON Lines line may be: a record's size is the batch's rule (refused
    # on its line past a single POST's limit), not csv's 128 KiB, which stopped the import.
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as file:
        separator = _separator(path)
        rows = csv.DictReader(file, delimiter=separator, strict=True)
        try:
            columns = rows.fieldnames or []
            _check_header(path, rows.line_num, columns)
            numbered = _numbered(rows)
            if decimal_comma.reads_decimal_comma(separator):  # Excel's `;` CSV: `12,50` is 12.50
                numbered = _amounts_read(numbered, decimal_comma.number_columns(list(columns)))
            if shopify.is_orders_export(columns):
                apart = _orders_apart(path, separator) if find_apart else {}
                for line, end, order, problem, item_lines in shopify.orders(numbered, apart):
                    yield _record(line, end, order, problem, item_lines)
                return
            _check_fields(path, rows.line_num, columns)
            for line, end, row, problem in numbered:
                yield _record(line, end, nested(row), problem)
        except _RowUnreadable as exc:
            raise UnreadableFile(f"{path} line {exc.line}: {exc.text}") from None
        except csv.Error as exc:  # in the header (line 1): no row can be read by it
            raise UnreadableFile(f"{path} line 1: {_explained(exc)}") from None


def _record(
    line: int, end: int, body: dict[str, Any], problem: str | None, item_lines: tuple[int, ...] | None = None
) -> Record:
    """The record of a CSV row (or an order's rows, `item_lines` the line of each of its line
    items) on lines `line` to `end`: its body, or why it cannot be read, naming the record when
    its id cell reads."""
    if problem:
        return Record(line, error=problem, named=_named(body), end=end)
    return Record(line, data=body, end=end, item_lines=item_lines)


def _orders_apart(path: Path, separator: str) -> dict[str, list[int]]:
    """Shopify's orders whose rows are not all next to each other: a pass over the file's Name
    cells, their rows numbered as `_csv_records` numbers them (`order_rows_together`)."""
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as file:
        rows = csv.DictReader(file, delimiter=separator, strict=True)
        return order_rows_together.orders_apart(shopify.names(_numbered(rows)))


class _RowUnreadable(Exception):
    """The csv parser lost its place in the row starting at `line`: the whole file's problem."""

    def __init__(self, line: int, text: str):
        super().__init__(text)
        self.line, self.text = line, text


def _explained(exc: csv.Error) -> str:
    """csv's message, with what it means in a file and what to do."""
    text = str(exc)
    if text == "unexpected end of data":
        return (
            "a quoted cell starts here and is never closed (it would take in every line after it); "
            'close its quote, and write a quote inside a quoted cell as two ("")'
        )
    return f'{text}: a cell holding a quote must be quoted whole, the quote inside written as two ("")'


def _separator(path: Path) -> str:
    """`,`; or `;` or a tab when the header line (up to its LF, CRLF or lone CR), its quoted
    names left out, has none of the others but that one (Excel writes `;` where the comma is
    the decimal mark, as in France)."""
    with path.open("rb") as file:
        start = file.read(1 << 16)
    header = _QUOTED.sub(b"", re.split(rb"[\r\n]", start, maxsplit=1)[0])
    if b"," not in header:
        for separator in (b";", b"\t"):
            if separator in header:
                return separator.decode()
    return ","


_QUOTED = re.compile(rb'"[^"]*"')


def _check_header(path: Path, line: int, columns: Sequence[str]) -> None:
    """UnreadableFile when a column's name is not UTF-8: no cell of it could be named."""
    for number, column in enumerate(columns, start=1):
        if found := _UNDECODED.search(column):
            raise UnreadableFile(f"{path} line {line}, column {number}: " + _not_utf8(_byte(found), "in its name"))


def _check_fields(path: Path, line: int, columns: Sequence[str]) -> None:
    """UnreadableFile when two columns write one field: the same name twice, or a name and a
    dotted one inside it (`customer` and `customer.phone`), whose cells would overwrite each
    other. Columns named by blanks are left out (spreadsheets add them)."""
    for number, column in enumerate(columns, start=1):
        parts = column.strip().split(".")
        for at in range(1, len(parts)):
            listed = ".".join(parts[:at])
            if listed in INDEXED and not (parts[at].isascii() and parts[at].isdigit()):
                raise UnreadableFile(
                    f"{path} line {line}: column {number} ({column}) names no item of {listed}: a list's items "
                    f"are numbered from 0 ({listed}.0, {listed}.1)"
                )
    fields = sorted(
        (_field_of(column.strip().split(".")), number, column)
        for number, column in enumerate(columns, start=1)
        if column.strip()
    )
    # sorted, a field is followed at once by any field inside it, or by itself again
    for (field, number, column), (after, other, name) in zip(fields, fields[1:], strict=False):
        if after[: len(field)] == field:
            raise UnreadableFile(
                f"{path} line {line}: columns {number} ({column}) and {other} ({name}) both write "
                f"{'.'.join(field)}; keep one of them"
            )


# The list fields, as dotted paths: a generic CSV's columns may name their items by index
# (`line_items.0.title`, `tags.1`); the lists of text also take one comma-separated cell.
INDEXED = frozenset({"line_items", *_LIST_COLUMNS})
_INDEXED_PATHS = tuple(tuple(listed.split(".")) for listed in INDEXED)  # split once, not per row


def _field_of(parts: list[str]) -> tuple[str, ...]:
    """The field a column's dotted name writes: a list's item by its index's number
    (`line_items.00.title` is `line_items.0.title`), every other part as written."""
    return tuple(
        str(int(part)) if at and ".".join(parts[:at]) in INDEXED and part.isascii() and part.isdigit() else part
        for at, part in enumerate(parts)
    )


def _named(body: dict[str, Any]) -> str | None:
    """The external id `body` gives, unless its cell is not UTF-8 (no text to name it by)."""
    named = body.get("external_id")
    return named if isinstance(named, str) and not _UNDECODED.search(named) else None


def _byte(found: re.Match[str]) -> int:
    return ord(found.group()) - 0xDC00


def _numbered(rows: csv.DictReader[str]) -> Iterator[tuple[int, int, dict[str, str], str | None]]:
    """Each row with the lines it starts and ends on (a quoted cell may span lines) and why it
    cannot be read (a cell not UTF-8, named by its column), or None. Read from the DictReader's own
    reader, as DictReader makes its rows (blank lines and rows of empty cells skipped, cells
    past the header's columns as a list under None, missing ones None, the row refused), so
    that a blank line moves the next row's line on: DictReader skips it where its line number
    cannot be seen."""
    columns = rows.fieldnames or []
    reader = rows.reader
    start = reader.line_num + 1
    try:
        for cells in reader:
            # a row of separators alone (`,,,,`: a spreadsheet's emptied rows) is a blank line, and
            # the header again (exports joined with `cat`, each file's own byte order mark first) no row
            if any(cell.strip() for cell in cells) and not _header_again(cells, columns):
                row: dict[Any, Any] = dict(zip(columns, cells, strict=False))
                if len(cells) > len(columns):
                    row[rows.restkey] = cells[len(columns) :]
                for name in columns[len(cells) :]:
                    row[name] = rows.restval
                yield start, reader.line_num, row, _short(cells, columns) or _unreadable(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _RowUnreadable(start, _explained(exc)) from None


def _amounts_read(
    rows: Iterator[tuple[int, int, dict[str, str], str | None]], columns: frozenset[str]
) -> Iterator[tuple[int, int, dict[str, str], str | None]]:
    """`_numbered`'s rows with their number `columns` read with the decimal comma
    (`decimal_comma.read_row`); a row refused for a cell that is no such number, unless it
    already was for another reason."""
    for line, end, row, problem in rows:
        read, refused = decimal_comma.read_row(row, columns)
        yield line, end, read, problem or refused


def _header_again(cells: Sequence[str], columns: Sequence[str]) -> bool:
    """Whether a row is the file's header again (a joined file's), a byte order mark before it or
    not; a first name quoted after the mark (`\ufeff"external_id"`: the csv module reads the quote
    as text there) is read as the quoted name it is."""
    if len(cells) != len(columns) or not cells:
        return False
    first = cells[0].removeprefix("\ufeff")
    if len(first) >= 2 and first[0] == first[-1] == '"':
        first = first[1:-1].replace('""', '"')
    return [first, *cells[1:]] == list(columns)


def _short(cells: Sequence[str], columns: Sequence[str]) -> str | None:
    """Why a row with fewer cells than the header has columns cannot be read (RFC 4180 §2: each
    row has as many): its cells, or the fields it leaves out, were not the ones meant (a line
    break in an unquoted cell cut the record in two; a cut row, its last fields read as absent,
    which a customer's write clears); None for a row of every column."""
    if len(cells) >= len(columns):
        return None
    return (
        f"{_cells(len(cells))} where the header has {len(columns)}: a row holds a cell for each column (an empty "
        "one too), and a cell holding a line break must be quoted"
    )


def _cells(count: int) -> str:
    return "1 cell" if count == 1 else f"{count:,} cells"


def _unreadable(row: dict[str, Any]) -> str | None:
    extra = row.get(None)  # type: ignore[call-overload]
    if extra:
        columns = len(row) - 1
        quote = "a cell holding the separator must be quoted"
        return f"{_cells(columns + len(extra))} where the header has {columns}: {quote}"
    for column, cell in row.items():
        # cells past the header's columns come as a list under None
        for text in cell if isinstance(cell, list) else [cell]:
            if text and (found := _UNDECODED.search(text)):
                where = f"in column {column}" if column is not None else "past the header's columns"
                return _not_utf8(_byte(found), where)
    return None


def nested(row: dict[str, str]) -> dict[str, Any]:
    """A generic CSV row as a REST body: empty cells left out, dotted columns nested (a list's
    items by their index, `line_items.0.title`), list columns split on commas, whole-number
    columns as numbers (`whole_numbers`)."""
    body: dict[str, Any] = {}
    for column, cell in row.items():
        if column is None or cell is None or not cell.strip():
            continue
        key = column.strip()
        value: Any = cell
        if key in _LIST_COLUMNS:
            value = [part.strip() for part in cell.split(",") if part.strip()]
        elif key in WHOLE_NUMBER_COLUMNS:
            value = whole_number(cell)
        *parents, name = key.split(".")
        target = body
        for parent in parents:
            target = target.setdefault(parent, {})
        target[name] = value
    return _listed(body)


def _listed(body: dict[str, Any]) -> dict[str, Any]:
    """`body` with each list field's (`INDEXED`) items by index (`line_items.0.title`, `tags.1`,
    `line_items.1.title`: `{"0": {…}, "1": {…}}`) as the list of its items in index order,
    those whose cells were all empty left out. Other objects keep their keys as written, digits
    or not (free-form `metadata.2024`)."""
    for *parents, name in _INDEXED_PATHS:
        holder: Any = body
        for parent in parents:
            holder = holder.get(parent) if isinstance(holder, dict) else None
        items = holder.get(name) if isinstance(holder, dict) else None
        if isinstance(items, dict):  # the header's check let only indices through
            holder[name] = [items[key] for key in sorted(items, key=int)]
    return body


# Between the words of a column's name where a field's name has `_` (`First Name`, `first-name`).
_FIELD_SEPARATORS = re.compile(r"[\s-]+")


def _header(path: Path) -> list[str]:
    """A CSV's column names, as its header writes them; none when the header cannot be read
    (the import says why when it reads the file)."""
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as file:
        try:
            return list(csv.DictReader(file, delimiter=_separator(path), strict=True).fieldnames or [])
        except csv.Error:
            return []


def check_resource(path: Path, kind: str, resource: str) -> None:
    """UnreadableFile when a CSV is Shopify's orders export (`shopify.is_orders_export`) and
    `resource` is not orders: its rows were read as that resource's records, each refused for
    fields the export holds under the orders' names (`The phone field is required.` on a row
    whose Phone cell holds one)."""
    if kind != "csv" or resource == "orders":
        return
    if shopify.is_orders_export(_header(path)):  # none read: the import says why
        raise UnreadableFile(
            f"{path}: the file is Shopify's orders export (its Name and Lineitem name columns), which holds "
            f"orders, not {resource}: import it with --resource orders"
        )


def columns_left_out(path: Path, kind: str, model: type[BaseModel]) -> list[str]:
    """A generic CSV's columns (as named in its header) that no field of `model` reads, each
    with the column it likely meant (`First_Name` or `First Name` -> `first_name`, or
    `customer.first_name` where the customer holds it: the name in lower case, its spaces and
    hyphens `_`, as spreadsheets and exports write names), as `Name (customer.first_name?)`: the API ignores unknown
    fields, so their cells are left out of every record (README "Any other CSV"). None for
    JSON Lines, Shopify's export (which reads its own columns), or a header that cannot be read
    (the import says why)."""
    if kind != "csv":
        return []
    columns = _header(path)
    if shopify.is_orders_export(columns):
        return []
    left_out = []
    for column in columns:
        name = column.strip()
        if not name or names_a_field(model, tuple(name.split("."))):
            continue
        spelled = _FIELD_SEPARATORS.sub("_", name).lower()
        meant = next(
            (guess for guess in (spelled, f"customer.{spelled}") if names_a_field(model, tuple(guess.split(".")))),
            None,
        )
        left_out.append(f"{column} ({meant}?)" if meant else column)
    return left_out


def count(path: Path, kind: str) -> int:
    """How many records the file holds (the progress bar's total): a quick pass. Raises
    UnreadableFile as `read` does."""
    _check_utf8(path)
    if kind == "jsonl":
        with path.open("rb") as lines:
            return sum(1 for raw in lines if raw.strip())
    return sum(1 for _ in _csv_records(path, find_apart=False))
