"""Run the real `kanal` CLI and server as subprocesses, as an operator would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx

KANAL = str(Path(sys.executable).with_name("kanal"))


def kanal(database_url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run([KANAL, *args], env=env, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"kanal {' '.join(args)} failed: {result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`kanal serve` on a free loopback port; stopped with SIGKILL, SIGTERM or SIGINT. What it writes
    on stderr (and with `access_log`, uvicorn's access log on its stdout: the path of each
    request as received) is drained into `lines` by threads, so that a burst of output can
    neither fill a pipe and stall the server nor be lost; the pipes are closed once it stops."""

    def __init__(
        self, database_url: str, workers: int = 1, env: dict[str, str] | None = None, access_log: bool = False
    ):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
        self.process = subprocess.Popen(
            [KANAL, "serve", "--port", str(self.port), "--workers", str(workers), *(["--access-log"] * access_log)],
            env=env,
            stdout=subprocess.PIPE if access_log else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.lines: list[str] = []
        streams = [stream for stream in (self.process.stderr, self.process.stdout) if stream is not None]
        self._drains = [
            (threading.Thread(target=self._read, args=(stream,), daemon=True), stream) for stream in streams
        ]
        for drain, _stream in self._drains:
            drain.start()
        self._wait_ready()

    def _read(self, stream: IO[bytes]) -> None:
        for line in stream:
            self.lines.append(line.decode(errors="replace"))

    @property
    def output(self) -> str:
        """Everything the server wrote so far (stderr, and the access log if asked)."""
        return "".join(self.lines)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._closed()
                raise AssertionError(f"server exited: {self.output}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        self._closed()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._closed()

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT, then the exit status once the server has shut down."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.stop()  # killed if it never stopped

    def _closed(self) -> None:
        """The process is gone: read what its pipes still hold, then close them."""
        for drain, stream in self._drains:
            drain.join(timeout=5)
            if not drain.is_alive():  # closing a stream another thread reads would wait for that read
                stream.close()
