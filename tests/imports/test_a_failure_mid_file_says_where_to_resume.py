"""README "Importing a shop's history": when the import cannot go on mid-file (the store paused,
the key revoked, the server failing), it says why in one line (exit status 1) and then, as a
Ctrl-C does, the line confirmed before it, from which `--resume` goes on; a failure before any
batch was sent (an unknown store) says why alone. The server here answers the first batch as
Kanal does and the second as a paused store's (404)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.imports.files import answer, first_batch_then, kanal_import, order, write_jsonl

PAUSED = b'{"error":"Store not found or paused"}'


@pytest.fixture
def failing_second_batch() -> Iterator[str]:
    """A server that answers its first batch with a 201 per item, then 404 to every batch."""
    with first_batch_then(lambda handler: answer(handler, 404, PAUSED)) as url:
        yield url


def test_a_failure_after_a_batch_says_the_line_to_resume_from(failing_second_batch: str, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(5)])
    args = ("--store", "123", "--resource", "orders", "--batch-size", "2", "--url", failing_second_batch)
    done = kanal_import("sqlite+aiosqlite:///unused.db", source, *args, "--key", "kanal_sk_live_x")
    endpoint = f"{failing_second_batch}/api/v1/stores/123/orders/batch"
    # after the progress bar, as it stood
    assert (done.returncode, done.stderr.splitlines()[-1]) == (1, f"error: {endpoint} answered 404: {PAUSED.decode()}")
    assert done.stdout == (
        "Stopped after line 2. Once that is put right, run the same command with --resume to go on from there.\n"
    )
    state = json.loads((tmp_path / "orders.jsonl.report.jsonl.state").read_text())
    assert (state["line"], state["created"]) == (2, 2)


def test_a_failure_before_any_batch_says_why_alone(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0)])
    done = kanal_import(f"sqlite+aiosqlite:///{tmp_path}/none.db", source, "--store", "123", "--resource", "orders")
    assert (done.returncode, done.stdout) == (1, "")
    assert "Stopped" not in done.stderr
