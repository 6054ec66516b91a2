"""README "Importing a shop's history": an import stopped mid-file (Ctrl-C, or killed outright)
and run again with --resume ends with every line written exactly once: one order and one
order.created event per line. Ctrl-C stops after the batch in flight and prints its position."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from tests.imports.files import kanal_import, order, records, start_import, write_jsonl
from tests.realserver import Prepared, read_tables

LINES = 5000


def _confirmed(state: Path) -> int:
    try:
        return json.loads(state.read_text())["line"]
    except (FileNotFoundError, json.JSONDecodeError):
        return 0


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
async def test_a_stopped_import_resumed_writes_every_line_once(prepared: Prepared, tmp_path: Path, signum: int):
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(LINES)])
    state = tmp_path / "orders.jsonl.report.jsonl.state"
    args = (source, "--store", "123", "--resource", "orders", "--batch-size", "100")
    process = start_import(prepared.url, *args)
    deadline = time.monotonic() + 240
    while _confirmed(state) < 300 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signum)
    out, err = process.communicate(timeout=240)
    stopped_at = _confirmed(state)
    assert 0 < stopped_at < LINES, (stopped_at, err[-500:])
    if signum == signal.SIGINT:
        assert process.returncode == 130, err[-500:]
        assert f"Stopped after line {stopped_at:,}." in out
    else:
        assert process.returncode == -signal.SIGKILL
    resumed = kanal_import(prepared.url, *args, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-500:]
    first, whole = resumed.stdout.splitlines()[:2]
    # this run's own counts, then the whole file's
    assert first.startswith(f"{records(LINES - stopped_at)} in ")
    assert f": {LINES - stopped_at:,} created, 0 replaced or replayed, 0 stale, 0 refused" in first
    assert (
        whole
        == f"With the runs before, {LINES:,} records: {LINES:,} created, 0 replaced or replayed, 0 stale, 0 refused"
    )
    tables = await read_tables(prepared.url, "orders", "events")
    assert sorted(row["external_id"] for row in tables["orders"]) == sorted(f"H-{n}" for n in range(LINES))
    events = tables["events"]
    assert sorted(row["subject_id"] for row in events) == sorted(row["id"] for row in tables["orders"])
    assert {(row["type"], row["backfill"]) for row in events} == {("order.created", True)}
    assert json.loads(state.read_text())["line"] == LINES
