"""README "Importing a shop's history": with `--url`, a batch the server answers `503` with
`Retry-After` (README "When the database is unavailable": here SQLite's write lock held by
another process past the busy timeout, or a PostgreSQL database refusing connections as while
it restarts) is sent again once the wait asked for is over, each wait said in one line: the
import goes on when the database is back, every record written once; past `UNAVAILABLE_WAITS`
waits for one batch it stops, its position confirmed for `--resume`; Ctrl-C during the wait
stops at once. It stopped the whole import at the first 503 ("answered 503 … Stopped after line
0"). The server is the real app, `kanal serve` or in this process, on each engine."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from rich.console import Console
from sqlalchemy.engine import make_url

from app.config import Settings
from app.imports import run
from app.imports.sinks import UNAVAILABLE_WAITS, ImportFailed, ImportStopped, OverHttp
from app.imports.sources import Record
from app.main import create_app
from tests import postgres
from tests.imports.files import order, records, start_import, write_jsonl
from tests.realserver import LiveServer, Prepared, read_tables

BUSY_TIMEOUT_MS = 200  # a SQLite write waits this long for the lock, then is answered 503
SERVER_ENV = {"KANAL_SQLITE_BUSY_TIMEOUT_MS": str(BUSY_TIMEOUT_MS)}


def _wait_line(endpoint: str, line: int, wait: int) -> str:
    return (
        f"warning: {endpoint} answered 503 (unavailable for now): sending the batch from line {line:,} "
        f"again in 5 s (wait {wait} of {UNAVAILABLE_WAITS})"
    )


class Outage:
    """The database of `url` unable to serve writes until `end`: on SQLite another process's
    write holding the lock; on PostgreSQL the database refusing connections (as while it
    restarts: `ALLOW_CONNECTIONS false`), the ones open ended."""

    def __init__(self, url: str):
        self.url = make_url(url)
        self.lock: sqlite3.Connection | None = None
        self.on = False

    async def begin(self) -> None:
        if self.url.get_backend_name() == "sqlite":
            self.lock = sqlite3.connect(self.url.database or "", isolation_level=None)
            self.lock.execute("BEGIN IMMEDIATE")
        else:
            name = self.url.database
            await self._admin(
                f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false',
                f"SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = '{name}'",
            )
        self.on = True

    async def end(self) -> None:
        if self.lock is not None:
            self.lock.execute("ROLLBACK")
            self.lock.close()
            self.lock = None
        elif self.url.get_backend_name() != "sqlite":
            await self._admin(f'ALTER DATABASE "{self.url.database}" ALLOW_CONNECTIONS true')
        self.on = False

    @staticmethod
    async def _admin(*statements: str) -> None:
        admin = make_url(postgres.SERVER_URL).set(drivername="postgresql")
        conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()


@asynccontextmanager
async def outage_of(url: str) -> AsyncIterator[Outage]:
    """An `Outage` of `url`, ended on the way out if still on."""
    outage = Outage(url)
    try:
        yield outage
    finally:
        if outage.on:
            await outage.end()


def _until_answered_503(server: LiveServer) -> None:
    """Until the server has answered a batch 503 (its request log's line; not the warning line,
    which its worker's pass also logs)."""
    for _ in range(600):
        if any('"/api/v1/stores/{store_id}/orders/batch","status":503' in line for line in server.stderr.splitlines()):
            return
        time.sleep(0.05)
    raise AssertionError(f"no 503 in 30 s: {server.stderr[-2000:]}")


@asynccontextmanager
async def importing_while_down(
    prepared: Prepared, source: Path
) -> AsyncIterator[tuple[LiveServer, subprocess.Popen[str], Outage]]:
    """`kanal serve` on a database that cannot serve writes, and `kanal import --url` of `source`
    to it (batches of 2) once the server has answered its first batch 503."""
    server = LiveServer(prepared.url, env=SERVER_ENV)
    try:
        async with outage_of(prepared.url) as outage:
            await outage.begin()
            process = start_import(
                prepared.url, source, "--store", "123", "--resource", "orders", "--batch-size", "2",
                "--url", server.base_url, "--key", prepared.key,
            )  # fmt: skip
            try:
                _until_answered_503(server)
                yield server, process, outage
            finally:
                if process.poll() is None:
                    process.kill()
    finally:
        server.stop()


async def test_a_batch_answered_503_is_sent_again_once_the_database_is_back(prepared: Prepared, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "o.jsonl", [order(n) for n in range(3)])
    async with importing_while_down(prepared, source) as (server, process, outage):
        await outage.end()  # back within the 5 s asked for
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err[-2000:]
    endpoint = f"{server.base_url}/api/v1/stores/123/orders/batch"
    assert [line for line in err.splitlines() if "503" in line] == [_wait_line(endpoint, 1, 1)], (
        f"import:\n{err[-2000:]}\nserver:\n{server.stderr[-2000:]}"
    )
    summary = f"{records(3)} in "
    assert out.startswith(summary) and "): 3 created, 0 replaced or replayed, 0 stale, 0 refused" in out, out
    assert (tmp_path / "o.jsonl.report.jsonl").read_text() == ""
    rows = (await read_tables(prepared.url, "orders"))["orders"]
    assert [row["external_id"] for row in rows] == ["H-0", "H-1", "H-2"]  # each written once


async def test_ctrl_c_while_the_database_is_unavailable_stops_with_the_position(
    prepared: Prepared, tmp_path: Path
) -> None:
    source = write_jsonl(tmp_path / "o.jsonl", [order(n) for n in range(3)])
    async with importing_while_down(prepared, source) as (_server, process, _outage):
        time.sleep(0.5)  # the 503 read, its 5 s wait begun
        os.kill(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=4)  # not after the wait: at once
    assert (process.returncode, "Traceback" in err) == (130, False), err[-2000:]
    assert out.splitlines()[-1] == "Stopped after line 0. Run the same command with --resume to go on from there."
    assert (await read_tables(prepared.url, "orders"))["orders"] == []
    state = json.loads((tmp_path / "o.jsonl.report.jsonl.state").read_text())
    assert (state["line"], state["created"]) == (0, 0)  # where --resume goes on from


@asynccontextmanager
async def in_process(prepared: Prepared, stop: threading.Event, said: list[str]) -> AsyncIterator[OverHttp]:
    """An import's sink to the real app, in this process, on the prepared database."""
    app = create_app(Settings.from_env(database_url=prepared.url, sqlite_busy_timeout_ms=BUSY_TIMEOUT_MS))
    sink = OverHttp("http://kanal.test", prepared.key, 123, "orders", backfill=True, stop=stop, say=said.append)
    await sink.client.aclose()
    sink.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), headers=sink.client.headers)
    try:
        yield sink
    finally:
        await sink.close()
        await app.state.db.dispose()


async def test_past_its_waits_a_batch_stops_the_import_where_resume_goes_on(
    prepared: Prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database gone after the first batch, and not back within the waits: the import stops
    after line 2 (ImportFailed, whose `confirmed` the command prints), the state says so, and
    `--resume` writes the rest once the database is back."""
    source = write_jsonl(tmp_path / "o.jsonl", [order(n) for n in range(4)])
    report = tmp_path / "o.jsonl.report.jsonl"
    console = Console(file=io.StringIO())
    said: list[str] = []
    waited: list[float] = []

    async def wait(seconds: float) -> None:  # the seconds asked, none of them slept
        waited.append(seconds)

    async with outage_of(prepared.url) as outage, in_process(prepared, threading.Event(), said) as sink:
        monkeypatch.setattr(sink, "_wait", wait)

        async def down_after_the_first_batch(response: httpx.Response) -> None:
            if response.status_code == 200 and not outage.on and not said:
                await outage.begin()

        sink.client.event_hooks["response"].append(down_after_the_first_batch)
        with pytest.raises(ImportFailed) as failed:
            await run.run(
                run.Job(source, "jsonl", 123, "orders", report, "http://kanal.test", batch_size=2), sink, console
            )
        endpoint = "http://kanal.test/api/v1/stores/123/orders/batch"
        assert str(failed.value).startswith(
            f"{endpoint} answered 503 again after {UNAVAILABLE_WAITS} waits ({5 * UNAVAILABLE_WAITS} s of waiting in all): "
            '{"error":"The database is unavailable right now.'
        )
        assert failed.value.confirmed == 2
        assert (waited, said) == (
            [5.0] * UNAVAILABLE_WAITS,
            [_wait_line(endpoint, 3, n) for n in range(1, UNAVAILABLE_WAITS + 1)],
        )
        assert (
            run.load_state(run.Job(source, "jsonl", 123, "orders", report, "http://kanal.test", resume=True)).line == 2
        )
        await outage.end()
        _, state = await run.run(
            run.Job(source, "jsonl", 123, "orders", report, "http://kanal.test", batch_size=2, resume=True),
            sink,
            console,
        )
    assert (state.line, state.created, state.updated, state.refused) == (4, 4, 0, 0)
    rows = (await read_tables(prepared.url, "orders"))["orders"]
    assert [row["external_id"] for row in rows] == ["H-0", "H-1", "H-2", "H-3"]


async def test_a_stop_during_a_503_wait_stops_at_once(prepared: Prepared) -> None:
    stop = threading.Event()
    said: list[str] = []
    sent: list[httpx.Request] = []
    async with outage_of(prepared.url) as outage, in_process(prepared, stop, said) as sink:

        async def count(request: httpx.Request) -> None:
            sent.append(request)

        def say(line: str) -> None:  # the wait said: a Ctrl-C while it lasts
            said.append(line)
            asyncio.get_running_loop().call_later(0.3, stop.set)

        sink.client.event_hooks["request"].append(count)
        sink.say = say
        await outage.begin()
        began = time.monotonic()
        with pytest.raises(ImportStopped):
            await sink.send([Record(1, data=order(0))])
    assert (len(sent), len(said), time.monotonic() - began < 4) == (1, 1, True)  # not the 5 s asked
