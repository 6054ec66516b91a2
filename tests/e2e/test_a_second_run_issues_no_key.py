"""Issue 13: `scripts/run` checks its port (KANAL_HOST / KANAL_PORT) before anything else, so a
second run while the first is up stops at once with a clear message and issues no key (it once
printed a new key, failed to bind and left that key live)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.server import Server, free_port, kanal

ROOT = Path(__file__).resolve().parents[2]


def _run(database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "run")],
        env={**os.environ, "DATABASE_URL": database_url, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _keys(url: str) -> list[str]:
    return kanal(url, "keys", "list").stdout.strip().splitlines()[1:]


@pytest.fixture
def served(tmp_path: Path):
    """A database with store 123 and its one key, and `kanal serve` up on it (a first run)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    kanal(url, "db", "upgrade")
    kanal(url, "stores", "create", "--id", "123", "--name", "Demo shop", "--region", "FR")
    kanal(url, "keys", "create", "--store", "123", "--name", "demo")
    server = Server(url)
    try:
        yield url, server
    finally:
        server.stop()


def test_a_second_run_while_the_first_is_up_stops_and_issues_no_key(served) -> None:
    url, server = served
    before = _keys(url)
    result = _run(url, KANAL_PORT=str(server.port))
    assert result.returncode == 1
    assert result.stderr.startswith(f"scripts/run: cannot serve on 127.0.0.1:{server.port}: Address already in use.")
    assert "Is another scripts/run (or kanal serve) already up?" in result.stderr
    assert f"KANAL_PORT={server.port + 1} scripts/run" in result.stderr
    assert result.stderr.rstrip().endswith("No key was issued.")
    assert "KANAL_KEY" not in result.stdout
    assert _keys(url) == before  # no new key, live or revoked
    assert server.process.poll() is None  # the first run still serves


def test_a_port_held_by_anything_is_refused_before_setup(tmp_path: Path) -> None:
    """Nothing is set up: not even the database file is created."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = _run(f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}", KANAL_PORT=str(port))
    assert result.returncode == 1 and "No key was issued." in result.stderr
    assert not (tmp_path / "kanal.db").exists()


@pytest.mark.parametrize("port", ["abc", "0", "70000", "-1", "80 80"])
def test_a_port_that_is_no_port_is_refused(tmp_path: Path, port: str) -> None:
    result = _run(f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}", KANAL_PORT=port)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"scripts/run: KANAL_PORT={port!r} is not a port number (1-65535). No key was issued."
    )


def test_a_free_port_passes_the_check(tmp_path: Path) -> None:
    """The check alone (setup needs the network): a free port is not reported as taken."""
    port = free_port()
    script = (ROOT / "scripts" / "run").read_text()
    check = script[script.index("port_is_free() {") : script.index("\n}\n") + 3]
    result = subprocess.run(
        ["bash", "-c", f"{check}\nhost=127.0.0.1; port={port}; port_is_free && echo free"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "free\n", "")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_server_stopped_by_a_signal_keeps_its_key(tmp_path: Path, stop: signal.Signals) -> None:
    """uvicorn ends with the signal's status (143, 130): the server ran, so its key stays live
    (it was revoked, with `the server did not run`)."""
    url, port = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}", free_port()
    run = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "run")],
        env={**os.environ, "DATABASE_URL": url, "KANAL_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        server = subprocess.run(["pgrep", "-P", str(run.pid)], capture_output=True, text=True).stdout.split()
        assert len(server) == 1, server
        os.kill(int(server[0]), stop)
        _out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
    assert "did not run" not in err
    keys = _keys(url)
    assert len(keys) == 1 and len(keys[0].split()) == 6, (
        keys
    )  # prefix, mode, "store 123", name, created: no revoked time
