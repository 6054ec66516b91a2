"""The import loop: records in batches to a sink, in file order; a refused record's line in
the report; after each batch the position confirmed in the state file (written whole, then
renamed: a kill leaves the previous or the next, never half of one), with the size and SHA-256
of the file's bytes up to that position. `--resume` refuses a file whose bytes up to there are
not those any more (replaced or edited; one only appended to goes on), and starts after that
position: a batch sent but not confirmed is sent again, which the upsert makes harmless
(a replay changes nothing and records no event); the report is cut back to what it held at
that position, so that the batch's refused lines are not written twice. Ctrl-C (SIGINT) or
SIGTERM stops after the batch in flight (or during a wait the server asked for, the batch not
sent), its position confirmed and printed."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol, get_args, get_type_hints

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from app.services.batches import answered_external_id

from . import sources, stopping
from .sinks import KINDS, ImportFailed, ImportStopped, Outcome
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
    # how the file was read, `jsonl` or `csv` (None: written before it was kept): a resume reads
    # it the same way, or would read its lines as other records
    format: str | None = None
    line: int = 0
    created: int = 0
    updated: int = 0  # answered 200: replaced or replayed (the API does not tell the two apart)
    stale: int = 0
    refused: int = 0
    # The file's first `line` lines as confirmed: their bytes and SHA-256 (`Prefix`). None in a
    # state written before they were kept, which --resume refuses (`load_state`).
    checked_bytes: int | None = None
    checked_sha256: str | None = None
    report_bytes: int | None = None  # the report's size at `line` (None: written before it was kept)

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
        return state_path_of(self.report)


def state_path_of(report: Path) -> Path:
    """The state file kept beside `report`: `<report>.state`."""
    return report.with_name(report.name + ".state")


class RecordsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} records/s" if speed else "… records/s")


class Prefix:
    """The file's bytes from its start to the end of physical line `line`, hashed as it moves
    forward: a resume checks them, and each confirmed batch adds only its own lines (one pass
    over the file). Lines end as `sources` numbers them (`kind`): a JSON Lines line at `\\n`;
    a CSV line at `\\n`, `\\r\\n` or a lone `\\r`, as the csv module reads its file (`newline=""`),
    so that a CSV saved with CR line ends (Excel's "CSV for Macintosh") or holding a CR in a
    quoted cell is checked up to the line its state names, not beyond it or past its end."""

    def __init__(self, path: Path, kind: str):
        # Latin-1 reads each byte as one character: the lines read are the file's bytes as they are.
        self.file: IO[bytes] | IO[str] = (
            path.open("rb") if kind == "jsonl" else path.open(encoding="latin-1", newline="")
        )
        self.line = 0
        self.size = 0
        self.sha256 = hashlib.sha256()

    def advance(self, line: int) -> bool:
        """Read on to the end of line `line`; False when the file ends before it."""
        while self.line < line:
            read = self.file.readline()
            if not read:
                return False
            raw = read.encode("latin-1") if isinstance(read, str) else read
            self.sha256.update(raw)
            self.size += len(raw)
            self.line += 1
        return True

    def close(self) -> None:
        self.file.close()


def load_state(job: Job, prefix: Prefix | None = None) -> State:
    """The state a previous run left (with --resume), else a fresh one. Raises ImportFailed when
    it was left by an import of another file, store or resource, or when the file's bytes up to
    the confirmed line are not the ones confirmed (the file replaced or edited since): resuming
    would skip lines never sent; or when the state records no such bytes (written before they
    were kept), so cannot tell. `prefix` (at the file's start) is left at the confirmed line."""
    fresh = State(source=str(job.path.resolve()), store=job.store, resource=job.resource, format=job.kind)
    if not job.resume or not job.state_path.exists():
        return fresh
    state = _read_state(job.state_path)
    # a resource's other name (`checkouts`, `carts`) writes the same records: the same import
    same_resource = KINDS.get(state.resource) is KINDS.get(fresh.resource)
    if (state.source, state.store) != (fresh.source, fresh.store) or not same_resource:
        raise ImportFailed(
            f"{job.state_path} is the state of importing {state.source} as {state.resource} of store "
            f"{state.store}: to go on with that import, give that file, --store and --resource with "
            "--resume; for this one, give --report a new path (or run without --resume, which starts "
            "the file over and replaces that state)."
        )
    if state.format is not None and state.format != job.kind:
        raise ImportFailed(
            f"{job.state_path} is the state of importing {state.source} read as {state.format}, not "
            f"{job.kind}: give --format {state.format} (or no --format) with --resume to go on with it."
        )
    if state.checked_sha256 is None:  # nothing to check the file against: skipping unchecked lost lines
        raise ImportFailed(
            f"{job.state_path} does not record what {job.path} held (written before resumes checked it): "
            "run without --resume to import it whole, or give --report a new path."
        )
    reader = prefix or Prefix(job.path, job.kind)
    try:
        same = (
            reader.advance(state.line)
            and reader.size == state.checked_bytes
            and reader.sha256.hexdigest() == state.checked_sha256
        )
    finally:
        if prefix is None:
            reader.close()
    if not same:
        raise ImportFailed(
            f"{job.path} changed since {job.state_path} confirmed its first {state.line:,} lines: "
            "run without --resume to import it whole, or give --report a new path."
        )
    return state


def recorded_format(state_path: Path) -> str | None:
    """The format the state file `state_path` records (`jsonl`, `csv`), None when there is no
    readable state or it records none: `load_state` then says what is wrong with it."""
    try:
        return _read_state(state_path).format if state_path.exists() else None
    except ImportFailed:
        return None


# each field's types, as State declares them (`int | None`: int or None)
_STATE_FIELDS: dict[str, tuple[type, ...]] = {
    name: get_args(hint) or (hint,) for name, hint in get_type_hints(State).items()
}


def _read_state(path: Path) -> State:
    """The State a state file holds. ImportFailed when it holds none (empty, not JSON, another
    shape: not written by an import, or damaged), rather than a traceback."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError) as exc:
        data = exc
    fits = isinstance(data, dict) and {"source", "store", "resource"} <= set(data) <= set(_STATE_FIELDS)
    if not fits or not all(_state_value(name, value) for name, value in data.items()):
        raise ImportFailed(
            f"{path} is not the state of an import (damaged, or another file): "
            "run without --resume to import the file whole, or give --report a new path."
        )
    return State(**data)


def _state_value(name: str, value: object) -> bool:
    """A value a state's field can hold: its type, and a count or position not below 0."""
    if not isinstance(value, _STATE_FIELDS[name]) or isinstance(value, bool):
        return False
    return not (isinstance(value, int) and value < 0)


def save_state(job: Job, state: State, prefix: Prefix) -> None:
    """Write `state` whole, then rename it over the state file, with the file's bytes up to its
    confirmed line (`prefix`, moved forward to it)."""
    prefix.advance(state.line)
    state.checked_bytes, state.checked_sha256 = prefix.size, prefix.sha256.hexdigest()
    temporary = job.state_path.with_name(f"{job.state_path.name}.{os.getpid()}.tmp")  # this process's own
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
    prefix = Prefix(job.path, job.kind)
    try:
        return await _run(job, sink, console, prefix)
    finally:
        prefix.close()


async def _run(job: Job, sink: Sink, console: Console, prefix: Prefix) -> State:
    state = load_state(job, prefix)
    total = sources.count(job.path, job.kind)
    left_out = sources.columns_left_out(job.path, job.kind, KINDS[job.resource].model)
    if left_out:  # one line, as written: a column name is no markup
        console.print(
            f"warning: no field of {job.resource} reads the columns {', '.join(left_out)}: their cells are left out",
            markup=False, highlight=False, soft_wrap=True,
        )  # fmt: skip
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
    nothing = job.resume and not job.state_path.exists()
    with stopping.Caught(job.stop), _report(job, state) as report, progress:
        if nothing:  # said once the report is this run's (not when another import holds it)
            console.print(nothing_to_resume(job), markup=False, highlight=False, soft_wrap=True)
        if not job.resume:  # a stop before the first batch: --resume starts from line 0, as printed
            state.report_bytes = 0
            save_state(job, state, prefix)
        task = progress.add_task(job.resource, total=total, completed=state.done)
        for batch in _batches(records, job.batch_size):
            if job.stop.is_set():  # before a batch: a stop at start-up sends none
                break
            confirmed = State(**asdict(state))
            try:
                await _send(batch, sink, state, report)
            except ImportStopped:  # a stop while the server had us wait: the batch was not confirmed
                state = confirmed
                break
            except ImportFailed as failure:  # e.g. the store paused, the key revoked: said, then where it stopped
                failure.confirmed = confirmed.line
                raise
            report.flush()
            state.report_bytes = report.tell()
            save_state(job, state, prefix)
            progress.update(task, completed=state.done)
    return state


def nothing_to_resume(job: Job) -> str:
    """The notice of a `--resume` with no state at its report's path (`REPORT.state`): the file
    is imported from its first line, which sends again what a run before wrote (upserts: a
    replay changes nothing), and a mistyped `--report` would otherwise go unseen (README
    "Resume")."""
    return (
        f"notice: nothing to resume at {job.report}: no import's state at {job.state_path} "
        f"(is --report the run before's?); importing {job.path} from its first line"
    )


@contextlib.contextmanager
def _report(job: Job, state: State) -> Iterator[IO[str]]:
    """The report, open for this import alone: locked (`flock`), so that a second import given
    the same report is refused (ImportFailed) instead of writing its lines and state in between;
    then emptied for a fresh run, or, resuming, cut back to its size at the state's position
    (the lines of a batch sent after it, which is sent again)."""
    with job.report.open("a", encoding="utf-8") as report:
        try:
            fcntl.flock(report.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportFailed(
                f"another import is writing the report {job.report}: wait for it to end, or give --report another path."
            ) from None
        keep = 0 if not job.resume else state.report_bytes
        if keep is not None and report.tell() > keep:
            report.truncate(keep)
            report.seek(0, os.SEEK_END)
        yield report


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
    # as a batch's result gives it: a whole number as its digits, a text no answer can carry as null
    external_id = answered_external_id(record.data) if record.data else record.named
    line = {"line": record.line, "external_id": external_id, "message": outcome.message, "errors": outcome.errors}
    report.write(json.dumps(line, default=str) + "\n")
