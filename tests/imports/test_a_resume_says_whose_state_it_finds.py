"""README "Importing a shop's history": `--resume` over the state another import left (another
store, another resource, another file under the same `--report`) is refused in one line that says
whose state it is and what to do, nothing written and the state kept; and a resume from a state
prints the whole file's counts on a line of their own, even when the run before confirmed no
line (a stop before its first batch), so the user sees the resume was taken."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.imports.files import kanal_import, order, write_jsonl
from tests.realserver import Prepared, read_tables

# name -> the arguments of the import that left the state, beside this one's (orders of store 123)
OTHER_IMPORTS = {
    "another store": ("orders.jsonl", "124", "orders"),
    "another resource": ("orders.jsonl", "123", "carts"),
    "another file": ("older.jsonl", "123", "orders"),
}


@pytest.mark.parametrize("name", OTHER_IMPORTS)
async def test_a_resume_over_another_imports_state_says_what_to_do(prepared: Prepared, tmp_path: Path, name: str):
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(3)])
    report = tmp_path / "shared.report.jsonl"
    state_path = Path(f"{report}.state")
    file, store, resource = OTHER_IMPORTS[name]
    other = {"source": str((tmp_path / file).resolve()), "store": int(store), "resource": resource, "line": 1}
    other.update(created=1, report_bytes=0, checked_bytes=10, checked_sha256="0" * 64)
    state_path.write_text(json.dumps(other))
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders", "--report", report, "--resume")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"error: {state_path} is the state of importing {other['source']} as {resource} of store {store}: "
        "to go on with that import, run it with --resume; for this one, give --report a new path "
        "(or run without --resume, which starts the file over and replaces that state).\n"
    )
    assert json.loads(state_path.read_text()) == other
    assert (await read_tables(prepared.url, "orders"))["orders"] == []


SUMMARY = re.compile(r"(\d+) records? in \d+\.\d s \([\d,.]+ records/s\): (.*) - backfill: no automation fired")


# name -> (the line the run before confirmed, and what it created), then this run's created
RUNS_BEFORE = {
    "confirmed no line": (0, 0, 4),
    "confirmed two lines": (2, 2, 2),
}


@pytest.mark.parametrize("name", RUNS_BEFORE)
async def test_a_resume_prints_the_whole_files_counts(prepared: Prepared, tmp_path: Path, name: str):
    confirmed, created_before, created_now = RUNS_BEFORE[name]
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(4)])
    args = (source, "--store", "123", "--resource", "orders", "--batch-size", "2")
    first = kanal_import(prepared.url, *args)
    assert first.returncode == 0, first.stderr[-2000:]
    state_path = tmp_path / "orders.jsonl.report.jsonl.state"
    state = json.loads(state_path.read_text())
    prefix = b"".join(source.read_bytes().splitlines(keepends=True)[:confirmed])
    state.update(line=confirmed, created=created_before, report_bytes=0, checked_bytes=len(prefix))
    state["checked_sha256"] = hashlib.sha256(prefix).hexdigest()
    state_path.write_text(json.dumps(state))
    resumed = kanal_import(prepared.url, *args, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    this_run, whole = resumed.stdout.splitlines()
    assert SUMMARY.fullmatch(this_run).groups() == (  # type: ignore[union-attr]
        str(created_now),
        f"0 created, {created_now} replaced or replayed, 0 stale, 0 refused",
    )
    assert whole == (
        f"With the runs before, 4 records: {created_before} created, {created_now} replaced or replayed, "
        "0 stale, 0 refused"
    )
