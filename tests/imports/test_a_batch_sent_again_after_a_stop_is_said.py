"""README "Resume": a batch sent but not confirmed when the import stopped (killed, a crash, the
connection lost) is sent again by `--resume`; where the stopped run wrote its records, each is
answered 200, a replay, and counted replaced or replayed. The summary says how many of those
were in that batch, on this run's line and the whole file's: the counts are by the answers,
and this import created them. The whole-file line said "5,890 created, 99 replaced or replayed"
of 5,989 orders this import created, without a word of why."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from tests.imports.files import answer, kanal_import, order, serving, start_import, write_jsonl
from tests.realserver import LiveServer, Prepared, read_tables

AGAIN = "sent again after a stop, their batch unconfirmed: replayed where the stopped run wrote them"


def _counts(created: int, updated: int, again: int) -> str:
    said = f" ({again} of them {AGAIN})" if again else ""
    return f"{created} created, {updated} replaced or replayed{said}, 0 stale, 0 refused"


# the lines the run before imported -> the state it left: the line confirmed, and the last line
# of the batch it had sent past it (None: none); then this run's counts and the whole file's
STOPS = {
    "a batch written, its answer lost": (4, 2, 4, (2, 2, 2), (4, 2, 2)),
    "a batch sent, never written": (2, 2, 4, (4, 0, 0), (6, 0, 0)),
    "a stop after its batch was confirmed": (4, 4, None, (2, 0, 0), (6, 0, 0)),
}


@pytest.mark.parametrize("name", STOPS)
async def test_a_resume_says_which_records_it_sent_again(prepared: Prepared, tmp_path: Path, name: str) -> None:
    imported, confirmed, sent, this_run, whole = STOPS[name]
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(imported)])
    args = (source, "--store", "123", "--resource", "orders", "--batch-size", "2")
    assert kanal_import(prepared.url, *args).returncode == 0
    state_path = tmp_path / "orders.jsonl.report.jsonl.state"
    state = json.loads(state_path.read_text())
    kept = b"".join(source.read_bytes().splitlines(keepends=True)[:confirmed])
    state.update(line=confirmed, record_line=confirmed, created=confirmed, sent_line=sent)
    state.update(checked_bytes=len(kept), checked_sha256=hashlib.sha256(kept).hexdigest())
    state_path.write_text(json.dumps(state))  # as the stopped run left it
    write_jsonl(source, [order(n) for n in range(6)])

    resumed = kanal_import(prepared.url, *args, "--resume")

    assert resumed.returncode == 0, resumed.stderr[-2000:]
    line, whole_file = resumed.stdout.splitlines()
    assert line.startswith(f"{6 - confirmed} records in ")
    assert line.split(": ", 1)[1] == _counts(*this_run) + " - backfill: no automation fired"
    assert whole_file == f"With the runs before, 6 records: {_counts(*whole)}"
    assert json.loads(state_path.read_text())["sent_line"] is None
    tables = await read_tables(prepared.url, "orders", "events")
    assert sorted(row["external_id"] for row in tables["orders"]) == sorted(f"H-{n}" for n in range(6))
    assert [event["type"] for event in tables["events"]] == ["order.created"] * 6


@contextmanager
def killing_on_batch(target: str, batch: int, process: list[subprocess.Popen[str]]) -> Iterator[str]:
    """A proxy to `target`, its base URL yielded, that passes each batch on and answers it,
    but kills the import (`process[0]`, SIGKILL) once the server has answered batch number
    `batch`: written, its answer never read."""
    posts: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            passed = ("Authorization", "Content-Type", "Kanal-Backfill")
            headers = {name: self.headers[name] for name in passed if self.headers[name] is not None}
            answered = httpx.post(target + self.path, content=body, headers=headers, timeout=60)
            posts.append(1)
            if len(posts) == batch and process:  # written: the import killed before its answer
                process[0].send_signal(signal.SIGKILL)
                process[0].wait(60)
                return
            answer(self, answered.status_code, answered.content)

        def log_message(self, *_args: object) -> None:  # quiet
            pass

    with serving(Handler) as url:
        yield url


async def test_a_batch_whose_answer_a_kill_lost_is_said_sent_again(prepared: Prepared, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(10)])
    server = LiveServer(prepared.url)
    process: list[subprocess.Popen[str]] = []
    try:
        with killing_on_batch(server.base_url, 3, process) as proxy:
            args = (source, "--store", "123", "--resource", "orders", "--batch-size", "2", "--url", proxy)
            process.append(start_import(prepared.url, *args, "--key", prepared.key))
            assert process[0].wait(120) == -signal.SIGKILL
            process.clear()  # the resume goes through the same URL, nothing killed
            resumed = kanal_import(prepared.url, *args, "--key", prepared.key, "--resume")
    finally:
        server.stop()
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert resumed.stdout.splitlines()[1] == f"With the runs before, 10 records: {_counts(8, 2, 2)}"
    tables = await read_tables(prepared.url, "orders", "events")
    assert len(tables["orders"]) == 10
    assert [event["type"] for event in tables["events"]] == ["order.created"] * 10
