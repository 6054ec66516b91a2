"""README "Importing a shop's history": a file cut short while it is being imported (an export
written again in place, `> orders.jsonl`) had its new end read as its end, and the import ended
with its summary, exit status 0, as though it had read the file whole. It now ends saying the
file changed while it was read, in one line, exit status 1, then the line confirmed, from which
`--resume` goes on once the file is whole again."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.imports.files import order, start_import, write_jsonl
from tests.realserver import Prepared

LINES = 3000


def _confirmed(state: Path) -> int:
    try:
        return int(json.loads(state.read_text())["line"])
    except (OSError, ValueError, KeyError):
        return 0


# name -> the bytes the file is cut to, from its whole bytes
CUTS = {
    "cut at a line's end": lambda whole: whole[: sum(len(line) for line in whole.splitlines(True)[:2000])],
    "cut mid-line": lambda whole: whole[: sum(len(line) for line in whole.splitlines(True)[:2000]) - 10],
    "emptied": lambda whole: b"",
}


@pytest.mark.parametrize("cut", list(CUTS))
def test_a_file_cut_short_while_read_ends_the_import_saying_so(prepared: Prepared, tmp_path: Path, cut: str) -> None:
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(LINES)])
    state = tmp_path / "orders.jsonl.report.jsonl.state"
    whole = source.read_bytes()
    process = start_import(prepared.url, source, "--store", "123", "--resource", "orders", "--batch-size", "10")
    try:
        for _ in range(600):  # until some batches are confirmed: the file is cut while it is read
            if _confirmed(state) >= 30 or process.poll() is not None:
                break
            time.sleep(0.05)
        left = CUTS[cut](whole)
        with source.open("r+b") as file:  # in place, as `>` writes it: the file being read
            file.write(left)
            file.truncate(len(left))
            os.fsync(file.fileno())
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    confirmed = _confirmed(state)
    assert 30 <= confirmed < LINES
    assert (process.returncode, stderr.splitlines()[-1]) == (
        1,
        f"error: {source} changed while it was being imported ({len(left):,} bytes, {len(whole):,} when it "
        "began): it was not read whole",
    )
    assert stdout == (
        f"Stopped after line {confirmed:,}. Once that is put right, "
        "run the same command with --resume to go on from there.\n"
    )


def test_a_file_rewritten_as_long_while_read_says_to_import_it_again(prepared: Prepared, tmp_path: Path) -> None:
    """Its lines all read, but its first lines no longer those read: not a file cut short, and
    `--resume` past its end would send nothing; importing it again sends it as it now is."""
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(LINES)])
    state = tmp_path / "orders.jsonl.report.jsonl.state"
    whole = source.read_bytes()
    rewritten = whole.replace(b'"H-0"', b'"H-X"', 1)
    assert len(rewritten) == len(whole) and rewritten != whole
    process = start_import(prepared.url, source, "--store", "123", "--resource", "orders", "--batch-size", "10")
    try:
        for _ in range(600):
            if _confirmed(state) >= 30 or process.poll() is not None:
                break
            time.sleep(0.05)
        with source.open("r+b") as file:  # in place, the same length
            file.write(rewritten)
            os.fsync(file.fileno())
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert (process.returncode, stdout, stderr.splitlines()[-1]) == (
        1,
        "",
        f"error: {source} was rewritten while it was being imported (its first {LINES:,} lines are no longer "
        "those read): run the same command without --resume to import it as it is now",
    )
