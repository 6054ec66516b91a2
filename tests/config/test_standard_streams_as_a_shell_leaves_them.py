"""`kanal` with its standard streams as a shell may leave them (README "Command line"): closed
(`>&-`, `2>&-`) or unwritable (`>/dev/full`, `2>/dev/full`).

Before: a closed stdout or stderr aborted every command in uvloop's C core (exit 134; with
stderr closed, the notice went to stdout beside the key); a full disk printed a traceback; a
stderr that could not take the notice kept the secret back, exit 1. And a key or a webhook
whose secret no one received stayed active. Now: stdout that cannot take what a command
prints ends it with exit status 1 and one `error:` line (none for a reader gone), and a
secret no one received is withdrawn (the key revoked, the webhook removed); stderr that
cannot take the notice keeps back nothing."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.server import KANAL

KEY = r"kanal_sk_live_[A-Za-z0-9]{32}\n"
SECRET = r"whsec_[A-Za-z0-9_-]{43}\n"
KEY_NOTICE = r"Created live store key kanal_sk_live_\w{8}… for store 5\. It is shown once:\n"
HOOK_NOTICE = r"Webhook \d+ for store 5: http://127\.0\.0\.1:9/h \(\*\)\.\nIts signing secret, shown once .*:\n"
TABLE = r"id +name +status.*\n5 +X .*\n"

# name -> (arguments, its stdout when written, its notice on stderr, the table it adds a row to)
COMMANDS = {
    "keys create": (["keys", "create", "--store", "5"], KEY, KEY_NOTICE, "api_keys"),
    "webhooks add": (
        ["webhooks", "add", "--store", "5", "--url", "http://127.0.0.1:9/h"],
        SECRET,
        HOOK_NOTICE,
        "webhooks",
    ),
    "stores list": (["stores", "list"], TABLE, "", None),
}
FULL = "No space left on device"
GONE = "Broken pipe"

# How the shell leaves the streams -> (exit status, stdout written?, why stdout failed: stderr
# is then read; None: stderr is not there to read, or holds only the notice)
STREAMS = {
    "stdout closed": (">&-", 1, False, GONE),
    "stdout full": (">/dev/full", 1, False, FULL),
    "stderr closed": ("2>&-", 0, True, None),
    "stderr full": ("2>/dev/full", 0, True, None),
    "both closed": (">&- 2>&-", 1, False, None),
}


def _said(command: str, cause: str) -> str:
    """What stderr holds when stdout failed for `cause`: the notice, then why and what was
    withdrawn; for a command with no secret, the one line (none for a reader gone)."""
    notice = COMMANDS[command][2]
    if command == "keys create":
        return notice + f"error: the key could not be written out \\({cause}\\); it is revoked\n"
    if command == "webhooks add":
        return notice + f"error: the signing secret could not be written out \\({cause}\\); webhook \\d+ is removed\n"
    return "" if cause == GONE else f"error: cannot write the output: {cause}\n"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "kanal.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{path}"}
    subprocess.run([KANAL, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([KANAL, "stores", "create", "--id", "5", "--name", "X", "--region", "FR"], env=env, check=True)
    return path


def _active(database: Path, table: str) -> tuple[int, int]:
    """(rows, rows still in force) of `table`."""
    ended = {"api_keys": "revoked_at", "webhooks": "removed_at"}[table]
    with sqlite3.connect(database) as conn:
        return conn.execute(f"SELECT count(*), count(*) - count({ended}) FROM {table}").fetchone()  # noqa: S608


@pytest.mark.parametrize("streams", STREAMS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_stream_the_shell_left_closed_or_full(database: Path, command: str, streams: str) -> None:
    args, written, _, table = COMMANDS[command]
    redirection, status, shown, cause = STREAMS[streams]
    before = _active(database, table) if table else (0, 0)
    # buffered as in a shell (this one may run unbuffered): a failed write is met at a flush
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        ["bash", "-c", f'"$0" "$@" {redirection}', KANAL, *args],
        env={**env, "DATABASE_URL": f"sqlite+aiosqlite:///{database}"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == status, done.stderr
    assert re.fullmatch(written, done.stdout) if shown else done.stdout == "", done.stdout
    if cause is not None:
        assert re.fullmatch(_said(command, cause), done.stderr), done.stderr
    if table:
        rows, in_force = before
        # issued once shown; withdrawn (still listed, no longer in force) when no one has it
        assert _active(database, table) == (rows + 1, in_force + (1 if shown else 0))
