"""README "Importing a shop's history", Resume: the state records the size and SHA-256 of the
file's bytes up to the confirmed line, and `--resume` refuses a file whose bytes up to there
changed (exit 1, one line, nothing sent, report and state untouched), where it skipped the new
file's first lines unsent and said "0 records". A file only appended to resumes with its new
lines; a state written before these were kept is refused, as it cannot tell."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.imports.files import kanal_import, order, records, write_jsonl
from tests.realserver import Prepared, read_tables

FIRST = [order(0), order(1)]
# name: (the file as --resume finds it, the state kept before the check?, orders imported then)
CASES: dict[str, tuple[list[Any], bool, list[str] | None]] = {
    "replaced by another order": ([order(9)], False, None),
    "replaced by more lines": ([order(7), order(8), order(9)], False, None),
    "a confirmed line edited": ([order(0), order(1, total_price="29.90")], False, None),
    "shorter": ([order(0)], False, None),
    "a blank line inserted": ([order(0), "", order(1)], False, None),
    "appended to": ([*FIRST, order(2)], False, ["H-0", "H-1", "H-2"]),
    "the same": (FIRST, False, ["H-0", "H-1"]),
    "an older state, the same file": (FIRST, True, None),
    "an older state, replaced": ([order(9)], True, None),
}


@pytest.mark.parametrize(("after", "old_state", "imported"), CASES.values(), ids=list(CASES))
async def test_a_resume_goes_on_only_in_the_file_it_confirmed(
    prepared: Prepared, tmp_path: Path, after: list[Any], old_state: bool, imported: list[str] | None
):
    source = write_jsonl(tmp_path / "o2.jsonl", FIRST)
    report = tmp_path / "o2.jsonl.report.jsonl"
    state = tmp_path / "o2.jsonl.report.jsonl.state"
    args = (source, "--store", "123", "--resource", "orders", "--batch-size", "2")
    first = kanal_import(prepared.url, *args)
    assert first.returncode == 0, first.stderr[-500:]
    saved = json.loads(state.read_text())
    assert saved["line"] == 2
    assert saved["checked_bytes"] == source.stat().st_size
    if old_state:  # as a state file written before the check
        del saved["checked_bytes"], saved["checked_sha256"]
        state.write_text(json.dumps(saved))
    kept = state.read_text()
    write_jsonl(source, after)

    resumed = kanal_import(prepared.url, *args, "--resume")

    orders = sorted(row["external_id"] for row in (await read_tables(prepared.url, "orders"))["orders"])
    if imported is None:
        assert (resumed.returncode, resumed.stdout) == (1, "")
        why = (
            f"{state} does not record what {source} held (written before resumes checked it)"
            if old_state
            else f"{source} changed since {state} confirmed its first 2 lines"
        )
        assert (
            resumed.stderr == f"error: {why}: run without --resume to import it whole, or give --report a new path.\n"
        )
        assert orders == ["H-0", "H-1"]
        assert state.read_text() == kept
        assert report.read_text() == ""
        return
    assert resumed.returncode == 0, resumed.stderr[-500:]
    new = len(imported) - 2
    first_line, whole = resumed.stdout.splitlines()
    assert first_line.startswith(f"{records(new)} in ")
    assert f": {new} created, 0 replaced or replayed, 0 stale, 0 refused" in first_line
    assert (
        whole
        == f"With the runs before, {2 + new} records: {2 + new} created, 0 replaced or replayed, 0 stale, 0 refused"
    )
    assert orders == imported
    resaved = json.loads(state.read_text())
    assert resaved["line"] == len(after)
    assert resaved["checked_bytes"] == source.stat().st_size


HEADER = "external_id,placed_at,total_price,customer.phone"
ROWS = [f"H-{n},2024-05-18T10:00:00Z,19.90,+3361000000{n}" for n in range(3)]
# name: (the CSV as saved, the same with a row appended): CSV rows end at CR, LF or CRLF, as
# the csv module numbers its lines
CSV_FILES: dict[str, tuple[str, str]] = {
    "LF": ("\n".join([HEADER, *ROWS[:2]]) + "\n", "\n".join([HEADER, *ROWS]) + "\n"),
    "CRLF": ("\r\n".join([HEADER, *ROWS[:2]]) + "\r\n", "\r\n".join([HEADER, *ROWS]) + "\r\n"),
    "CR (Excel's CSV for Macintosh)": ("\r".join([HEADER, *ROWS[:2]]) + "\r", "\r".join([HEADER, *ROWS]) + "\r"),
    "a quoted cell holding a CR": (
        f'{HEADER},tags\nH-0,2024-05-18T10:00:00Z,19.90,+33610000000,"a\rb"\n{ROWS[1]},\n',
        f'{HEADER},tags\nH-0,2024-05-18T10:00:00Z,19.90,+33610000000,"a\rb"\n{ROWS[1]},\n{ROWS[2]},\n',
    ),
}


@pytest.mark.parametrize(("saved", "appended"), CSV_FILES.values(), ids=list(CSV_FILES))
async def test_a_csv_resumes_whatever_its_lines_end_with(prepared: Prepared, tmp_path: Path, saved: str, appended: str):
    """The confirmed line is counted as the rows are (a CR ends a line too): a finished import
    resumes with nothing to send, and one appended to with its new row, where a file whose
    lines end at CR was always "changed" and could not be resumed."""
    source = tmp_path / "orders.csv"
    source.write_bytes(saved.encode())
    state = tmp_path / "orders.csv.report.jsonl.state"
    args = (source, "--store", "123", "--resource", "orders", "--batch-size", "1")
    first = kanal_import(prepared.url, *args)
    assert first.returncode == 0, first.stderr[-500:]
    confirmed = json.loads(state.read_text())
    assert (confirmed["line"], confirmed["checked_bytes"]) == (3 + saved.count('"a\rb"'), source.stat().st_size)

    again = kanal_import(prepared.url, *args, "--resume")
    assert again.returncode == 0, again.stderr[-500:]
    assert again.stdout.startswith("0 records in ")

    source.write_bytes(appended.encode())
    resumed = kanal_import(prepared.url, *args, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-500:]
    assert ": 1 created, 0 replaced or replayed, 0 stale, 0 refused" in resumed.stdout.splitlines()[0]
    orders = sorted(row["external_id"] for row in (await read_tables(prepared.url, "orders"))["orders"])
    assert orders == ["H-0", "H-1", "H-2"]
