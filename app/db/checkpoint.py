"""WAL checkpoints on a thread of their own.

SQLite appends each commit to the write-ahead log; a checkpoint copies those pages into the
database file. By default the connection that commits runs it, on the event loop. Here the
writer only commits and this thread checkpoints on its own connection: SQLite releases the
GIL meanwhile, so the copy runs beside request handling instead of inside it. PASSIVE mode
never blocks the writer or the readers.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger("kanal.db")

# At most one checkpoint per interval: each one syncs the log and the database file, so
# fewer, larger ones (a few thousand pages under load) cost less than one per commit.
INTERVAL_SECONDS = 0.1


class Checkpointer:
    def __init__(self, uri: str, busy_timeout_ms: int):
        self._uri = uri  # a SQLite URI that opens the database without creating it (database.py)
        self._busy_timeout_ms = busy_timeout_ms
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        """Ask for a checkpoint soon (cheap: called after every commit)."""
        if self._thread is None or not self._thread.is_alive():  # not started, or found no file
            self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
            self._thread.start()
        self._wake.set()

    def stop(self) -> None:
        if self._thread is not None:
            self._stopping.set()
            self._wake.set()
            self._thread.join()
            self._thread = None
            self._stopping.clear()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self._uri, isolation_level=None, check_same_thread=False, uri=True)
        except sqlite3.Error as exc:  # the file gone: the writes say so; the next request tries again
            log.warning("WAL checkpoint failed: %s", exc)
            return
        try:
            conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping.is_set():
                    return
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # the next request tries again
                    log.warning("WAL checkpoint failed: %s", exc)
                self._stopping.wait(INTERVAL_SECONDS)
        finally:
            conn.close()
