"""PgBouncer in front of the local PostgreSQL, as an operator puts a connection pooler there.

`pooled(url)` starts a PgBouncer of its own on a free loopback port, in session pooling (a
client keeps its server connection until it disconnects; the pooler then resets it with DISCARD
ALL), trusting every user as the local server does, and gives `url` as reached through it.
PgBouncer refuses to run as root: under root it runs as the `postgres` user the PostgreSQL
package made. scripts/setup --test installs it (Debian's package)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.server import free_port

PGBOUNCER = "/usr/sbin/pgbouncer"


def _config(directory: Path, port: int, server_host: str, server_port: int) -> Path:
    (directory / "users.txt").write_text('"postgres" ""\n"root" ""\n')
    config = directory / "pgbouncer.ini"
    config.write_text(
        "[databases]\n"
        f"* = host={server_host} port={server_port}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = trust\n"
        f"auth_file = {directory}/users.txt\n"
        "pool_mode = session\n"
        "max_client_conn = 200\n"
        "default_pool_size = 50\n"
        f"logfile = {directory}/pgbouncer.log\n"
    )
    return config


@contextlib.contextmanager
def pooled(url: str) -> Iterator[str]:
    """`url` (postgresql+asyncpg://…) reached through a PgBouncer of its own, stopped after."""
    server = make_url(url)
    port = free_port()
    directory = Path(tempfile.mkdtemp(prefix="kanal-pgbouncer-"))
    config = _config(directory, port, server.host or "127.0.0.1", server.port or 5432)
    command = [PGBOUNCER, str(config)]
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        for path in directory.iterdir():
            shutil.chown(path, "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_listening(port, process, directory)
        yield server.set(port=port).render_as_string(hide_password=False)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)


def _wait_listening(port: int, process: subprocess.Popen[bytes], directory: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (
                (directory / "pgbouncer.log").read_text(errors="replace")
                if (directory / "pgbouncer.log").exists()
                else ""
            )
            raise AssertionError(f"pgbouncer exited: {process.stderr.read().decode() if process.stderr else ''}{log}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("pgbouncer did not listen")
