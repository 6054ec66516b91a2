"""A `kanal` command whose reader goes away (`kanal webhooks add … | head -1`, a closed pipe)
ends with exit status 1 and nothing on stderr: it printed a BrokenPipeError traceback (Python's
"Note on SIGPIPE"). Every command that prints on success, its stdout a pipe already closed."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.server import KANAL

COMMANDS = {
    "webhooks add": ["webhooks", "add", "--store", "5", "--url", "http://127.0.0.1:9/hook"],
    "keys create": ["keys", "create", "--store", "5", "--name", "cut"],
    "stores list": ["stores", "list"],
    "stores create": ["stores", "create", "--id", "6", "--name", "Y", "--region", "FR"],
}


@pytest.fixture
def database(tmp_path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([KANAL, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([KANAL, "stores", "create", "--id", "5", "--name", "X", "--region", "FR"], env=env, check=True)
    return url


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS)
def test_a_closed_pipe_ends_the_command_quietly(database: str, command: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    try:
        # buffered as in a shell (this one may run unbuffered): the pipe is met at the last flush
        env = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, "DATABASE_URL": database}
        done = subprocess.run([KANAL, *command], env=env, stdout=write, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")
