"""`kanal import` (app.cli): opens the sink, runs the import, prints the outcome and the rate."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import uvloop
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.config import ConfigError, Settings, sqlite_file
from app.db.database import Database
from app.db.existing import require_migrated
from app.wording import counted

from . import destinations, run, sources
from .sinks import ImportFailed, InProcess, OverHttp


def refusal(args: argparse.Namespace) -> str | None:
    """Options of `kanal import` that do not go together (app.cli refuses them, exit status 2):
    `--key` without `--url` (even empty), which would be ignored (the import runs in this
    process); `--url` without a key, neither `--key` nor KANAL_KEY (or blanks alone); a key no
    header can carry (`_unsendable_key`)."""
    if args.key is not None and not args.url:  # also an empty one: `--key "$UNSET"`
        return "--key goes with --url (without it the import runs in this process)."
    if args.url and not _key(args.key):  # none, or blanks alone
        return "--url needs --key (or KANAL_KEY)."
    if args.url:
        return _unsendable_key(args.key)
    return None


def _key(given: str | None) -> str:
    """The key to send: --key, else KANAL_KEY, without the spaces, tabs and line ends around it
    (a key file saved with CRLF and read with `$(cat …)`): a key has none."""
    return (given or os.environ.get("KANAL_KEY", "")).strip()


def _unsendable_key(given: str | None) -> str | None:
    """Why the key (`_key`) cannot go in an Authorization header: a character no key has, a
    space, a control character or one past ASCII (a placeholder's `…` pasted from the README),
    named by its code point and place, never the key itself (it stays a secret in a log)."""
    key = _key(given)
    for place, character in enumerate(key, start=1):
        if not "!" <= character <= "~":
            where = "--key" if given else "KANAL_KEY"
            return (
                f"{where} holds U+{ord(character):04X} at character {place}, which no key has: "
                "give the key as `kanal keys create` printed it."
            )
    return None


def main(args: argparse.Namespace) -> int:
    """Exit status: 0 when the whole file was read (refused records are in the report), 1 when
    the import failed or the file cannot be read as a whole (`sources.UnreadableFile`), 130
    when stopped (SIGINT / SIGTERM) with its position confirmed."""
    console = Console(stderr=True)
    kind = sources.format_of(args.file, args.format)
    refusal = _unusable(args.file, args.report, _database_files())
    if refusal is not None:
        print(f"error: {refusal}", file=sys.stderr)
        return 1
    report = Path(args.report) if args.report is not None else _default_report(args.file)
    if args.resume and args.format is None:  # read as the run before read it (its state says how)
        kind = run.recorded_format(run.state_path_of(report)) or kind
    if args.url:
        destination = destinations.over_http(args.url, _key(args.key))
    else:  # in this process, on DATABASE_URL (--key alone is refused: `refusal`)
        database_url = Settings.from_env().database_url
        require_migrated(database_url)
        destination = destinations.in_process(database_url)
    job = run.Job(
        args.file, kind, args.store, args.resource, report, destination, args.batch_size, args.resume, args.live
    )
    try:
        return uvloop.run(_main(args, job, console))
    except (ImportFailed, sources.UnreadableFile) as failure:
        # one line as it is: a path or a server's answer is no markup, nor wrapped at 80 columns
        print(f"error: {failure}", file=sys.stderr)
        confirmed = getattr(failure, "confirmed", None)
        if confirmed is not None:  # while sending: what was written stays, and where to go on
            print(stopped_after(confirmed))
        return 1


def stopped_after(confirmed: int) -> str:
    """The line on stdout after the `error: …` line of an import that cannot go on mid-file:
    the line confirmed before it (`confirmed`), from which `--resume` goes on. Also after an
    unavailable database's (`sinks.UnavailableMidFile`, which app.cli says)."""
    return (
        f"Stopped after line {confirmed:,}. Once that is put right, "
        "run the same command with --resume to go on from there."
    )


def _default_report(source: Path) -> Path:
    """FILE.report.jsonl, beside the file."""
    return source.with_name(source.name + ".report.jsonl")


def _database_files() -> list[Path]:
    """The SQLite database DATABASE_URL names, and the journal files beside it (-wal, -shm,
    -journal), beside its link's target too when it names a symbolic link: what no report may
    be, which opening it for writing would empty (the first, the database as named). None on
    PostgreSQL, or with DATABASE_URL unreadable (an import over --url needs none)."""
    try:
        url = make_url(Settings.from_env().database_url)
    except (ConfigError, ArgumentError):
        return []
    path = sqlite_file(url).path if url.get_backend_name() == "sqlite" else None
    if path is None:
        return []
    # SQLite keeps its journal files beside the file it opens: a symbolic link's target
    named = Path(path)
    files = []
    for database in dict.fromkeys((named, named.resolve())):
        files += [database, *(database.with_name(database.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]
    return files


def _unusable(source: Path, given: str | None, database: list[Path]) -> str | None:
    """Why the import cannot start with these files, before anything is opened (None: it can):
    no such file, or one that is no regular file (a pipe, `/dev/stdin`: it could not be read
    again to resume); a report (`given`, as typed, else the default) or its state file that is
    the file itself, or the database or one of its journal files (`database`,
    `_database_files`), which opening it for writing would empty; a report that is another import's
    state file (`….state`), which it would overwrite; a report, or its state file, that is a
    directory (`.`, `/`, an empty path and a path ending in `/` among them) or no regular file
    (`/dev/null`, a pipe: its state file would be written beside it), or in a directory that
    does not exist (or is a file); a name the file system refuses (too long)."""
    if source.is_dir():
        return f"{source} is a directory, not a file"
    if not source.exists():
        return f"no file {source}"
    if not source.is_file():
        return (
            f"{source} is not a regular file (a pipe, a device): save the export to a file and import that "
            "(an import reads its file again to --resume)"
        )
    # Whether or not that directory exists (README): the name says it, not the file system;
    # `/` alone is the root, a directory like `.`.
    if given is not None and given.endswith(os.sep) and given.strip(os.sep):
        return f"the report {given} names a directory: give --report a file path"
    report = Path(given) if given is not None else _default_report(source)
    try:
        return _unusable_report(source, report, database)
    except OSError as exc:  # a name too long for the file system (the state's is 6 longer), …
        return f"the report {report} cannot be used: {exc.strerror}"


def _sqlite_file(path: Path) -> bool:
    """Whether `path` starts as a SQLite database or its write-ahead log does (sqlite.org/fileformat2.html)."""
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except OSError:
        return False
    return head == b"SQLite format 3\x00" or head[:4] in (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")


def _same(path: Path, other: Path) -> bool:
    """Whether two paths name one file: the same path once resolved (`..`, symbolic links),
    or, both existing, one file under two names (a hard link)."""
    if path.resolve() == other.resolve():
        return True
    return path.exists() and other.exists() and path.samefile(other)


def _unusable_report(source: Path, report: Path, database: list[Path]) -> str | None:
    if report.is_dir():
        return f"the report {report} is a directory: give --report a file path"
    if report.exists() and not report.is_file():
        return f"the report {report} is not a regular file: give --report a file path"
    state = run.state_path_of(report)
    if state.is_dir():
        return f"the report's state file {state} is a directory: give --report another path"
    if state.exists() and not state.is_file():
        return f"the report's state file {state} is not a regular file: give --report another path"
    if any(_same(path, source) for path in (report, state)):
        return f"the report {report} would overwrite the file being imported: give --report another path"
    if any(_same(path, file) for path in (report, state) for file in database):
        return f"the report {report} would overwrite the database {database[0]}: give --report another path"
    for path in (report, state):
        if path.exists() and _sqlite_file(path):  # another database (a server's over --url), or its WAL
            return f"the report {report} would overwrite the SQLite file {path}: give --report another path"
        if path.exists() and path.stat().st_nlink > 1:  # also another name of FILE, a state, a database
            return f"the report {report} would overwrite a file of other names (hard links): give --report another path"
    if report.suffix == ".state" or report.resolve().suffix == ".state":  # by name, or a link's
        return f"the report {report} is named as an import's state file (….state): give --report another path"
    if report.parent.exists() and not report.parent.is_dir():
        return f"the report's directory {report.parent} is a file, not a directory"
    if not report.parent.is_dir():
        return f"the report's directory {report.parent} does not exist"
    return _no_new_file(report)


def _no_new_file(report: Path) -> str | None:
    """Why no file can be made beside `report` (its state is written there, then renamed): a
    directory the system keeps (`/sys`, `/proc`, whose files may take writes, as
    `/proc/sys/kernel/hostname` does) or one not writable. Asked by making one and removing it,
    before the report is opened: it would be emptied first."""
    try:
        descriptor, probe = tempfile.mkstemp(dir=report.parent, prefix=run.STATE_TEMPORARY, suffix=".tmp")
    except OSError as exc:
        return f"the report {report} cannot be written: {exc.strerror}"
    os.close(descriptor)
    os.unlink(probe)
    return None


async def _main(args: argparse.Namespace, job: run.Job, console: Console) -> int:
    backfill = not args.live
    sink: run.Sink
    if args.url:
        key = _key(args.key)  # one of them, as `refusal` checked

        def say(line: str) -> None:  # a wait's line, above the progress bar; an address is no markup
            console.print(line, markup=False, highlight=False, soft_wrap=True)

        sink = OverHttp(args.url, key, args.store, args.resource, backfill, job.stop, say)
    else:
        sink = await InProcess.open(Database(Settings.from_env()), args.store, args.resource, backfill)
    began = time.perf_counter()
    resumed = job.resume and job.state_path.exists()  # a state to go on from, whatever it confirmed
    try:
        before, state = await run.run(job, sink, console)
    finally:
        await sink.close()
    seconds = time.perf_counter() - began
    done = state.done - before.done
    # This run's own counts; after --resume from a state, the whole file's on a line of their own
    # (even when the run before confirmed no line: the user sees the resume was taken).
    print(
        f"{_records(done)} in {seconds:.1f} s ({_rate(done, seconds)} records/s): "
        + _counts(
            state.created - before.created,
            state.updated - before.updated,
            state.stale - before.stale,
            state.sent_again - before.sent_again,
        )
        + f", {state.refused - before.refused:,} refused"
        + (f" (lines in {job.report})" if state.refused > before.refused else "")
        + (" - backfill: no automation fired" if backfill else "")
    )
    if resumed:
        print(
            f"With the runs before, {_records(state.done)}: "
            + _counts(state.created, state.updated, state.stale, state.sent_again)
            + f", {state.refused:,} refused"
        )
    if job.stop.is_set():
        print(f"Stopped after line {state.line:,}. Run the same command with --resume to go on from there.")
        return 130
    return 0


def _rate(done: int, seconds: float) -> str:
    """Records a second: whole above 10, else to a tenth (a throttled import's 0.4, not 0)."""
    rate = done / seconds if seconds else 0.0
    return f"{rate:,.0f}" if rate >= 10 or not rate else f"{rate:.1f}"


def _records(count: int) -> str:
    return counted(count, "record", "records")


def _counts(created: int, updated: int, stale: int, sent_again: int) -> str:
    """The counts of the summary's lines; of those replaced or replayed, how many a resume sent
    again from a batch the run before sent and never confirmed (`State.sent_again`): where that
    run wrote them, the answer is a replay of its own write (README "Resume")."""
    again = (
        f" ({sent_again:,} of them sent again after a stop, their batch unconfirmed: "
        "replayed where the stopped run wrote them)"
        if sent_again
        else ""
    )
    return f"{created:,} created, {updated:,} replaced or replayed{again}, {stale:,} stale"
