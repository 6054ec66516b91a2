"""README "Importing a shop's history": `--resume` over the state another import left (another
store, another resource, another file under the same `--report`) is refused in one line that says
whose state it is and what to do, nothing written and the state kept; and a resume from a state
prints the whole file's counts on a line of their own, even when the run before confirmed no
line (a stop before its first batch), so the user sees the resume was taken."""

from __future__ import annotations

import fcntl
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
        "to go on with that import, give that file, --store and --resource with --resume; for this one, "
        "give --report a new path (or run without --resume, which starts the file over and replaces that state).\n"
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


async def test_a_state_file_that_is_a_directory_is_refused_before_anything_is_written(
    prepared: Prepared, tmp_path: Path
):
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(3)])
    state_path = tmp_path / "orders.jsonl.report.jsonl.state"
    state_path.mkdir()
    for resume in ((), ("--resume",)):
        done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders", *resume)
        assert (done.returncode, done.stdout) == (1, "")
        assert " ".join(done.stderr.split()) == (
            f"error: the report's state file {state_path} is a directory: give --report another path"
        )
    assert sorted(path.name for path in tmp_path.glob("orders*")) == ["orders.jsonl", state_path.name]  # no report
    assert (await read_tables(prepared.url, "orders"))["orders"] == []


async def test_a_second_import_given_a_report_in_use_is_refused(prepared: Prepared, tmp_path: Path):
    """The report of an import still running (its lock held, here by the test) is refused to a
    second import: its lines and state would come in between the first one's."""
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(3)])
    report = tmp_path / "orders.jsonl.report.jsonl"
    report.write_text('{"line": 7}\n')
    with report.open("a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        for resume in ((), ("--resume",)):
            done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders", *resume)
            assert (done.returncode, done.stdout) == (1, "")
            assert " ".join(done.stderr.split()) == (
                f"error: another import is writing the report {report}: wait for it to end, or give --report "
                "another path."
            )
    assert report.read_text() == '{"line": 7}\n'
    assert (await read_tables(prepared.url, "orders"))["orders"] == []
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")  # once it is let go
    assert (done.returncode, report.read_text()) == (0, "")


async def test_a_resume_reads_the_file_as_the_run_before_did(prepared: Prepared, tmp_path: Path):
    """A JSON Lines import resumed with `--format csv` is refused (its lines would all be
    refused as CSV rows, and the state then say the file was done); with the same format, or
    none, it goes on."""
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(4)])
    args = (source, "--store", "123", "--resource", "orders")
    assert kanal_import(prepared.url, *args, "--batch-size", "2").returncode == 0
    state_path = tmp_path / "orders.jsonl.report.jsonl.state"
    state = json.loads(state_path.read_text())
    assert state["format"] == "jsonl"
    done = kanal_import(prepared.url, *args, "--resume", "--format", "csv")
    assert (done.returncode, done.stdout) == (1, "")
    assert " ".join(done.stderr.split()) == (
        f"error: {state_path} is the state of importing {source.resolve()} read as jsonl, not csv: "
        "give --format jsonl (or no --format) with --resume to go on with it."
    )
    assert json.loads(state_path.read_text()) == state
    for given in (("--format", "jsonl"), ()):
        resumed = kanal_import(prepared.url, *args, "--resume", *given)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        assert resumed.stdout.splitlines()[1].startswith("With the runs before, 4 records: 4 created")


async def test_carts_resume_as_checkouts_their_other_name(prepared: Prepared, tmp_path: Path):
    cart = {"abandoned_at": "2024-05-18T10:00:00Z", "total_price": "5", "customer": {"phone": "+33612345601"}}
    source = write_jsonl(tmp_path / "carts.jsonl", [{**cart, "external_id": f"C-{n}"} for n in range(4)])
    first = kanal_import(prepared.url, source, "--store", "123", "--resource", "carts")
    assert first.returncode == 0, first.stderr[-2000:]
    resumed = kanal_import(prepared.url, source, "--store", "123", "--resource", "checkouts", "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert resumed.stdout.splitlines()[1].startswith("With the runs before, 4 records: 4 created")


# an external_id as sent -> as the report names it (as a batch's result does)
REPORTED_IDS = {
    "a text": ("H-1", "H-1"),
    "a whole number": (1003, "1003"),
    "a long whole number": (int("9" * 30), "9" * 30),
    "a fraction": (1.5, None),
    "true": (True, None),
    "a list": (["H-1"], None),
    "none": (None, None),
}


async def test_a_refused_line_names_its_external_id_as_a_batch_result_does(prepared: Prepared, tmp_path: Path):
    lines = [order(n, external_id=value, placed_at="never") for n, (value, _) in enumerate(REPORTED_IDS.values())]
    source = write_jsonl(tmp_path / "orders.jsonl", lines)
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert done.returncode == 0, done.stderr[-2000:]
    refused = [json.loads(line) for line in (tmp_path / "orders.jsonl.report.jsonl").read_text().splitlines()]
    assert [line["external_id"] for line in refused] == [named for _, named in REPORTED_IDS.values()]


async def test_a_resume_without_format_reads_the_file_as_the_run_before(prepared: Prepared, tmp_path: Path):
    """A CSV named otherwise than .csv, imported with --format csv, resumes without --format:
    the state says how it was read (its name would say JSON Lines)."""
    source = tmp_path / "customers.txt"
    source.write_text("external_id,phone\n" + "".join(f"CU-{n},+3361234560{n}\n" for n in range(4)))
    args = (source, "--store", "123", "--resource", "customers", "--batch-size", "2")
    assert kanal_import(prepared.url, *args, "--format", "csv").returncode == 0
    resumed = kanal_import(prepared.url, *args, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert resumed.stdout.splitlines()[1] == (
        "With the runs before, 4 records: 4 created, 0 replaced or replayed, 0 stale, 0 refused"
    )


# the run before -> this one (--live or not), and the refusal's words for the run before
OTHER_WAYS = {
    "backfill, then --live": (False, True, "as backfill: leave out --live"),
    "--live, then backfill": (True, False, "live (--live): give --live"),
}


@pytest.mark.parametrize("name", OTHER_WAYS)
async def test_a_resume_the_other_way_is_refused(prepared: Prepared, tmp_path: Path, name: str):
    """A resume with --live added (or left out) went on the other way without a word: one
    file's records part backfill, part live, the live ones firing automations for history."""
    before_live, now_live, said = OTHER_WAYS[name]
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(3)])
    args = (source, "--store", "123", "--resource", "orders", *(["--live"] if before_live else []))
    first = kanal_import(prepared.url, *args)
    assert first.returncode == 0, first.stderr[-2000:]
    state_path = tmp_path / "orders.jsonl.report.jsonl.state"
    state = json.loads(state_path.read_text())
    assert state["live"] is before_live
    write_jsonl(source, [order(n) for n in range(6)])  # three more lines appended
    stored = await read_tables(prepared.url, "orders", "events")
    resumed = kanal_import(
        prepared.url, source, "--store", "123", "--resource", "orders", "--resume", *(["--live"] if now_live else [])
    )
    assert (resumed.returncode, resumed.stdout) == (1, "")
    assert resumed.stderr == (
        f"error: {state_path} is the state of importing {source.resolve()} {said} with --resume to go on with it, "
        "or one file's records would be part backfill and part live (run without --resume to import the file "
        "whole the other way).\n"
    )
    assert json.loads(state_path.read_text()) == state
    assert await read_tables(prepared.url, "orders", "events") == stored
    again = kanal_import(*([prepared.url] + list(args)), "--resume")
    assert again.returncode == 0, again.stderr[-2000:]
    events = (await read_tables(prepared.url, "events"))["events"]
    assert [event["backfill"] for event in events] == [not before_live] * 6
