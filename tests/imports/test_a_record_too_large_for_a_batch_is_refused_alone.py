"""README "Importing a shop's history": over HTTP, a record that alone makes a batch body the
server cannot take (over 5 MiB, or answered 413 by a proxy with a lower limit) is refused on
its own line of the report, never sent; the records around it are written and the import
goes on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.imports.sinks import Outcome, OverHttp
from app.imports.sources import Record
from tests.imports.files import kanal_import, order, report, write_jsonl
from tests.realserver import Prepared, read_tables, serving

MIB = 1024 * 1024
BIG = order(1, metadata={"blob": "b" * (5 * MIB)})
BIG_BODY = len(('{"items": [' + json.dumps(BIG) + "]}").encode())
BIG_MESSAGE = (
    f"This record alone makes a batch body of {BIG_BODY:,} bytes; a batch takes at most 5,242,880 bytes, "
    "and each of its records at most what a single POST takes (KANAL_MAX_BODY_BYTES, 1,048,576 by default)."
)

# (records of the file, --batch-size) -> the orders stored, the report's lines
FILES = {
    "mid-batch": ([order(0), BIG, order(2)], 3),
    "a batch of its own": ([order(0), BIG, order(2)], 1),
    "last of the file": ([order(0), order(2), BIG], 1000),
}


@pytest.mark.parametrize("name", FILES, ids=list(FILES))
async def test_a_record_over_the_batch_limit_is_refused_on_its_line(prepared: Prepared, tmp_path: Path, name: str):
    lines, batch_size = FILES[name]
    source = write_jsonl(tmp_path / "orders.jsonl", lines)
    with serving(prepared.url) as server:
        done = kanal_import(
            prepared.url, source, "--store", "123", "--resource", "orders", "--batch-size", str(batch_size),
            "--url", server.base_url, "--key", prepared.key,
        )  # fmt: skip
        assert server.tracebacks() == ""
    assert (done.returncode, done.stderr.count("Traceback")) == (0, 0), done.stderr[-2000:]
    assert "3 records in " in done.stdout
    assert ": 2 created, 0 replaced or replayed, 0 stale, 1 refused" in done.stdout
    assert report(tmp_path / "orders.jsonl.report.jsonl") == [
        {"line": lines.index(BIG) + 1, "external_id": "H-1", "message": BIG_MESSAGE, "errors": {"": [BIG_MESSAGE]}}
    ]
    assert [row["external_id"] for row in (await read_tables(prepared.url, "orders"))["orders"]] == ["H-0", "H-2"]


def _record(line: int, size: int) -> Record:
    """A record whose JSON text is `size` bytes."""
    return Record(line, data={}, text='{"x": "' + "a" * (size - 9) + '"}')


def _proxy(limit: int) -> httpx.MockTransport:
    """A server behind a proxy that answers 413 to a body over `limit` bytes."""

    def answer(request: httpx.Request) -> httpx.Response:
        if len(request.content) > limit:
            return httpx.Response(413, text="Request Entity Too Large")
        items = json.loads(request.content)["items"]
        return httpx.Response(200, json={"results": [{"index": i, "status": 201} for i in range(len(items))]})

    return httpx.MockTransport(answer)


WRAPPED = 2000 + len('{"items": []}')  # a batch body of one record of 2,000 bytes
PROXY_MESSAGE = f"The server refused a batch of this record alone as too large (413): {WRAPPED:,} bytes."
REFUSED_BY_PROXY = Outcome(422, message=PROXY_MESSAGE, errors={"": [PROXY_MESSAGE]})

# (sizes of the records' JSON, the proxy's limit) -> each record's outcome
BATCHES: dict[str, tuple[list[int], int, list[Outcome]]] = {
    "all fit": ([500, 500, 500], 2000, [Outcome(201)] * 3),
    "halved": ([900, 900, 900], 2000, [Outcome(201)] * 3),
    "one too large, mid-batch": ([500, 2000, 500], 2000, [Outcome(201), REFUSED_BY_PROXY, Outcome(201)]),
    "one too large, alone": ([2000], 2000, [REFUSED_BY_PROXY]),
}


@pytest.mark.parametrize("name", BATCHES, ids=list(BATCHES))
async def test_a_batch_a_proxy_answers_413_is_halved_down_to_the_record(name: str):
    sizes, limit, expected = BATCHES[name]
    sink = OverHttp("http://kanal.test", "key", 123, "orders", backfill=True)
    await sink.client.aclose()
    sink.client = httpx.AsyncClient(transport=_proxy(limit))
    records: list[Any] = [_record(n, size) for n, size in enumerate(sizes, start=1)]
    try:
        assert await sink.send(records) == expected
    finally:
        await sink.close()


async def test_in_this_process_a_record_over_the_single_limit_is_refused_on_its_line(prepared, tmp_path: Path):
    big = order(1, metadata={"blob": "b" * (2 * MIB)})
    size = len(json.dumps(big, separators=(",", ":")).encode())
    message = f"The item is {size:,} bytes as JSON; a single POST takes at most {MIB:,} bytes."
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0), big, order(2)])
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert (done.returncode, done.stderr.count("Traceback")) == (0, 0), done.stderr[-2000:]
    assert ": 2 created, 0 replaced or replayed, 0 stale, 1 refused" in done.stdout
    assert report(tmp_path / "orders.jsonl.report.jsonl") == [
        {"line": 2, "external_id": "H-1", "message": message, "errors": {"": [message]}}
    ]
    assert [row["external_id"] for row in (await read_tables(prepared.url, "orders"))["orders"]] == ["H-0", "H-2"]
