"""A `kanal` command whose reader goes away (`kanal stores list | true`, a closed pipe) ends with
exit status 1 and no traceback on stderr: it printed a BrokenPipeError traceback (Python's "Note
on SIGPIPE"). Every command that prints on success, its stdout a pipe already closed; stderr
holds what the command says there on success and, for a secret no one received, why and what
was withdrawn (tests/config/test_standard_streams_as_a_shell_leaves_them.py), no traceback."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.server import KANAL

# The command -> what it says on stderr (a pattern), its stdout's reader gone
COMMANDS = {
    "webhooks add": (
        ["webhooks", "add", "--store", "5", "--url", "http://127.0.0.1:9/hook"],
        r"Webhook 1 for store 5: http://127\.0\.0\.1:9/hook \(\*\)\.\nIts signing secret, shown once .*:\n"
        r"error: the signing secret could not be written out \(Broken pipe\); webhook 1 is removed\n",
    ),
    "keys create": (
        ["keys", "create", "--store", "5", "--name", "cut"],
        r"Created live store key kanal_sk_live_\w{8}… for store 5\. It is shown once:\n"
        r"error: the key could not be written out \(Broken pipe\); it is revoked\n",
    ),
    "stores list": (["stores", "list"], ""),
    "stores create": (["stores", "create", "--id", "6", "--name", "Y", "--region", "FR"], ""),
}


@pytest.fixture
def database(tmp_path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([KANAL, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([KANAL, "stores", "create", "--id", "5", "--name", "X", "--region", "FR"], env=env, check=True)
    return url


@pytest.mark.parametrize("name", COMMANDS)
def test_a_closed_pipe_ends_the_command_quietly(database: str, name: str) -> None:
    command, said = COMMANDS[name]
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    try:
        # buffered as in a shell (this one may run unbuffered): the pipe is met at the last flush
        env = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, "DATABASE_URL": database}
        done = subprocess.run([KANAL, *command], env=env, stdout=write, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    assert done.returncode == 1
    assert re.fullmatch(said, done.stderr), done.stderr
