"""SQLite reads that never stall the event loop, and small reads that stay as fast as inline.

A read (`Database.read`) first runs inline on the event loop, on the loop's own read
connection, under an instruction budget (`INLINE_STEPS` SQLite VM steps, counted by a
progress handler). Nearly every read ends within it: a key and store for authorisation, one
order with its lines, a page of 50 (measured: tens to a few thousand steps; the thread hop
they would otherwise pay costs more than the whole read). A read past it is interrupted where
it stands and runs again from the start on one of the reader threads (reads change nothing,
so running one again is safe): `storeStats` over months, a search scanning most orders. Each
reader thread owns its connection (WAL: readers never wait for the writer or each other) and
sqlite3 releases the GIL while a statement runs, so the loop goes on taking requests and
committing writes meanwhile. The heavy read pays the few inline milliseconds twice at most.

Reader threads run at a lower CPU priority (nice +10, where the OS allows it): on a machine
with few cores the loop thread, which answers every request, gets the CPU first.

A read on a thread has a time budget (`KANAL_READ_TIMEOUT`), counted from when it is queued:
past it the thread's statement is interrupted (`sqlite3_interrupt`, safe from any thread) and
the read raises `ReadTimedOut`. A read whose caller is cancelled (a client gone) is
interrupted too. The inline pass needs no timer: its instruction budget bounds it.

Measured (scripts/bench_mixed.py, README "Performance"): ingest p99 with two dashboards
looping `storeStats` and a search over 100,000 orders, against ingest p99 alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from .read_budget import ReadTimedOut

T = TypeVar("T")

# The progress handler runs every STEP VM instructions; a read inline gets INLINE_STEPS.
STEP = 1000
INLINE_STEPS = 20_000
# How often an interrupt is sent again while a stopped read has not ended: sqlite3_interrupt
# between two statements of a read is forgotten when the next one starts.
REPEAT_INTERRUPT_SECONDS = 0.05
READER_NICE = 10


class _MovedOff(Exception):
    """The inline pass ran past its instruction budget: run the read on a thread."""


@dataclass(eq=False)
class _Job:
    work: Callable[..., Any]
    args: tuple[Any, ...]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    lock: threading.Lock = field(default_factory=threading.Lock)
    raw: Any = None  # the sqlite3 connection while the job runs
    stopped: bool = False
    timed_out: bool = False
    finished: bool = False

    def stop(self, timed_out: bool) -> None:
        """Interrupt the job (from the loop): now, and again until it has ended."""
        with self.lock:
            if self.finished:
                return
            self.stopped = True
            self.timed_out = self.timed_out or timed_out
            if self.raw is not None:
                self.raw.interrupt()
        self.loop.call_later(REPEAT_INTERRUPT_SECONDS, self.stop, False)


class Readers:
    """Runs read work on SQLite: inline first, past `inline_steps` VM instructions on one of
    `threads` reader threads, each with its own connection from `engine` (whose pool must
    hold `threads + 1` connections). `timeout` seconds (0: none) bound a read on a thread."""

    def __init__(self, engine: Engine, threads: int, timeout: float, inline_steps: int = INLINE_STEPS):
        self._engine = engine
        self._thread_count = max(1, threads)
        self._timeout = timeout
        self._inline_calls = max(0, inline_steps // STEP)
        self._inline_conn: Connection | None = None
        self._calls_left = 0
        self._moved = False
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    async def read(self, work: Callable[..., T], *args: Any) -> T:
        """`work(conn, *args)`'s value; raises what it raises, or `ReadTimedOut`."""
        if self._inline_calls:
            try:
                return self._inline(work, args)
            except _MovedOff:
                pass
        return await self._on_thread(work, args)

    def _inline(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        conn = self._inline_connection()
        self._calls_left, self._moved = self._inline_calls, False
        try:
            return work(conn, *args)
        except Exception:
            if self._moved:
                raise _MovedOff from None
            raise
        finally:
            self._calls_left = self._inline_calls
            conn.rollback()  # no BEGIN was sent: this only resets SQLAlchemy's bookkeeping

    def _inline_connection(self) -> Connection:
        if self._inline_conn is None:
            conn = self._engine.connect()
            conn.connection.dbapi_connection.set_progress_handler(self._progress, STEP)  # type: ignore[union-attr]
            self._inline_conn = conn
        return self._inline_conn

    def _progress(self) -> int:
        """Non-zero aborts the statement (SQLITE_INTERRUPT): the inline budget is spent."""
        self._calls_left -= 1
        if self._calls_left >= 0:
            return 0
        self._moved = True
        return 1

    async def _on_thread(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        if not self._threads:
            self._start()
        loop = asyncio.get_running_loop()
        job = _Job(work, args, loop, loop.create_future())
        self._jobs.put(job)
        timer = loop.call_later(self._timeout, job.stop, True) if self._timeout > 0 else None
        try:
            return await job.future
        except asyncio.CancelledError:
            job.stop(False)  # the caller is gone: free the thread
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def _start(self) -> None:
        for number in range(self._thread_count):
            thread = threading.Thread(target=self._serve, name=f"kanal-reader-{number}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self) -> None:
        with contextlib.suppress(OSError, AttributeError):  # not every OS lets a thread be niced
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), READER_NICE)
        conn = self._engine.connect()
        raw = conn.connection.dbapi_connection
        try:
            while (job := self._jobs.get()) is not None:
                self._run(conn, raw, job)
        finally:
            conn.close()

    def _run(self, conn: Connection, raw: Any, job: _Job) -> None:
        with job.lock:
            stopped, job.raw = job.stopped, raw
        ok, value = False, None
        if not stopped:
            try:
                ok, value = True, job.work(conn, *job.args)
            except BaseException as exc:
                value = exc
            finally:
                conn.rollback()
        with job.lock:
            job.raw, job.finished = None, True
            if not ok and job.stopped:
                value = ReadTimedOut(self._timeout) if job.timed_out else asyncio.CancelledError()
        job.loop.call_soon_threadsafe(_settle, job.future, ok, value)

    def close(self) -> None:
        """End the reader threads (each finishes its current read) and close the connections."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(timeout=max(self._timeout, 1.0) + 5)
        self._threads = []
        if self._inline_conn is not None:
            self._inline_conn.close()
            self._inline_conn = None


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.cancelled():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
