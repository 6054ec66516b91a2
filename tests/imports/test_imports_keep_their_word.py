"""`kanal import` as README "Importing a shop's history" promises it, where it once did not:
whole-number CSV columns are sent as numbers (every CSV cell is text, which the API takes
nowhere an integer goes); a damaged state file is refused in one line, not a traceback; a
`--report` named as a state file is refused; `--resume` cuts the report back to its confirmed
position (a batch's refused lines are not written twice); over HTTP a record nested past any
field's depth is refused on its line, its neighbours written (it made the server refuse the
whole batch), and a stop during a 429's wait stops at once, the batch not sent."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.imports import run
from app.imports.sinks import MAX_RECORD_DEPTH, ImportStopped, Outcome, OverHttp, too_deep
from app.imports.sources import Record
from app.imports.whole_numbers import WHOLE_NUMBER_COLUMNS
from tests.imports.files import kanal_import, order, report, start_import, write_jsonl
from tests.realserver import Prepared, read_tables, serving
from tests.server import kanal

# resource -> (header, a row) whose whole-number cells are 1200 and 3, for each whole-number column
WHOLE = {
    "customers": ("external_id,phone,lifetime_value,orders_count", "CU-1,+33612345601,1200,3"),
    "orders": (
        "external_id,placed_at,total_price,customer.phone,customer.lifetime_value,customer.orders_count",
        "O-1,2024-01-15T10:00:00Z,5,+33612345601,1200,3",
    ),
    "carts": (
        "external_id,abandoned_at,total_price,customer.phone,customer.lifetime_value,customer.orders_count",
        "C-1,2024-01-15T10:00:00Z,5,+33612345601,1200,3",
    ),
}


def test_the_whole_number_columns_are_every_integer_field() -> None:
    assert WHOLE_NUMBER_COLUMNS == {
        "lifetime_value", "orders_count", "customer.lifetime_value", "customer.orders_count",
    }  # fmt: skip
    for header, _row in WHOLE.values():
        assert {column for column in header.split(",") if column in WHOLE_NUMBER_COLUMNS}


@pytest.mark.parametrize("resource", list(WHOLE))
async def test_a_whole_number_cell_is_sent_as_a_number(prepared: Prepared, tmp_path: Path, resource: str) -> None:
    header, row = WHOLE[resource]
    source = tmp_path / f"{resource}.csv"
    source.write_text(f"{header}\n{row}\n")
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", resource)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not (tmp_path / f"{resource}.csv.report.jsonl").read_text()
    (contact,) = (await read_tables(prepared.url, "contacts"))["contacts"]
    assert (contact["lifetime_value"], contact["orders_count"]) == (1200, 3)


async def test_a_cell_that_writes_no_whole_number_is_refused_by_the_api(prepared: Prepared, tmp_path: Path) -> None:
    source = tmp_path / "customers.csv"
    cells = ['"1,200"', "１２", "1" * 5000, "99999999999999999999", "12"]  # the last one is
    rows = "".join(f"CU-{n},+3361234560{n},{cell}\n" for n, cell in enumerate(cells))
    source.write_text("external_id,phone,lifetime_value\n" + rows)
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "customers")
    assert (done.returncode, "Traceback" in done.stderr) == (0, False), done.stderr[-2000:]
    refused = report(tmp_path / "customers.csv.report.jsonl")
    assert [(line["line"], line["external_id"], list(line["errors"])) for line in refused] == [
        (2 + n, f"CU-{n}", ["lifetime_value"]) for n in range(4)
    ]
    stored = (await read_tables(prepared.url, "customers"))["customers"]
    assert [row["external_id"] for row in stored] == ["CU-4"]


# a state file's text -> refused with --resume
DAMAGED = {
    "empty": "",
    "not JSON": "{",
    "an empty object": "{}",
    "a list": "[1]",
    "a line that is text": None,  # the real state, its line made text
    "an unknown key": "extra",  # the real state, a key more
    "a negative line": "line",  # the real state, its line -5
    "a negative report size": "report_bytes",  # the real state, its report_bytes -5
    "nested past what JSON reads": "[" * 100_000,
}


@pytest.mark.parametrize("name", DAMAGED)
async def test_a_damaged_state_is_refused_in_one_line(prepared: Prepared, tmp_path: Path, name: str) -> None:
    source = write_jsonl(tmp_path / "o.jsonl", [order(n) for n in range(3)])
    assert kanal_import(prepared.url, source, "--store", "123", "--resource", "orders").returncode == 0
    state_path = tmp_path / "o.jsonl.report.jsonl.state"
    state = json.loads(state_path.read_text())
    text = DAMAGED[name]
    if text is None:
        text = json.dumps({**state, "line": "x"})
    elif text == "extra":
        text = json.dumps({**state, "extra": 1})
    elif text in ("line", "report_bytes"):
        text = json.dumps({**state, text: -5})
    state_path.write_text(text)
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders", "--resume")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"error: {state_path} is not the state of an import (damaged, or another file): "
        "run without --resume to import the file whole, or give --report a new path.\n"
    )


def test_a_report_named_as_a_state_file_is_refused(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "o.jsonl", [order(1)])
    other = tmp_path / "other.jsonl.report.jsonl.state"
    other.write_text('{"kept": true}')
    done = kanal_import(
        "sqlite+aiosqlite:///unused.db", source, "--store", "123", "--resource", "orders", "--report", other
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"error: the report {other} is named as an import's state file (….state): give --report another path\n"
    )
    assert other.read_text() == '{"kept": true}'


async def test_a_resume_cuts_the_report_back_to_its_confirmed_position(prepared: Prepared, tmp_path: Path) -> None:
    """A kill after a batch's refused lines were written and before its position was confirmed:
    as the state of the first batch, with the report of both."""
    lines = [order(0), "not json", order(2), "not json either", order(4)]
    source = write_jsonl(tmp_path / "o.jsonl", lines)
    args = ("--store", "123", "--resource", "orders", "--batch-size", "2")
    assert kanal_import(prepared.url, source, *args).returncode == 0
    report_path = tmp_path / "o.jsonl.report.jsonl"
    full = report_path.read_text()
    assert [line["line"] for line in report(report_path)] == [2, 4]
    # the state as the first batch (lines 1-2) confirmed it
    state_path = tmp_path / "o.jsonl.report.jsonl.state"
    state = json.loads(state_path.read_text())
    prefix = run.Prefix(source, "jsonl")
    prefix.advance(2)
    first_report_line = full.splitlines(keepends=True)[0]
    state.update(
        line=2, created=1, refused=1, checked_bytes=prefix.size, checked_sha256=prefix.sha256.hexdigest(),
        report_bytes=len(first_report_line.encode()),
    )  # fmt: skip
    prefix.close()
    state_path.write_text(json.dumps(state))
    done = kanal_import(prepared.url, source, *args, "--resume")
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line["line"] for line in report(report_path)] == [2, 4]  # line 4 once
    assert report_path.read_text() == full


async def test_over_http_a_record_nested_past_any_field_is_refused_alone(prepared: Prepared, tmp_path: Path) -> None:
    deep = '{"a":' * 975 + '"bottom"' + "}" * 975  # past what json.dumps writes here
    lines = [order(0), order(1), json.dumps(order(2, metadata="DEEP")).replace('"DEEP"', deep), order(3), order(4)]
    source = write_jsonl(tmp_path / "o.jsonl", lines)
    with serving(prepared.url) as server:
        done = kanal_import(
            prepared.url,
            source,
            "--store",
            "123",
            "--resource",
            "orders",
            "--url",
            server.base_url,
            "--key",
            prepared.key,
        )
        assert server.tracebacks() == ""
    assert done.returncode == 0, done.stderr[-2000:]
    (refused,) = report(tmp_path / "o.jsonl.report.jsonl")
    assert (refused["line"], refused["message"]) == (3, too_deep().message)
    stored = [row["external_id"] for row in (await read_tables(prepared.url, "orders"))["orders"]]
    assert stored == ["H-0", "H-1", "H-3", "H-4"]


async def test_a_record_the_api_takes_is_written_in_this_process_and_over_http_alike(
    prepared: Prepared, tmp_path: Path
) -> None:
    """A customer's `metadata` is no field of a customer: ignored however deep (45 levels)."""
    deep = '{"k":' * 45 + '"x"' + "}" * 45
    line = '{"external_id": "D-45", "phone": "+33612345904", "metadata": ' + deep + "}"
    source = write_jsonl(tmp_path / "c.jsonl", [line])
    args = ("--store", "123", "--resource", "customers")
    assert kanal_import(prepared.url, source, *args).returncode == 0
    with serving(prepared.url) as server:
        done = kanal_import(prepared.url, source, *args, "--url", server.base_url, "--key", prepared.key)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("1 record in "), done.stdout  # one, not "1 records"
    assert "0 created, 1 replaced or replayed" in done.stdout  # written in process, replayed over HTTP
    assert not (tmp_path / "c.jsonl.report.jsonl").read_text()


async def test_a_record_nested_within_the_limit_is_sent() -> None:
    shallow: Any = "x"
    for _ in range(MAX_RECORD_DEPTH - 1):  # with the record's own object, MAX_RECORD_DEPTH levels
        shallow = [shallow]
    text = '{"metadata":' + "[" * (MAX_RECORD_DEPTH - 1) + '"x"' + "]" * (MAX_RECORD_DEPTH - 1) + "}"
    sent: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        return httpx.Response(200, json={"results": [{"index": 0, "status": 422, "message": "m", "errors": {}}]})

    sink = OverHttp("http://kanal.test", "key", 123, "orders", backfill=True)
    await sink.client.aclose()
    sink.client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    try:
        outcomes = await sink.send([Record(1, data={"metadata": shallow}, text=text)])
    finally:
        await sink.close()
    assert (len(sent), outcomes) == (1, [Outcome(422, message="m", errors={})])


async def test_a_stop_during_a_429_wait_stops_at_once() -> None:
    stop = threading.Event()
    sink = OverHttp("http://kanal.test", "key", 123, "orders", backfill=True, stop=stop)
    await sink.client.aclose()
    sink.client = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda request: httpx.Response(429, headers={"Retry-After": "60"}))
    )
    asyncio.get_running_loop().call_later(0.3, stop.set)
    began = time.monotonic()
    try:
        with pytest.raises(ImportStopped):
            await sink.send([Record(1, data={"external_id": "A"})])
    finally:
        await sink.close()
    assert time.monotonic() - began < 30  # not the 60 s the server asked for


async def test_ctrl_c_while_throttled_stops_with_the_position(prepared: Prepared, tmp_path: Path) -> None:
    """A store allowing one request a minute: the first batch goes, the second is told to wait;
    Ctrl-C then stops the import at once at the first batch's line."""
    kanal(prepared.url, "stores", "set-rate-limit", "123", "1")
    source = write_jsonl(tmp_path / "o.jsonl", [order(n) for n in range(3)])
    with serving(prepared.url) as server:
        process = start_import(
            prepared.url, source, "--store", "123", "--resource", "orders", "--batch-size", "1",
            "--url", server.base_url, "--key", prepared.key,
        )  # fmt: skip
        state_path = tmp_path / "o.jsonl.report.jsonl.state"
        for _ in range(600):  # the first batch confirmed
            if state_path.exists() and json.loads(state_path.read_text())["line"] == 1:
                break
            time.sleep(0.05)
        time.sleep(1.0)  # the second batch answered 429, its wait begun
        os.kill(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=20)  # not the minute the server asked for
    assert (process.returncode, "Traceback" in err) == (130, False), err[-2000:]
    assert out.splitlines()[-1] == "Stopped after line 1. Run the same command with --resume to go on from there."
    assert [row["external_id"] for row in (await read_tables(prepared.url, "orders"))["orders"]] == ["H-0"]
