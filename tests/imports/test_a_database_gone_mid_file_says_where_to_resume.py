"""README "Importing a shop's history" (Ctrl-C): an import in this process whose database
becomes unavailable mid-file (SQLite's write lock held by another process past the busy
timeout; PostgreSQL refusing connections, as while it restarts) says why in the one line the
CLI gives an unavailable database, exit status 1, and then on stdout the line confirmed before
it, from which `--resume` goes on. It printed the error line alone, nothing on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy.engine import make_url

from tests.imports.files import order, write_jsonl
from tests.outages import connections_refused, sqlite_locked
from tests.realserver import Prepared
from tests.server import KANAL

# SQLite's busy timeout here: a write waits this long for the lock, then the database is unavailable
BUSY_TIMEOUT_MS = "200"
CAUSE = {
    "sqlite": "OperationalError: database is locked",
    "postgresql": 'ObjectNotInPrerequisiteStateError: database "{}" is not currently accepting connections',
}


def _confirmed(state: Path) -> int:
    """The line the import's state confirms (0 while it has none)."""
    try:
        return int(json.loads(state.read_text())["line"])
    except (OSError, ValueError, KeyError):
        return 0


async def test_a_database_gone_mid_file_stops_the_import_saying_where_to_resume(
    prepared: Prepared, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(3000)])
    state = tmp_path / "orders.jsonl.report.jsonl.state"
    env = {**os.environ, "DATABASE_URL": prepared.url, "KANAL_SQLITE_BUSY_TIMEOUT_MS": BUSY_TIMEOUT_MS}
    args = ("--store", "123", "--resource", "orders", "--batch-size", "1")
    process = subprocess.Popen(
        [KANAL, "import", str(source), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    url = make_url(prepared.url)
    db = SimpleNamespace(url=url, dialect=prepared.engine)
    outage = sqlite_locked(db) if prepared.engine == "sqlite" else connections_refused(db)
    try:
        for _ in range(600):  # until a few batches are confirmed: the database goes mid-file
            if _confirmed(state) >= 3 or process.poll() is not None:
                break
            time.sleep(0.05)
        async with outage:
            stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    confirmed = _confirmed(state)
    assert 3 <= confirmed < 3000
    cause = CAUSE[prepared.engine].format(url.database)
    shown = url.render_as_string(hide_password=True)
    assert (process.returncode, stderr.splitlines()[-1]) == (1, f"error: the database {shown} is unavailable: {cause}")
    assert stdout == (
        f"Stopped after line {confirmed:,}. Once that is put right, "
        "run the same command with --resume to go on from there.\n"
    )
