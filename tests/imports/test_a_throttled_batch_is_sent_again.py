"""README "Importing a shop's history": over HTTP a `429` is waited out (`Retry-After`) and the
batch sent again. RFC 9110 §10.2.3 lets `Retry-After` be seconds or an HTTP date (proxies and
gateways send dates); a date, or a value neither, stopped the import with a traceback."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from app.imports.sinks import Outcome, OverHttp
from app.imports.sources import Record

# the first answer's Retry-After (None: no such header) -> the seconds waited before sending
# again (None: the seconds from now to its date)
WAITS: dict[str, tuple[str | None, float | None]] = {
    "seconds": ("3", 3.0),
    "zero seconds": ("0", 0.0),
    "a date past": ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    "a date to come": ("Fri, 01 Jan 2100 00:00:10 GMT", None),
    "neither": ("soon", 1.0),
    "a fraction": ("1.5", 1.0),
    "absent": (None, 1.0),
}


@pytest.mark.parametrize("name", WAITS, ids=list(WAITS))
async def test_a_429_is_waited_out_as_its_retry_after_says(name: str, monkeypatch: pytest.MonkeyPatch):
    retry_after, expected = WAITS[name]
    answers = iter(
        [
            httpx.Response(429, headers={} if retry_after is None else {"Retry-After": retry_after}),
            httpx.Response(200, json={"results": [{"index": 0, "status": 201}]}),
        ]
    )
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    sink = OverHttp("http://kanal.test", "key", 123, "orders", backfill=True)
    await sink.client.aclose()
    sink.client = httpx.AsyncClient(transport=httpx.MockTransport(lambda request: next(answers)))
    records: list[Any] = [Record(1, data={"external_id": "A"})]
    try:
        assert await sink.send(records) == [Outcome(201)]
    finally:
        await sink.close()
    if expected is None:
        (seconds,) = waited
        assert seconds == pytest.approx(
            (datetime(2100, 1, 1, 0, 0, 10, tzinfo=UTC) - datetime.now(UTC)).total_seconds(), abs=5
        )
    else:
        assert waited == [expected]
