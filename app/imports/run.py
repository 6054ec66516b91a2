"""The import loop: records in batches to a sink, in file order; a refused record's line in
the report; after each batch the position confirmed in the state file (written whole, then
renamed: a kill leaves the previous or the next, never half of one). `--resume` starts after
that position: a batch sent but not confirmed is sent again, which the upsert makes harmless
(a replay changes nothing and records no event). Ctrl-C (SIGINT) or SIGTERM stops after the
batch in flight, its position confirmed and printed."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from . import sources, stopping
from .sinks import ImportFailed, Outcome
from .sources import Record


class Sink(Protocol):
    async def send(self, records: list[Record]) -> list[Outcome]: ...
    async def close(self) -> None: ...


@dataclass
class State:
    """What a run confirmed: every record up to `line` was answered. Kept next to the report
    as `<report>.state` (JSON)."""

    source: str
    store: int
    resource: str
    line: int = 0
    created: int = 0
    updated: int = 0  # answered 200: replaced or replayed (the API does not tell the two apart)
    stale: int = 0
    refused: int = 0

    @property
    def done(self) -> int:
        return self.created + self.updated + self.stale + self.refused


@dataclass
class Job:
    """One `kanal import`: the file and its format, the store and resource, the report path,
    records per batch, whether to resume."""

    path: Path
    kind: str
    store: int
    resource: str
    report: Path
    batch_size: int = 1000
    resume: bool = False
    stop: threading.Event = field(default_factory=threading.Event)  # set by a signal (`stopping`)

    @property
    def state_path(self) -> Path:
        return self.report.with_name(self.report.name + ".state")


class RecordsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} records/s" if speed else "… records/s")


def load_state(job: Job) -> State:
    """The state a previous run left (with --resume), else a fresh one. Raises ImportFailed when
    it was left by an import of another file, store or resource."""
    fresh = State(source=str(job.path.resolve()), store=job.store, resource=job.resource)
    if not job.resume or not job.state_path.exists():
        return fresh
    state = State(**json.loads(job.state_path.read_text()))
    if (state.source, state.store, state.resource) != (fresh.source, fresh.store, fresh.resource):
        raise ImportFailed(
            f"{job.state_path} is the state of importing {state.source} as {state.resource} of store {state.store}."
        )
    return state


def save_state(job: Job, state: State) -> None:
    temporary = job.state_path.with_name(job.state_path.name + ".tmp")
    temporary.write_text(json.dumps(asdict(state)))
    os.replace(temporary, job.state_path)


def _batches(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def run(job: Job, sink: Sink, console: Console) -> State:
    """Import the file; returns the state reached (the whole file, or where a stop came)."""
    state = load_state(job)
    total = sources.count(job.path, job.kind)
    mode = "a" if job.resume else "w"
    records = (r for r in sources.read(job.path, job.kind) if r.line > state.line)
    progress = Progress(
        TextColumn(f"{job.resource} "),
        BarColumn(),
        MofNCompleteColumn(),
        RecordsPerSecond(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
    )
    with stopping.Caught(job.stop), job.report.open(mode, encoding="utf-8") as report, progress:
        if not job.resume:  # a stop before the first batch: --resume starts from line 0, as printed
            save_state(job, state)
        task = progress.add_task(job.resource, total=total, completed=state.done)
        for batch in _batches(records, job.batch_size):
            if job.stop.is_set():  # before a batch: a stop at start-up sends none
                break
            await _send(batch, sink, state, report)
            report.flush()
            save_state(job, state)
            progress.update(task, completed=state.done)
    return state


async def _send(batch: list[Record], sink: Sink, state: State, report: Any) -> None:
    readable = [record for record in batch if record.data is not None]
    outcomes = iter(await sink.send(readable) if readable else [])
    for record in batch:
        if record.data is None:
            _refused(report, record, Outcome(422, message=record.error, errors={"": [record.error or ""]}))
            state.refused += 1
            continue
        outcome = next(outcomes)
        if outcome.status == 422:
            _refused(report, record, outcome)
            state.refused += 1
        elif outcome.stale:
            state.stale += 1
        elif outcome.status == 201:
            state.created += 1
        else:
            state.updated += 1
    state.line = batch[-1].line


def _refused(report: Any, record: Record, outcome: Outcome) -> None:
    external_id = record.data.get("external_id") if record.data else None
    line = {"line": record.line, "external_id": external_id, "message": outcome.message, "errors": outcome.errors}
    report.write(json.dumps(line, default=str) + "\n")
