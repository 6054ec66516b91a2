"""Metrics across the processes of `kanal serve --workers N` (prometheus-client's multiprocess
mode): each process counts into files in PROMETHEUS_MULTIPROC_DIR, and /metrics, answered by
any one of them, adds them up.

`kanal serve --workers N` (N > 1) with the variable unset makes a fresh temporary folder for
the run and removes it at exit. Set, the folder is the operator's: used as it is, so that a
`kanal worker` on the same machine can count into it too (empty it before the service starts,
e.g. a tmpfs; files of earlier runs would be added to this run's counts). Never emptied here:
a live `kanal worker`'s files, maybe of another container whose processes this one cannot see,
look like those of a process gone, and a file removed under a live process loses its counts
(README, "Metrics and the request log"). With one process and the variable unset, counts stay
in memory."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


@contextlib.contextmanager
def shared_metrics(workers: int) -> Iterator[Path | None]:
    """Around the server's run: yields the folder the processes count into (None: in memory).
    Must run before prometheus-client is imported by the processes that count."""
    configured = os.environ.get(MULTIPROC_DIR)
    if configured:
        folder = Path(configured)
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    if workers <= 1:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="kanal-metrics-"))
    os.environ[MULTIPROC_DIR] = str(folder)
    try:
        yield folder
    finally:
        os.environ.pop(MULTIPROC_DIR, None)
        shutil.rmtree(folder, ignore_errors=True)
