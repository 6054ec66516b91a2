"""README "Importing a shop's history": wrong arguments are refused before anything is read or
written, with a short message, exit 2 (argparse's usage error): for a malformed argument, and
for arguments that do not go together."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.imports.files import kanal_import, order, write_jsonl

# arguments -> (exit status, what stderr says)
CASES = {
    "batch size 0": (["--batch-size", "0"], 2, "argument --batch-size: must be from 1 to 1000, got 0"),
    "batch size 1001": (["--batch-size", "1001"], 2, "argument --batch-size: must be from 1 to 1000, got 1001"),
    "batch size -3": (["--batch-size", "-3"], 2, "argument --batch-size: must be from 1 to 1000, got -3"),
    "batch size not a number": (["--batch-size", "ten"], 2, "argument --batch-size: not a whole number: 'ten'"),
    "a key without --url": (
        ["--key", "kanal_sk_live_x"],
        2,
        "error: --key goes with --url (without it the import runs in this process).",
    ),
    "--url without a key": (["--url", "http://127.0.0.1:9"], 2, "error: --url needs --key (or KANAL_KEY)."),
    "a key of blanks alone": (
        ["--url", "http://127.0.0.1:9", "--key", " \t "],
        2,
        "error: --url needs --key (or KANAL_KEY).",
    ),
    "an empty key without --url": (
        ["--key", ""],
        2,
        "error: --key goes with --url (without it the import runs in this process).",
    ),
    # a key no Authorization header can carry: named by its code point, never echoed
    **{
        f"a key holding {name}": (
            ["--url", "http://127.0.0.1:9", "--key", f"kanal_sk_live_SECRET{character}SECRET"],
            2,
            f"error: --key holds U+{ord(character):04X} at character 21, which no key has: "
            "give the key as `kanal keys create` printed it.",
        )
        for name, character in {
            "an ellipsis (a README placeholder)": "\u2026",
            "a letter past ASCII": "é",
            "a space": " ",
            "a tab": "\t",
            "a carriage return": "\r",
            "a line feed": "\n",
            "a NUL-like control": "\x01",
            "DEL": "\x7f",
        }.items()
    },
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_wrong_arguments_are_refused_with_a_short_message(tmp_path: Path, case: str, monkeypatch):
    monkeypatch.delenv("KANAL_KEY", raising=False)
    arguments, status, message = CASES[case]
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0)])
    database = tmp_path / "kanal.db"
    done = kanal_import(f"sqlite+aiosqlite:///{database}", source, "--store", "123", "--resource", "orders", *arguments)
    assert done.returncode == status, done.stderr
    assert message in done.stderr and len(done.stderr) < 600, done.stderr
    assert "SECRET" not in done.stderr + done.stdout
    assert not (tmp_path / "orders.jsonl.report.jsonl").exists() and not database.exists()
    assert "KANAL_KEY" not in os.environ


# --report (and FILE) -> what stderr says; {dir} is the test's directory, {file} the JSON Lines file
FILES = {
    "report is the file itself": (
        ["{file}", "--report", "{file}"],
        "error: the report {file} would overwrite the file being imported: give --report another path",
    ),
    "report's state file is the file itself": (
        ["{file}", "--report", "{dir}/orders"],
        "error: the report {dir}/orders would overwrite the file being imported: give --report another path",
    ),
    "report is a directory": (
        ["{file}", "--report", "{dir}"],
        "error: the report {dir} is a directory: give --report a file path",
    ),
    "report in a file": (
        ["{file}", "--report", "{file}/report.jsonl"],
        "error: the report's directory {file} is a file, not a directory",
    ),
    "report's state name too long": (
        ["{file}", "--report", "{dir}/" + "b" * 252],
        "error: the report {dir}/" + "b" * 252 + " cannot be used: File name too long",
    ),
    "report in a missing directory": (
        ["{file}", "--report", "{dir}/nowhere/report.jsonl"],
        "error: the report's directory {dir}/nowhere does not exist",
    ),
    "report is an empty path": (
        ["{file}", "--report", ""],
        "error: the report . is a directory: give --report a file path",
    ),
    "report is .": (["{file}", "--report", "."], "error: the report . is a directory: give --report a file path"),
    "report is /": (["{file}", "--report", "/"], "error: the report / is a directory: give --report a file path"),
    "report ends in / (no such directory)": (
        ["{file}", "--report", "{dir}/reports/"],
        "error: the report {dir}/reports/ names a directory: give --report a file path",
    ),
    "report ends in / (an existing directory)": (
        ["{file}", "--report", "{dir}/"],
        "error: the report {dir}/ names a directory: give --report a file path",
    ),
    "report ends in / (a file)": (
        ["{file}", "--report", "{file}/"],
        "error: the report {file}/ names a directory: give --report a file path",
    ),
    "report is a device": (
        ["{file}", "--report", "/dev/null"],
        "error: the report /dev/null is not a regular file: give --report a file path",
    ),
    # the SQLite database DATABASE_URL names ({dir}/kanal.db), or a journal file of it
    **{
        f"report is the database{suffix}": (
            ["{file}", "--report", "{dir}/" + path],
            "error: the report {dir}/" + path + " would overwrite the database {dir}/kanal.db: "
            "give --report another path",
        )
        for suffix, path in {
            "": "kanal.db",
            " by another spelling": "nowhere/../kanal.db",
            "'s WAL": "kanal.db-wal",
            "'s shared memory": "kanal.db-shm",
            "'s rollback journal": "kanal.db-journal",
        }.items()
    },
    "FILE is a device": (
        ["/dev/null"],
        "error: /dev/null is not a regular file (a pipe, a device): save the export to a file and import "
        "that (an import reads its file again to --resume)",
    ),
    "FILE is a directory": (["{dir}"], "error: {dir} is a directory, not a file"),
    "FILE is .": (["."], "error: . is a directory, not a file"),
    "FILE is /": (["/"], "error: / is a directory, not a file"),
    "FILE is missing": (["{dir}/missing.jsonl"], "error: no file {dir}/missing.jsonl"),
}


@pytest.mark.parametrize("case", FILES, ids=list(FILES))
def test_unusable_files_are_refused_before_anything_is_opened(tmp_path: Path, case: str):
    source = write_jsonl(tmp_path / "orders.state", [order(0)])  # also the state file of a report "orders"
    content = source.read_bytes()
    arguments, message = FILES[case]
    arguments = [argument.format(dir=tmp_path, file=source) for argument in arguments]
    database = tmp_path / "kanal.db"
    done = kanal_import(f"sqlite+aiosqlite:///{database}", *arguments, "--store", "123", "--resource", "orders")
    assert done.returncode == 1, done.stderr
    assert " ".join(done.stderr.split()) == message.format(dir=tmp_path, file=source)  # as wrapped to the terminal
    assert source.read_bytes() == content
    assert sorted(path.name for path in tmp_path.iterdir()) == ["orders.state"]


def test_a_file_that_is_a_pipe_is_refused(tmp_path: Path) -> None:
    """A named pipe (an export piped in) is read once: an import reads its file again to resume."""
    pipe = tmp_path / "orders.jsonl"
    os.mkfifo(pipe)
    database = tmp_path / "kanal.db"
    done = kanal_import(f"sqlite+aiosqlite:///{database}", pipe, "--store", "123", "--resource", "orders")
    assert (done.returncode, done.stdout) == (1, "")
    assert " ".join(done.stderr.split()) == (
        f"error: {pipe} is not a regular file (a pipe, a device): save the export to a file and import that "
        "(an import reads its file again to --resume)"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["orders.jsonl"]


@pytest.mark.parametrize("fifo", ["report", "state"])
def test_a_report_or_state_that_is_a_pipe_is_refused(tmp_path: Path, fifo: str):
    """A named pipe is no file to write a report or a state into (opening it would wait for a
    reader), nor to read a state from."""
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0)])
    report = tmp_path / "refused.jsonl"
    pipe = report if fifo == "report" else tmp_path / "refused.jsonl.state"
    os.mkfifo(pipe)
    database = tmp_path / "kanal.db"
    done = kanal_import(
        f"sqlite+aiosqlite:///{database}", source, "--store", "123", "--resource", "orders", "--report", str(report)
    )
    assert (done.returncode, done.stdout) == (1, "")
    expected = (
        f"error: the report {report} is not a regular file: give --report a file path"
        if fifo == "report"
        else f"error: the report's state file {pipe} is not a regular file: give --report another path"
    )
    assert " ".join(done.stderr.split()) == expected
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(["orders.jsonl", pipe.name])


def test_a_report_naming_the_database_leaves_it_whole(tmp_path: Path) -> None:
    """The case found: an import with --report naming the live database emptied it."""
    from tests.realserver import prepare

    url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    prepare(url, "sqlite")
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0)])
    before = (tmp_path / "kanal.db").read_bytes()
    done = kanal_import(url, source, "--store", "123", "--resource", "orders", "--report", tmp_path / "kanal.db")
    assert (done.returncode, done.stdout) == (1, "")
    assert "would overwrite the database" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "kanal.db").read_bytes() == before


# a report no file can be made as, or written: path -> the system's reason
UNWRITABLE = {
    "in a file system that makes no files (/sys)": ("/sys/kanal-report.jsonl", "Permission denied"),
    "in one whose names are its own (/proc)": ("/proc/kanal-report.jsonl", "No such file or directory"),
    "a file that takes no appending (/proc/self/status)": ("/proc/self/status", "No such file or directory"),
    # writable, as /proc/sys/kernel/hostname is: refused before it is opened (and emptied)
    "a file that takes writes, in a directory that takes no new file": ("/proc/self/comm", "No such file or directory"),
}


@pytest.mark.parametrize("case", UNWRITABLE, ids=list(UNWRITABLE))
def test_a_report_that_cannot_be_written_is_one_line(tmp_path: Path, case: str) -> None:
    from tests.realserver import prepare

    url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    prepare(url, "sqlite")
    path, reason = UNWRITABLE[case]
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0)])
    done = kanal_import(url, source, "--store", "123", "--resource", "orders", "--report", path)
    assert (done.returncode, done.stdout) == (1, "")
    assert " ".join(done.stderr.split()) == f"error: the report {path} cannot be written: {reason}"


def test_a_report_on_the_journal_beside_a_linked_databases_target_is_refused(tmp_path: Path) -> None:
    """DATABASE_URL naming a symbolic link: SQLite keeps its journal files beside the target."""
    from tests.realserver import prepare

    prepare(f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}", "sqlite")
    (tmp_path / "current.db").symlink_to("shop.db")
    url = f"sqlite+aiosqlite:///{tmp_path / 'current.db'}"
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0)])
    for journal in ("shop.db-wal", "shop.db-shm", "shop.db-journal", "shop.db"):
        done = kanal_import(url, source, "--store", "123", "--resource", "orders", "--report", tmp_path / journal)
        assert (done.returncode, done.stdout) == (1, ""), journal
        assert " ".join(done.stderr.split()) == (
            f"error: the report {tmp_path / journal} would overwrite the database {tmp_path / 'current.db'}: "
            "give --report another path"
        )


def test_a_report_on_another_sqlite_database_is_refused(tmp_path: Path) -> None:
    """A server's database an import over --url may not know of: known by its first bytes."""
    import sqlite3

    other = tmp_path / "server.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE orders (id INTEGER)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    done = _refused_report(tmp_path, other)
    assert " ".join(done.stderr.split()) == (
        f"error: the report {other} would overwrite the SQLite file {other}: give --report another path"
    )
    assert other.read_bytes() == before


def _refused_report(tmp_path: Path, report: Path) -> subprocess.CompletedProcess[str]:
    """An import of one order with `report`, on no database: refused before any is opened."""
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0)])
    database = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    done = kanal_import(database, source, "--store", "123", "--resource", "orders", "--report", report)
    assert (done.returncode, done.stdout) == (1, "")
    return done


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_report_linked_to_another_imports_state_is_refused(tmp_path: Path, link: str) -> None:
    state = tmp_path / "a.jsonl.report.jsonl.state"
    state.write_text('{"line": 10}')
    report = tmp_path / "r1.jsonl"
    if link == "symbolic":
        report.symlink_to(state.name)
        expected = (
            f"error: the report {report} is named as an import's state file (….state): give --report another path"
        )
    else:
        os.link(state, report)
        expected = (
            f"error: the report {report} would overwrite a file of other names (hard links): give --report another path"
        )
    done = _refused_report(tmp_path, report)
    assert " ".join(done.stderr.split()) == expected
    assert state.read_text() == '{"line": 10}'


def test_a_long_report_name_leaves_room_for_its_state(tmp_path: Path) -> None:
    """A report's name up to 249 characters: its state (six more) fits in a name, and the state
    is written under a short name of its own, then renamed."""
    from tests.realserver import prepare

    url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    prepare(url, "sqlite")
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0)])
    report = tmp_path / ("r" * 249)
    done = kanal_import(url, source, "--store", "123", "--resource", "orders", "--report", report)
    assert done.returncode == 0, done.stderr
    assert "1 record" in done.stdout and "1 created" in done.stdout
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith("kanal.db")) == sorted(
        ["orders.jsonl", report.name, report.name + ".state"]
    )
