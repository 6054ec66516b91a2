"""Ctrl-C (SIGINT) and SIGTERM during `kanal import`: a request to stop, honoured between two
batches (`app.imports.run`), never a KeyboardInterrupt. From the command's first line
(`catch_early`, before its modules load: about a second) a signal is kept until the loop
(`Caught`) takes it, so a stop at start-up prints its position as a later one does. This
module imports `signal` alone: it is loaded first, while a Ctrl-C may already come."""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import threading

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_early: list[int] = []  # the signals kept since `catch_early`


def catch_early() -> None:
    """From now on SIGINT and SIGTERM are kept for the import's loop (`Caught`), where they
    raised KeyboardInterrupt (a traceback) or ended the process."""
    for signum in SIGNALS:
        signal.signal(signum, lambda signum, _: _early.append(signum))


class Caught:
    """Within (`with Caught(stop):`): SIGINT and SIGTERM set `stop`, as does one kept since
    `catch_early`. The handlers there were are put back on the way out."""

    def __init__(self, stop: threading.Event):
        self.stop = stop
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> None:
        for signum in SIGNALS:
            self.previous[signum] = signal.signal(signum, lambda *_: self.stop.set())
        if _early:  # after the handlers above: a signal in between is not lost
            self.stop.set()

    def __exit__(self, *_: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
