"""README "Importing a shop's history": wrong arguments are refused before anything is read or
written, with a short message (exit 2 for a malformed argument, 1 for arguments that do not go
together)."""

from __future__ import annotations

import os
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
        1,
        "error: --key goes with --url (without it the import runs in this process).",
    ),
    "--url without a key": (["--url", "http://127.0.0.1:9"], 1, "error: --url needs --key (or KANAL_KEY)."),
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
    assert not (tmp_path / "orders.jsonl.report.jsonl").exists() and not database.exists()
    assert "KANAL_KEY" not in os.environ
