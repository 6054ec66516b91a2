"""README "Importing a shop's history", Resume: the position confirmed is the last line of the
last record answered, and a record that grew since (a line item appended to the file's last
order, an export cut short mid-order then saved whole) is sent again whole on `--resume` and
counted by that answer in place of its first (its report line too), where it was skipped as
starting at or before the confirmed line and the appended line item never sent. A record spans
lines as a Shopify order's rows, a quoted cell holding a line end, or blank lines between an
order's rows; a JSON Lines record is one line and resumes as it did. A change to a later line
of the last confirmed record is seen, as a change to any confirmed line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.imports import run
from tests.imports.files import kanal_import, order, records, report
from tests.realserver import Prepared, read_tables

SHOPIFY = "Name,Email,Financial Status,Currency,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Phone"
GENERIC = "external_id,placed_at,total_price,customer.phone,tags"


def first_row(name: str, title: str, currency: str = "EUR") -> str:
    """An order's first row: its own cells and its first line item."""
    n = name.lstrip("#")
    return f"{name},c{n}@example.com,paid,{currency},30.00,2024-03-01 10:00:00 +0100,1,{title},10.00,+3361234000{n}"


def item_row(name: str, title: str) -> str:
    """A further line item of an order: its own cells blank."""
    return f"{name},,,,,,1,{title},10.00,"


def generic_row(n: int, tags: str = "") -> str:
    return f"H-{n},2024-05-18T10:00:00Z,19.90,+3361000000{n},{tags}"


SHIRT, SOCKS = first_row("#1", "Shirt"), item_row("#1", "Socks")
HAT, SCARF, GLOVES = first_row("#2", "Hat"), item_row("#2", "Scarf"), item_row("#2", "Gloves")
PEN = first_row("#3", "Pen")
GIFT_BOX = item_row("#2", '"Gift\nbox"')  # a quoted cell over two lines


@dataclass(frozen=True)
class Case:
    """The file's lines (its header first) at the first run and at `--resume`, and what follows."""

    first: list[str]
    then: list[str]
    confirmed: int  # the state's line after the first run: its last record's last line
    this_run: tuple[int, int, int, int]  # the resume's own created, replaced or replayed, stale, refused
    whole: tuple[int, int, int, int]  # the whole file's, with the run before
    stored: dict[str, list[str]]  # each order's line items' titles
    refused: list[tuple[int, str]]  # the report's (line, external_id) after the resume
    batch_size: int = 1
    end: str = "\n"  # how the file's last line ends at the first run ("": it does not; "\r": cut short)
    newline: str = "\n"  # how its lines end


CASES = {
    "a line item appended to the last order": Case(
        [SHOPIFY, SHIRT, HAT], [SHOPIFY, SHIRT, HAT, SCARF], 3, (0, 1, 0, 0), (1, 1, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat", "Scarf"]}, [],
    ),
    "a third row for the last order of two": Case(
        [SHOPIFY, SHIRT, HAT, SCARF], [SHOPIFY, SHIRT, HAT, SCARF, GLOVES], 4, (0, 1, 0, 0), (1, 1, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat", "Scarf", "Gloves"]}, [],
    ),
    "an export cut short mid-order, then saved whole": Case(
        [SHOPIFY, SHIRT, SOCKS, HAT, SCARF], [SHOPIFY, SHIRT, SOCKS, HAT, SCARF, GLOVES, PEN], 5,
        (1, 1, 0, 0), (2, 1, 0, 0), {"#1": ["Shirt", "Socks"], "#2": ["Hat", "Scarf", "Gloves"], "#3": ["Pen"]}, [],
        batch_size=2,
    ),
    "a new order appended, the last one whole": Case(
        [SHOPIFY, SHIRT, HAT, SCARF], [SHOPIFY, SHIRT, HAT, SCARF, PEN], 4, (1, 0, 0, 0), (3, 0, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat", "Scarf"], "#3": ["Pen"]}, [],
    ),
    "nothing appended to an order of two rows": Case(
        [SHOPIFY, SHIRT, HAT, SCARF], [SHOPIFY, SHIRT, HAT, SCARF], 4, (0, 0, 0, 0), (2, 0, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat", "Scarf"]}, [],
    ),
    "the last order refused, a row of it appended": Case(
        [SHOPIFY, SHIRT, first_row("#2", "Hat", "EURO")], [SHOPIFY, SHIRT, first_row("#2", "Hat", "EURO"), SCARF],
        3, (0, 0, 0, 1), (1, 0, 0, 1), {"#1": ["Shirt"]}, [(3, "#2")], batch_size=2,
    ),
    "a quoted line end in the last order's last row, a row appended": Case(
        [SHOPIFY, SHIRT, HAT, GIFT_BOX], [SHOPIFY, SHIRT, HAT, GIFT_BOX, SCARF], 5, (0, 1, 0, 0), (1, 1, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat", "Gift\nbox", "Scarf"]}, [],
    ),
    "a row holding a quoted line end appended to the last order": Case(
        [SHOPIFY, SHIRT, HAT], [SHOPIFY, SHIRT, HAT, GIFT_BOX], 3, (0, 1, 0, 0), (1, 1, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat", "Gift\nbox"]}, [],
    ),
    "a blank line, then a row of the last order": Case(
        [SHOPIFY, SHIRT, HAT], [SHOPIFY, SHIRT, HAT, "", SCARF], 3, (0, 1, 0, 0), (1, 1, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat", "Scarf"]}, [],
    ),
    "any other CSV: a quoted line end in the last row, a row appended": Case(
        [GENERIC, generic_row(0), generic_row(1, '"a\nb"')],
        [GENERIC, generic_row(0), generic_row(1, '"a\nb"'), generic_row(2)],
        4, (1, 0, 0, 0), (3, 0, 0, 0), {"H-0": [], "H-1": [], "H-2": []}, [],
    ),
    "any other CSV: a quoted line end in the last row, nothing appended": Case(
        [GENERIC, generic_row(0), generic_row(1, '"a\nb"')], [GENERIC, generic_row(0), generic_row(1, '"a\nb"')],
        4, (0, 0, 0, 0), (2, 0, 0, 0), {"H-0": [], "H-1": []}, [],
    ),
    "JSON Lines: a line appended": Case(
        [json.dumps(order(0)), json.dumps(order(1))], [json.dumps(order(n)) for n in range(3)], 2,
        (1, 0, 0, 0), (3, 0, 0, 0), {"H-0": ["Tee"], "H-1": ["Tee"], "H-2": ["Tee"]}, [],
    ),
    "JSON Lines: nothing appended": Case(
        [json.dumps(order(0)), json.dumps(order(1))], [json.dumps(order(0)), json.dumps(order(1))], 2,
        (0, 0, 0, 0), (2, 0, 0, 0), {"H-0": ["Tee"], "H-1": ["Tee"]}, [],
    ),
    # A file saved without a line end after its last line, appended to since: that line's end
    # is the one byte added before the appended lines, the bytes confirmed kept.
    "JSON Lines: the last line ended no line, a line appended": Case(
        [json.dumps(order(0)), json.dumps(order(1))], [json.dumps(order(n)) for n in range(3)], 2,
        (1, 0, 0, 0), (3, 0, 0, 0), {"H-0": ["Tee"], "H-1": ["Tee"], "H-2": ["Tee"]}, [], end="",
    ),
    "JSON Lines: the last line ended no line, only its line end added": Case(
        [json.dumps(order(0)), json.dumps(order(1))], [json.dumps(order(0)), json.dumps(order(1))], 2,
        (0, 0, 0, 0), (2, 0, 0, 0), {"H-0": ["Tee"], "H-1": ["Tee"]}, [], end="",
    ),
    "the last row ended no line, an order appended": Case(
        [SHOPIFY, SHIRT, HAT], [SHOPIFY, SHIRT, HAT, PEN], 3, (1, 0, 0, 0), (3, 0, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat"], "#3": ["Pen"]}, [], end="",
    ),
    "the last row ended no line, a row of its order appended": Case(
        [SHOPIFY, SHIRT, HAT], [SHOPIFY, SHIRT, HAT, SCARF], 3, (0, 1, 0, 0), (1, 1, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat", "Scarf"]}, [], end="",
    ),
    "CRLF lines, the last row ended no line, an order appended": Case(
        [SHOPIFY, SHIRT, HAT], [SHOPIFY, SHIRT, HAT, PEN], 3, (1, 0, 0, 0), (3, 0, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat"], "#3": ["Pen"]}, [], end="", newline="\r\n",
    ),
    # saved while being written: its last line end cut between CR and LF
    "JSON Lines: CRLF lines, the last cut between CR and LF, a line appended": Case(
        [json.dumps(order(0)), json.dumps(order(1))], [json.dumps(order(n)) for n in range(3)], 2,
        (1, 0, 0, 0), (3, 0, 0, 0), {"H-0": ["Tee"], "H-1": ["Tee"], "H-2": ["Tee"]}, [], end="\r", newline="\r\n",
    ),
    "CRLF lines, the last row cut between CR and LF, an order appended": Case(
        [SHOPIFY, SHIRT, HAT], [SHOPIFY, SHIRT, HAT, PEN], 3, (1, 0, 0, 0), (3, 0, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat"], "#3": ["Pen"]}, [], end="\r", newline="\r\n",
    ),
    "CR lines, the last row ended no line, an order appended": Case(
        [SHOPIFY, SHIRT, HAT], [SHOPIFY, SHIRT, HAT, PEN], 3, (1, 0, 0, 0), (3, 0, 0, 0),
        {"#1": ["Shirt"], "#2": ["Hat"], "#3": ["Pen"]}, [], end="", newline="\r",
    ),
}  # fmt: skip


def _counts(counts: tuple[int, int, int, int]) -> str:
    created, replaced, stale, refused = counts
    return f"{created} created, {replaced} replaced or replayed, {stale} stale, {refused} refused"


def _file(tmp_path: Path, case: Case) -> Path:
    return tmp_path / ("orders.jsonl" if case.first[0].startswith("{") else "orders.csv")


@pytest.mark.parametrize("name", CASES)
async def test_a_resume_sends_again_the_last_record_grown_since(prepared: Prepared, tmp_path: Path, name: str):
    case = CASES[name]
    source = _file(tmp_path, case)
    state_path = tmp_path / f"{source.name}.report.jsonl.state"
    report_path = tmp_path / f"{source.name}.report.jsonl"
    args = (source, "--store", "123", "--resource", "orders", "--batch-size", str(case.batch_size))
    source.write_bytes((case.newline.join(case.first) + case.end.replace("\n", case.newline)).encode())
    confirmed_bytes = source.stat().st_size
    first = kanal_import(prepared.url, *args)
    assert first.returncode == 0, first.stderr[-2000:]
    assert json.loads(state_path.read_text())["line"] == case.confirmed

    source.write_bytes((case.newline.join(case.then) + case.newline).encode())
    resumed = kanal_import(prepared.url, *args, "--resume")

    assert resumed.returncode == 0, resumed.stderr[-2000:]
    this_run, whole = resumed.stdout.splitlines()
    assert this_run.startswith(f"{records(sum(case.this_run))} in "), this_run
    assert f": {_counts(case.this_run)}" in this_run
    assert whole == f"With the runs before, {records(sum(case.whole))}: {_counts(case.whole)}"
    orders = (await read_tables(prepared.url, "orders"))["orders"]
    assert {row["external_id"]: [item["title"] for item in row["line_items"]] for row in orders} == case.stored
    assert [(line["line"], line["external_id"]) for line in report(report_path)] == case.refused
    state = json.loads(state_path.read_text())
    lines = case.newline.join(case.then).count(case.newline) + 1
    if sum(case.this_run):  # confirmed anew up to the file's end
        confirmed_bytes = source.stat().st_size
    assert (state["line"], state["checked_bytes"]) == (lines, confirmed_bytes)
    created, replaced, stale, refused = case.whole
    assert (state["created"], state["updated"], state["stale"], state["refused"]) == case.whole
    assert state["report_bytes"] == report_path.stat().st_size
    # the whole file's counts are its records', each once: what the progress bar counts to
    assert created + replaced + stale + refused == len(case.stored) + len(case.refused)

    again = kanal_import(prepared.url, *args, "--resume")  # nothing grew since: nothing sent
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.startswith("0 records in ")
    assert again.stdout.splitlines()[1] == whole


# name: (the file at the first run, at --resume: a later line of the last record edited, the line confirmed)
EDITED = {
    "a line item of the last order": ([SHOPIFY, SHIRT, HAT, SCARF], [SHOPIFY, SHIRT, HAT, GLOVES], 4),
    "a quoted cell's second line in the last order": (
        [SHOPIFY, SHIRT, HAT, GIFT_BOX],
        [SHOPIFY, SHIRT, HAT, GIFT_BOX.replace("box", "bag")],
        5,
    ),
    "any other CSV: a quoted cell's second line": (
        [GENERIC, generic_row(0), generic_row(1, '"a\nb"')],
        [GENERIC, generic_row(0), generic_row(1, '"a\nc"')],
        4,
    ),
    # the file ended on `,tags` with no line end: cells written on to that line change it
    "the last row, ending no line, written on": ([GENERIC, generic_row(0), generic_row(1)], [], 3),
}


@pytest.mark.parametrize("name", EDITED)
async def test_a_later_line_of_the_last_record_edited_is_a_changed_file(prepared: Prepared, tmp_path: Path, name: str):
    """Refused as any confirmed line edited: nothing sent, report and state kept."""
    first_lines, edited, confirmed = EDITED[name]
    source = tmp_path / "orders.csv"
    state_path = tmp_path / "orders.csv.report.jsonl.state"
    args = (source, "--store", "123", "--resource", "orders", "--batch-size", "1")
    ends = "\n" if edited else ""
    source.write_text("\n".join(first_lines) + ends)
    assert kanal_import(prepared.url, *args).returncode == 0
    kept = state_path.read_text()
    before = (await read_tables(prepared.url, "orders"))["orders"]
    if edited:
        source.write_text("\n".join(edited) + "\n")
    else:
        source.write_text(source.read_text() + "vip\n" + generic_row(2) + "\n")

    resumed = kanal_import(prepared.url, *args, "--resume")

    assert (resumed.returncode, resumed.stdout) == (1, "")
    assert resumed.stderr == (
        f"error: {source} changed since {state_path} confirmed its first {confirmed} lines: "
        "run without --resume to import it whole, or give --report a new path.\n"
    )
    assert state_path.read_text() == kept
    assert (await read_tables(prepared.url, "orders"))["orders"] == before


async def test_a_state_from_before_last_lines_were_confirmed_resumes_as_it_did(prepared: Prepared, tmp_path: Path):
    """Such a state confirmed the line its last record starts on (no `record_line`): a resume
    goes on after that record, which is not sent again nor counted twice."""
    source = tmp_path / "orders.csv"
    state_path = tmp_path / "orders.csv.report.jsonl.state"
    args = (source, "--store", "123", "--resource", "orders", "--batch-size", "1")
    source.write_text("\n".join([SHOPIFY, SHIRT, HAT, SCARF]) + "\n")
    assert kanal_import(prepared.url, *args).returncode == 0
    state = json.loads(state_path.read_text())
    prefix = run.Prefix(source, "csv")
    prefix.advance(3)  # #2 starts on line 3
    old = {key: value for key, value in state.items() if not key.startswith("record_")}
    old.update(line=3, checked_bytes=prefix.size, checked_sha256=prefix.sha256.hexdigest())
    prefix.close()
    state_path.write_text(json.dumps(old))
    source.write_text("\n".join([SHOPIFY, SHIRT, HAT, SCARF, PEN]) + "\n")

    resumed = kanal_import(prepared.url, *args, "--resume")

    assert resumed.returncode == 0, resumed.stderr[-2000:]
    this_run, whole = resumed.stdout.splitlines()
    assert this_run.startswith(f"{records(1)} in ") and f": {_counts((1, 0, 0, 0))}" in this_run
    assert whole == f"With the runs before, {records(3)}: {_counts((3, 0, 0, 0))}"
    assert json.loads(state_path.read_text())["line"] == 5
