"""README "Importing a shop's history": over HTTP the import stops with one line (exit status 1)
when it cannot go on. A `--url` answering `200` with something other than the batch answer (a
proxy's login page, another service) is such a case: it stopped with a Python traceback."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.imports.sinks import ImportFailed, OverHttp
from app.imports.sources import Record

ENDPOINT = "http://kanal.test/api/v1/stores/123/orders/batch"
RECORDS = [Record(1, data={"external_id": "A"}), Record(2, data={"external_id": "B"})]


def _said(text: str) -> str:
    return f"{ENDPOINT} answered 200 without one result per record of the batch (is --url the Kanal server?): {text}"


# the body a 200 carries -> the import's error
ANSWERS: dict[str, tuple[httpx.Response, str]] = {
    "an HTML page": (
        httpx.Response(200, text="<html>proxy login</html>"),
        _said("<html>proxy login</html>"),
    ),
    "a JSON list": (httpx.Response(200, json=[]), _said("[]")),
    "no results": (httpx.Response(200, json={"results": []}), _said('{"results":[]}')),
    "fewer results": (
        httpx.Response(200, json={"results": [{"index": 0, "status": 201}]}),
        _said('{"results":[{"index":0,"status":201}]}'),
    ),
    "a result without a status": (
        httpx.Response(200, json={"results": [{"index": 0, "status": 201}, {"index": 1}]}),
        _said('{"results":[{"index":0,"status":201},{"index":1}]}'),
    ),
    "a result that is no object": (
        httpx.Response(200, json={"results": [{"index": 0, "status": 201}, 7]}),
        _said('{"results":[{"index":0,"status":201},7]}'),
    ),
}


@pytest.mark.parametrize("name", ANSWERS, ids=list(ANSWERS))
async def test_a_200_that_is_no_batch_answer_stops_the_import_with_one_line(name: str):
    answer, message = ANSWERS[name]
    sink = OverHttp("http://kanal.test", "key", 123, "orders", backfill=True)
    await sink.client.aclose()
    sink.client = httpx.AsyncClient(transport=httpx.MockTransport(lambda request: answer))
    records: list[Any] = RECORDS
    try:
        with pytest.raises(ImportFailed) as failure:
            await sink.send(records)
    finally:
        await sink.close()
    assert str(failure.value) == message
