"""`kanal serve` and `kanal worker` stop at once, in one line, exit 1, on a database that is not
there or has no Kanal tables, as every other `kanal` command does (README, The `kanal`
command). `kanal serve` run outside the checkout made an empty `var/kanal.db` and served,
each request and each in-process worker pass failing, a traceback logged every second;
`kanal worker` on a database never upgraded logged one every second, never stopping."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import postgres
from tests.server import KANAL, free_port

AGAIN = "run `kanal db upgrade` first, or run kanal where the service's database is (same directory, or the same DATABASE_URL)."


@contextmanager
def _empty_database(engine: str, tmp_path: Path) -> Iterator[str]:
    """A database that answers, with no table."""
    if engine == "sqlite":
        (tmp_path / "empty.db").write_bytes(b"")
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    else:
        with postgres.scratch_database() as url:
            yield url


def _kanal(command: str, url: str | None, cwd: Path) -> tuple[int, str, str]:
    env = {**os.environ, "KANAL_REQUEST_LOG": "off"}
    env.pop("DATABASE_URL", None)
    if url is not None:
        env["DATABASE_URL"] = url
    argv = [KANAL, "serve", "--port", str(free_port())] if command == "serve" else [KANAL, "worker"]
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=30)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_no_database_file_stops_it_and_makes_none(command, tmp_path):
    answer = _kanal(command, None, tmp_path)
    assert answer == (1, "", f"error: there is no database at ./var/kanal.db: {AGAIN}\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("engine", postgres.engines_under_test())
@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_database_without_the_tables_stops_it(command, engine, tmp_path):
    with _empty_database(engine, tmp_path) as url:
        answer = _kanal(command, url, tmp_path)
    assert answer == (1, "", f"error: the database {url} has no Kanal tables: {AGAIN}\n")
