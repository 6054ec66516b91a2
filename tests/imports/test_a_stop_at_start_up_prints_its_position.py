"""README "Importing a shop's history": Ctrl-C (SIGINT) in the first second of `kanal import`,
while its modules load and before the first batch is sent, stops it as a Ctrl-C later does:
no traceback, its position printed, exit status 130, nothing written; `--resume` then starts
from that position. Each moment counts from the command's first line (`app.kanal`), when it
starts keeping the signals (seen as its SIGTERM handler: Python has none of its own), not
from the process's start: the interpreter's own start-up, before any line of the command,
takes from 0.1 s to over a second on a loaded machine."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from app.imports import destinations
from tests.imports.files import order, start_import, write_jsonl
from tests.realserver import Prepared, read_tables

LINES = 2000
COUNTS = "0 created, 0 replaced or replayed, 0 stale, 0 refused"
FIRST = re.compile(rf"0 records in \d+\.\d s \(0 records/s\): {COUNTS} - backfill: no automation fired")
RESUMED = "With the runs before, 2 records: 2 created, 0 replaced or replayed, 0 stale, 0 refused"

# name -> (seconds after the start, a state a run before left at line 2, with --resume), then
# the lines printed after the first, the position in the state file
MOMENTS: dict[str, tuple[float, bool, list[str], int]] = {
    "at once": (0.0, False, [], 0),
    "at 0.1 s": (0.1, False, [], 0),
    "at 0.3 s": (0.3, False, [], 0),
    "at 0.1 s, over a run before": (0.1, False, [], 0),
    "at 0.1 s, resumed": (0.1, True, [RESUMED], 2),
}


def _keeping_signals(process: subprocess.Popen[str]) -> None:
    """Returns once `process` handles SIGTERM (`app.imports.stopping.catch_early` has run)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = Path(f"/proc/{process.pid}/status").read_text()
        caught = int(re.search(r"^SigCgt:\s*([0-9a-f]+)$", status, re.MULTILINE)[1], 16)  # type: ignore[index]
        if caught & 1 << (signal.SIGTERM - 1):
            return
        time.sleep(0.005)
    raise AssertionError("kanal import never started keeping its signals")


@pytest.mark.parametrize("name", MOMENTS, ids=list(MOMENTS))
async def test_a_ctrl_c_at_start_up_stops_at_the_position(prepared: Prepared, tmp_path: Path, name: str):
    seconds, resume, lines, position = MOMENTS[name]
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(LINES)])
    state = tmp_path / "orders.jsonl.report.jsonl.state"
    if "before" in name or resume:
        before = {"source": str(source.resolve()), "store": 123, "resource": "orders", "line": 2, "created": 2}
        before["destination"] = destinations.in_process(prepared.url)  # where a run before wrote
        confirmed = b"".join(source.read_bytes().splitlines(keepends=True)[:2])  # what a resume checks
        before.update(checked_bytes=len(confirmed), checked_sha256=hashlib.sha256(confirmed).hexdigest())
        state.write_text(json.dumps({**before, "updated": 0, "stale": 0, "refused": 0}))
    args = (source, "--store", "123", "--resource", "orders", *(["--resume"] if resume else []))
    process = start_import(prepared.url, *args)
    _keeping_signals(process)
    time.sleep(seconds)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, "Traceback" in err) == (130, False), err[-2000:]
    first, *rest = out.splitlines()
    assert FIRST.fullmatch(first), out
    assert rest == [*lines, f"Stopped after line {position}. Run the same command with --resume to go on from there."]
    assert json.loads(state.read_text())["line"] == position
    assert (await read_tables(prepared.url, "orders"))["orders"] == []
