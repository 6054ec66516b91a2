"""The import loop: records in batches to a sink, in file order; a refused record's line in
the report; after each batch the position confirmed in the state file (written whole, then
renamed: a kill leaves the previous or the next, never half of one): the last line of its last
record, with the size and SHA-256 of the file's bytes up to there. `--resume` refuses a file
whose bytes up to there are not those any more (replaced or edited; one only appended to goes
on), and starts with the first record ending after that position: a batch sent but not
confirmed is sent again, which the upsert makes harmless (a replay changes nothing and records
no event); the report is cut back to what it held at that position, so that the batch's
refused lines are not written twice. A record that grew since it was confirmed (rows of the
file's last order appended after it) ends past the position too: it is sent again whole, and
counted by that answer in place of its first. Ctrl-C (SIGINT) or SIGTERM stops after the batch
in flight (or during a wait the server asked for, the batch not sent), its position confirmed
and printed."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol, get_args, get_type_hints

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from app.db.unavailable import DatabaseUnavailable
from app.services.batches import answered_external_id

from . import sources, stopping
from .sinks import KINDS, ImportFailed, ImportStopped, Outcome, UnavailableMidFile
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
    # whether it fires automations (`--live`; None: written before it was kept): a resume goes
    # on the same way, or one file's records would be part backfill and part live
    live: bool | None = None
    # where it writes (`destinations`: a server and its key's space, or a database in this
    # process; None: written before it was kept): the lines it confirmed were written there only
    destination: str | None = None
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
    # The last confirmed record, the one ending on `line`: the line it starts on, the count it
    # went to (one of COUNTS) and the report's size before its line. A resume that finds it
    # grown since sends it again whole and counts it by that answer instead (`uncount_record`).
    # None: nothing confirmed, or a state written before they were kept, whose `line` is the
    # line its last record starts on.
    record_line: int | None = None
    record_counted: str | None = None
    record_report_bytes: int | None = None
    # The last line of the batch sent and not yet confirmed (None: none): written before it is
    # sent, so that after a stop that left it so (a kill, a crash, the connection lost) a resume
    # knows the records it sends again may have been written by it.
    sent_line: int | None = None
    # Of `updated`, the records answered 200 that such a resume sent again: a replay of the
    # stopped run's own write, where it made them (the API does not tell replaced from replayed).
    sent_again: int = 0

    @property
    def done(self) -> int:
        return self.created + self.updated + self.stale + self.refused

    def uncount_record(self) -> None:
        """Take back the last confirmed record's count (`record_counted`): it is sent again."""
        if self.record_counted is not None:
            setattr(self, self.record_counted, getattr(self, self.record_counted) - 1)

    def left_to_send(self, record: Record) -> bool:
        """Whether `record` is past what this state confirmed: it ends after `line` (one that
        starts on or before it grew since it was confirmed, and is sent again whole). A state
        written before `record_line` was kept confirmed the line its last record starts on: a
        record starting after it."""
        if self.record_line is None:
            return record.line > self.line
        return record.last_line > self.line


# The counts of a state a record's answer goes to (`State.record_counted`).
COUNTS = ("created", "updated", "stale", "refused")


@dataclass
class Job:
    """One `kanal import`: the file and its format, the store and resource, the report path,
    where it writes (`destinations`), records per batch, whether to resume, whether it fires
    automations (`--live`)."""

    path: Path
    kind: str
    store: int
    resource: str
    report: Path
    destination: str
    batch_size: int = 1000
    resume: bool = False
    live: bool = False
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
        # The bytes read, the last line's end cut short: none of it, or its CR alone (a file
        # confirmed up to a line it ended without a line end, or between CR and LF, then
        # appended to, holds one of these): (size, SHA-256) each.
        self.unended: list[tuple[int, str]] = []

    def advance(self, line: int) -> bool:
        """Read on to the end of line `line`; False when the file ends before it."""
        while self.line < line:
            read = self.file.readline()
            if not read:
                return False
            raw = read.encode("latin-1") if isinstance(read, str) else read
            self.line += 1
            if self.line < line:
                self.sha256.update(raw)
                self.size += len(raw)
                continue
            body = raw.rstrip(b"\r\n")
            self.sha256.update(body)
            ending = raw[len(body) :]
            self.unended = []
            for cut in range(len(ending)):
                shorter = self.sha256.copy()
                shorter.update(ending[:cut])
                self.unended.append((self.size + len(body) + cut, shorter.hexdigest()))
            self.sha256.update(ending)
            self.size += len(raw)
        return True

    def holds(self, size: int | None, sha256: str | None) -> bool:
        """Whether the bytes read are those of `size` and `sha256`, or those and more of the last
        line's end: the file then ended on that line without one, or between its CR and LF,
        and was appended to since."""
        return (self.size, self.sha256.hexdigest()) == (size, sha256) or (size, sha256) in self.unended

    def close(self) -> None:
        self.file.close()


def load_state(job: Job, prefix: Prefix | None = None) -> State:
    """The state a previous run left (with --resume), else a fresh one. Raises ImportFailed when
    it was left by an import of another file, store or resource, or of the other way (live or
    backfill: `--live`), or to another destination (`_check_destination`), or when the file's bytes up to
    the confirmed line are not the ones confirmed (the file replaced or edited since): resuming
    would skip lines never sent; or when the state records no such bytes (written before they
    were kept), so cannot tell; or when the report is shorter than the state recorded it
    (`_check_report`). `prefix` (at the file's start) is left at the confirmed line."""
    fresh = State(
        source=str(job.path.resolve()),
        store=job.store,
        resource=job.resource,
        format=job.kind,
        live=job.live,
        destination=job.destination,
    )
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
    if state.live is not None and state.live != job.live:
        said, give = ("live (--live)", "give --live") if state.live else ("as backfill", "leave out --live")
        raise ImportFailed(
            f"{job.state_path} is the state of importing {state.source} {said}: {give} with --resume to go on "
            "with it, or one file's records would be part backfill and part live (run without --resume to "
            "import the file whole the other way)."
        )
    _check_destination(job, state)
    _check_report(job, state)
    if state.checked_sha256 is None:  # nothing to check the file against: skipping unchecked lost lines
        raise ImportFailed(
            f"{job.state_path} does not record what {job.path} held (written before resumes checked it): "
            "run without --resume to import it whole, or give --report a new path."
        )
    if not _holds_confirmed(job, state, prefix):
        raise ImportFailed(
            f"{job.path} changed since {job.state_path} confirmed its first {state.line:,} lines: "
            "run without --resume to import it whole, or give --report a new path."
        )
    return state


def _check_destination(job: Job, state: State) -> None:
    """ImportFailed when `state` was left by an import writing elsewhere (another server, the
    other space of a key, another database): the lines it confirmed are there, not where this
    run writes, and skipping them would leave them out and count them as written. A state
    written before the destination was kept cannot tell, and is refused too: a run without
    `--resume` sends every line again, which changes nothing where they were written."""
    if state.destination is None:
        raise ImportFailed(
            f"{job.state_path} does not record where its import wrote (written before resumes checked it): "
            f"run without --resume to import {job.path} whole (a record written before is replayed, changing "
            "nothing), or give --report a new path."
        )
    if state.destination != job.destination:
        raise ImportFailed(
            f"{job.state_path} is the state of importing {state.source} to {state.destination}, not to "
            f"{job.destination}: the lines it confirmed were written there only. To go on with that import, "
            "give --resume the same --url and a key of the same space (or the same DATABASE_URL); for this one, "
            "run without --resume (which imports the file whole and replaces that state), or give --report a "
            "new path."
        )


def _holds_confirmed(job: Job, state: State, prefix: Prefix | None = None) -> bool:
    """Whether the file's bytes up to `state`'s confirmed line are those it recorded (`prefix`,
    at the file's start, is read on to that line; else the file is opened afresh)."""
    reader = prefix or Prefix(job.path, job.kind)
    try:
        return reader.advance(state.line) and reader.holds(state.checked_bytes, state.checked_sha256)
    finally:
        if prefix is None:
            reader.close()


def _check_read_whole(job: Job, state: State, prefix: Prefix, size: int) -> None:
    """ImportFailed (`confirmed`: the state's line, from which `--resume` goes on) when the file
    being read (`prefix`'s, `size` bytes when the import began) was cut short while it was read:
    its end was then read as the file's end, and the import would end as though it had read it
    whole; ImportFailed saying to import it again without `--resume` when it is as long but its
    lines up to the confirmed one were rewritten since (the same file at its path). Lines
    appended since are no change (an export still being written): `--resume` sends them."""
    now = os.fstat(prefix.file.fileno())
    try:
        same_file = os.path.samestat(now, job.path.stat())
    except OSError:  # deleted since: what was read was read whole
        same_file = False
    if now.st_size < size:
        changed = ImportFailed(
            f"{job.path} changed while it was being imported ({now.st_size:,} bytes, {size:,} when it began): "
            "it was not read whole"
        )
        changed.confirmed = state.line
        raise changed
    if same_file and not _holds_confirmed(job, state):  # read whole, but no longer what it holds
        raise ImportFailed(
            f"{job.path} was rewritten while it was being imported (its first {state.line:,} lines are no longer "
            "those read): run the same command without --resume to import it as it is now"
        )


def _check_report(job: Job, state: State) -> None:
    """ImportFailed when the report holds less than `state` recorded at its position (deleted or
    cut short since): the refused lines of the runs before are lost, and going on would append
    to what is left, its lines no longer those the counts say. A longer one is cut back to it
    (`_report`: lines of a batch not confirmed)."""
    recorded = state.report_bytes
    if not recorded:  # none kept (an older state), or nothing refused yet: nothing to lose
        return
    try:
        size = job.report.stat().st_size
    except FileNotFoundError:
        size = 0
    if size < recorded:
        raise ImportFailed(
            f"the report {job.report} no longer holds what {job.state_path} recorded ({size:,} of its "
            f"{recorded:,} bytes: deleted or cut short since): run without --resume to import the file whole, "
            "its refused lines written again, or give --report a new path."
        )


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
    if not isinstance(value, _STATE_FIELDS[name]) or (isinstance(value, bool) and bool not in _STATE_FIELDS[name]):
        return False
    if name == "record_counted" and value is not None:
        return value in COUNTS
    return not (isinstance(value, int) and value < 0)


STATE_TEMPORARY = ".kanal-import-state-"  # the name a state is written under, then renamed


def save_state(job: Job, state: State, prefix: Prefix) -> None:
    """Write `state` whole, then rename it over the state file, with the file's bytes up to its
    confirmed line (`prefix`, moved forward to it)."""
    prefix.advance(state.line)
    state.checked_bytes, state.checked_sha256 = prefix.size, prefix.sha256.hexdigest()
    # this process's own, of a short name whatever the report's (a long one leaves no room)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=job.state_path.parent, prefix=STATE_TEMPORARY, suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(json.dumps(asdict(state)))
        os.replace(temporary, job.state_path)
    except OSError as exc:  # a disk full since the import began
        raise ImportFailed(f"the import's state {job.state_path} cannot be written: {exc.strerror}") from None


def _batches(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def run(job: Job, sink: Sink, console: Console) -> tuple[State, State]:
    """Import the file; returns the runs before's state (a fresh one without --resume), less
    the count of a record this run sent again (grown since it was confirmed), and the state
    reached (the whole file, or where a stop came): this run's own counts are the difference.
    Raises ImportFailed as `load_state` does, or when the import cannot go on (`failure.confirmed`
    the line confirmed before it), the file cut short while it was read among them
    (`_check_read_whole`); UnavailableMidFile when the database in this process becomes
    unavailable while sending (`confirmed` likewise); UnreadableFile for a file that cannot be
    read as a whole."""
    prefix = Prefix(job.path, job.kind)
    try:
        return await _run(job, sink, console, prefix)
    finally:
        prefix.close()


async def _run(job: Job, sink: Sink, console: Console, prefix: Prefix) -> tuple[State, State]:
    size = os.fstat(prefix.file.fileno()).st_size  # the file as the import begins to read it
    state = load_state(job, prefix)
    before = State(**asdict(state))
    sources.check_resource(job.path, job.kind, job.resource)
    total = sources.count(job.path, job.kind)
    left_out = sources.columns_left_out(job.path, job.kind, KINDS[job.resource].model)
    if left_out:  # one line, as written: a column name is no markup
        console.print(
            f"warning: no field of {job.resource} reads the columns {', '.join(left_out)}: their cells are left out",
            markup=False, highlight=False, soft_wrap=True,
        )  # fmt: skip
    records = (r for r in sources.read(job.path, job.kind) if state.left_to_send(r))
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
    # the last line of a batch the run before sent and never confirmed: sent again now
    unconfirmed = state.sent_line if state.sent_line is not None and state.sent_line > state.line else 0
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
            again = batch[0].line <= state.line  # the last record confirmed, grown since: sent again whole
            try:
                state.sent_line = batch[-1].last_line
                save_state(job, state, prefix)  # before it is sent: a kill then leaves it said
                await _send(batch, sink, state, report, again, unconfirmed)
            except ImportStopped:  # a stop while the server had us wait: the batch was not confirmed
                state = confirmed
                break
            except ImportFailed as failure:  # e.g. the store paused, the key revoked: said, then where it stopped
                failure.confirmed = confirmed.line
                raise
            except DatabaseUnavailable as unavailable:  # locked past the busy timeout, a restart: likewise
                raise UnavailableMidFile(unavailable, confirmed.line) from unavailable
            try:
                report.flush()
                state.report_bytes, state.sent_line = report.tell(), None
                save_state(job, state, prefix)
            except (OSError, ImportFailed) as failure:  # a disk full since: said, then where it stopped
                stopped = failure if isinstance(failure, ImportFailed) else _unwritable(job, failure)
                stopped.confirmed = confirmed.line
                raise stopped from None
            progress.update(task, completed=state.done)
            if again:  # its count is this run's now, no more the runs before's
                before.uncount_record()
    if not job.stop.is_set():
        _check_read_whole(job, state, prefix, size)
    return before, state


def _unwritable(job: Job, exc: OSError) -> ImportFailed:
    return ImportFailed(f"the report {job.report} cannot be written: {exc.strerror}")


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
    try:
        opened = job.report.open("a", encoding="utf-8")
    except OSError as exc:  # a directory no file can be made in, a file that takes no writes
        raise _unwritable(job, exc) from None
    with opened as report:
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


async def _send(batch: list[Record], sink: Sink, state: State, report: Any, again: bool, unconfirmed: int) -> None:
    """Send `batch`, count each answer in `state` and write each refusal to `report`; `again`:
    its first record is the last one `state` confirmed, grown since, whose count and report
    line this answer replaces (taken back once answered: a stop before leaves them). A record
    ending on or before `unconfirmed` was in a batch the run before sent and never confirmed:
    answered 200, it is counted `sent_again` too."""
    readable = [record for record in batch if record.data is not None]
    outcomes = iter(await sink.send(readable) if readable else [])
    if again:
        state.uncount_record()
        if state.record_report_bytes is not None:
            report.flush()
            report.truncate(state.record_report_bytes)
            report.seek(0, os.SEEK_END)
    counted = COUNTS[0]
    for record in batch:
        if record is batch[-1]:  # where its report line starts, should it be sent again
            report.flush()
            state.record_report_bytes = report.tell()
        counted = _counted(record, outcomes, report)
        setattr(state, counted, getattr(state, counted) + 1)
        if counted == "updated" and record.last_line <= unconfirmed:
            state.sent_again += 1
    state.line, state.record_line, state.record_counted = batch[-1].last_line, batch[-1].line, counted


def _counted(record: Record, outcomes: Iterator[Outcome], report: Any) -> str:
    """The count (one of COUNTS) the answer to `record` goes to, the next of `outcomes` when it
    could be read; a refusal is written to `report`."""
    if record.data is None:
        _refused(report, record, Outcome(422, message=record.error, errors={"": [record.error or ""]}))
        return "refused"
    outcome = next(outcomes)
    if outcome.status == 422:
        _refused(report, record, outcome)
        return "refused"
    if outcome.stale:
        return "stale"
    return "created" if outcome.status == 201 else "updated"


def _refused(report: Any, record: Record, outcome: Outcome) -> None:
    # as a batch's result gives it: a whole number as its digits, a text no answer can carry as null
    external_id = answered_external_id(record.data) if record.data else record.named
    message = outcome.message
    # a Shopify order's line item refused: the row it is on, when not the order's first (the
    # message is its field's first)
    field = next((field for field, said in (outcome.errors or {}).items() if message in said), None)
    at = None if field is None else record.line_of(field)
    if at is not None:
        message = f"line {at}: {message}"
    line = {"line": record.line, "external_id": external_id, "message": message, "errors": outcome.errors}
    report.write(json.dumps(line, default=str) + "\n")
