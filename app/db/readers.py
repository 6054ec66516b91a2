"""SQLite reads off the event loop: a lane for small reads, a lane for large ones.

Every read (`Database.read`) runs on a reader thread with a connection of its own (WAL:
readers never wait for the writer or each other); sqlite3 releases the GIL while a statement
runs, so the loop goes on taking requests and committing writes meanwhile.

- The small lane runs every read first, under a budget of SQLite VM steps
  (`KANAL_SQLITE_SMALL_READ_STEPS`, counted by a progress handler). Nearly every read ends
  within it: a key and store for authorisation, one order, a page of 50 (measured: tens to a
  few thousand steps).
- A read past it is interrupted where it stands and runs again from the start on the large
  lane (reads change nothing, so running one again is safe): `storeStats` over months, a
  search scanning most orders. So a cheap read never queues behind a dashboard's heavy ones.
  Large-lane threads run at a lower CPU priority (nice +10, where the OS allows it): on a
  machine with few cores the loop thread, which answers every request, gets the CPU first.

Inline or on a thread? Measured with scripts/bench_point_reads.py (README "Benchmarks"; 32
connections, alternating rounds): small reads inline on the loop (under the same step
budget) served fewer requests than on the small lane, GET of one order 0.72x (p99 272 ms
against 82 ms), a GraphQL page of 20 orders 0.83x (p99 3.8 s against 0.9 s): on a thread a
read's SQLite work overlaps with the loop's own, and the loop turns between requests. So
reads run inline only when `KANAL_SQLITE_INLINE_READ_STEPS` is set (for a machine where the
thread hop measures dearer), and past that budget on the large lane.

A read has a time budget (`KANAL_READ_TIMEOUT`), counted from when it is asked for, its wait
for a reader thread included. When it is spent the loop answers the caller `ReadTimedOut`
there and then, and interrupts the statement (`sqlite3_interrupt`, safe from any thread),
again and again until the thread lets go of it; a read still queued never runs. The caller
does not wait for the thread: a thread winding down late (a large-lane thread at nice +10 on
a busy machine, Python work between two statements, which no interrupt reaches) or busy with
an earlier read would add its delay to the answer. A read whose caller is cancelled (a client
gone) is interrupted too.
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

# The progress handler runs every STEP VM steps; budgets are whole multiples of it.
STEP = 1000
SMALL_READ_STEPS = 20_000
# How often an interrupt is sent again while a stopped read has not ended: sqlite3_interrupt
# between two statements of a read is forgotten when the next one starts.
REPEAT_INTERRUPT_SECONDS = 0.05
LARGE_LANE_NICE = 10


class _StepBudget:
    """A progress handler that aborts the statement (non-zero: SQLITE_INTERRUPT) once `steps`
    VM steps have run since `reset`; `spent` tells that it did."""

    def __init__(self, steps: int):
        self.calls = max(1, steps // STEP)
        self.left = self.calls
        self.spent = False

    def reset(self) -> None:
        self.left, self.spent = self.calls, False

    def __call__(self) -> int:
        self.left -= 1
        if self.left >= 0:
            return 0
        self.spent = True
        return 1


@dataclass(eq=False)
class _Job:
    work: Callable[..., Any]
    args: tuple[Any, ...]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    lock: threading.Lock = field(default_factory=threading.Lock)
    raw: Any = None  # the sqlite3 connection while the job runs
    stopped: bool = False
    finished: bool = False

    def stop(self) -> None:
        """Interrupt the job (from the loop): now, and again until it has ended. Its caller has
        its answer already (ReadTimedOut, or it was cancelled): whatever the work ends with is
        dropped."""
        with self.lock:
            if self.finished:
                return
            self.stopped = True
            if self.raw is not None:
                self.raw.interrupt()
        self.loop.call_later(REPEAT_INTERRUPT_SECONDS, self.stop)

    def time_out(self, seconds: float) -> None:
        """The budget is spent (on the loop): answer the caller now, then stop the work."""
        settle(self.future, False, ReadTimedOut(seconds))
        self.stop()


class _Lane:
    """`threads` reader threads taking jobs from one queue, each on its own connection; with
    `steps`, a job past that many VM steps is handed to `overflow` instead of answered."""

    def __init__(self, name: str, readers: Readers, threads: int, steps: int = 0, nice: int = 0):
        self.name = name
        self._readers = readers
        self._thread_count = threads
        self._steps = steps
        self._nice = nice
        self.overflow: _Lane | None = None
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._starting = threading.Lock()  # the loop and the small lane's threads put jobs here

    def put(self, job: _Job) -> None:
        if not self._threads:
            with self._starting:
                for number in range(len(self._threads), self._thread_count):
                    name = f"kanal-{self.name}-reader-{number}"
                    thread = threading.Thread(target=self._serve, name=name, daemon=True)
                    thread.start()
                    self._threads.append(thread)
        self._jobs.put(job)

    def _serve(self) -> None:
        if self._nice:
            with contextlib.suppress(OSError, AttributeError):  # not every OS lets a thread be niced
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self._nice)
        conn: Connection | None = None
        budget = _StepBudget(self._steps) if self._steps else None
        try:
            while (job := self._jobs.get()) is not None:
                if conn is None:
                    try:
                        conn = self._readers.connect()
                    except Exception as exc:  # e.g. the file cannot be opened: this read fails, not the thread
                        _finish(job, False, exc)
                        continue
                    if budget is not None:
                        conn.connection.dbapi_connection.set_progress_handler(budget, STEP)  # type: ignore[union-attr]
                self._run(conn, conn.connection.dbapi_connection, budget, job)
        finally:
            if conn is not None:
                conn.close()

    def _run(self, conn: Connection, raw: Any, budget: _StepBudget | None, job: _Job) -> None:
        with job.lock:
            stopped, job.raw = job.stopped, raw
        ok, value = False, None
        if not stopped:
            if budget is not None:
                budget.reset()
            try:
                ok, value = True, job.work(conn, *job.args)
            except BaseException as exc:
                value = exc
            finally:
                conn.rollback()  # no BEGIN was sent: this only resets SQLAlchemy's bookkeeping
        with job.lock:
            job.raw = None
            if not ok and budget is not None and budget.spent and not job.stopped and self.overflow is not None:
                self.overflow.put(job)  # a large read: from the start, on the large lane
                return
        _finish(job, ok, value)  # a stopped job's caller is answered already: dropped

    def close(self) -> None:
        """End the threads, each after its current job."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join(timeout=max(self._readers.timeout, 1.0) + 5)
        self._threads = []


class Readers:
    """Runs read work on SQLite: on the small lane (`threads` threads, `small_steps` VM steps
    each read), past that on the large lane (`threads` threads); or, with `inline_steps`,
    inline on the loop within that many steps. Connections come from `engine`, whose pool
    must hold `2 * threads + 1`. `timeout` seconds (0: none) bound each read."""

    def __init__(
        self, engine: Engine, threads: int, timeout: float, small_steps: int = SMALL_READ_STEPS, inline_steps: int = 0
    ):
        self._engine = engine
        self.timeout = timeout
        self._large = _Lane("large", self, max(1, threads), nice=LARGE_LANE_NICE)
        self._small = _Lane("small", self, max(1, threads), steps=max(STEP, small_steps))
        self._small.overflow = self._large
        self._inline = _StepBudget(inline_steps) if inline_steps > 0 else None
        self._inline_conn: Connection | None = None

    def connect(self) -> Connection:
        return self._engine.connect()

    async def read(self, work: Callable[..., T], *args: Any) -> T:
        """`work(conn, *args)`'s value; raises what it raises, or `ReadTimedOut`."""
        lane = self._small
        if self._inline is not None:
            try:
                return self._run_inline(self._inline, work, args)
            except _Large:
                lane = self._large
        loop = asyncio.get_running_loop()
        job = _Job(work, args, loop, loop.create_future())
        lane.put(job)
        timer = loop.call_later(self.timeout, job.time_out, self.timeout) if self.timeout > 0 else None
        try:
            return await job.future
        except asyncio.CancelledError:
            job.stop()  # the caller is gone: free the thread
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def _run_inline(self, budget: _StepBudget, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        if self._inline_conn is None:
            self._inline_conn = self.connect()
            self._inline_conn.connection.dbapi_connection.set_progress_handler(budget, STEP)  # type: ignore[union-attr]
        conn = self._inline_conn
        budget.reset()
        try:
            return work(conn, *args)
        except Exception:
            if budget.spent:
                raise _Large from None
            raise
        finally:
            conn.rollback()

    def close(self) -> None:
        """End the reader threads (each finishes its current read) and close the connections."""
        self._small.close()
        self._large.close()
        if self._inline_conn is not None:
            self._inline_conn.close()
            self._inline_conn = None


class _Large(Exception):
    """The inline pass ran past its step budget: run the read on the large lane."""


def _finish(job: _Job, ok: bool, value: Any) -> None:
    """Answer the job's caller on its loop (from any thread)."""
    with job.lock:
        job.finished = True
    job.loop.call_soon_threadsafe(settle, job.future, ok, value)


def settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    """Give `future` its result (`ok`) or exception `value`, unless it has one already (a read
    answered at its time budget) or its caller gave up on it. Runs on the future's loop
    (call_soon / call_soon_threadsafe)."""
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
