"""README "Importing a shop's history": over HTTP a `429` is waited out (`Retry-After`) and the
batch sent again, as often as the server asks; so is a `503` that carries `Retry-After` (the
server's database unavailable for a moment), at most `UNAVAILABLE_WAITS` times in a row for one
batch; each wait, a 429's as a 503's, said in one line and held to 1 s to a minute, whatever
`Retry-After` says (a 429's `0` sent the batch again in a tight loop, without a word); a `503`
without it, and any other status, stop the import at once. RFC 9110 §10.2.3 lets `Retry-After`
be seconds or an HTTP date (proxies and gateways send dates); a date, or a value neither,
stopped the import with a traceback. The answers here are
a proxy's as much as Kanal's: the transport stands in for the network (tests of the real server
answering 503: test_an_unavailable_database_is_waited_out.py)."""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.imports.sinks import UNAVAILABLE_WAITS, ImportFailed, ImportStopped, Outcome, OverHttp
from app.imports.sources import Record

ENDPOINT = "http://kanal.test/api/v1/stores/123/orders/batch"
WRITTEN = httpx.Response(200, json={"results": [{"index": 0, "status": 201}]})
IN_30_S = "an HTTP date 30 s from now"

# the first answer's Retry-After (None: no such header) -> the seconds waited before sending
# again, a 429's as a 503's: within UNAVAILABLE_PAUSE, 1 s to a minute (a 429's `0` resent the
# batch in a tight loop, and a date years ahead hung the import)
WAITS: dict[str, tuple[str | None, float]] = {
    "seconds": ("3", 3.0),
    "zero seconds": ("0", 1.0),
    "a date past": ("Wed, 21 Oct 2015 07:28:00 GMT", 1.0),
    "a date to come": ("Fri, 01 Jan 2100 00:00:10 GMT", 60.0),
    "a date within the minute": (IN_30_S, 30.0),  # the date written as the test runs
    "neither": ("soon", 1.0),
    "a fraction": ("1.5", 1.0),
    "absent": (None, 1.0),
    "minutes": ("600", 60.0),
}
# a 429's Retry-After, and a 503's carrying one (without it, a 503 stops at once: ANSWERS)
WAITED = [(429, name) for name in WAITS] + [(503, name) for name, (value, _) in WAITS.items() if value is not None]


def _sink(answers: Iterator[httpx.Response], said: list[str], sent: list[httpx.Request] | None = None) -> OverHttp:
    def answer(request: httpx.Request) -> httpx.Response:
        if sent is not None:
            sent.append(request)
        return next(answers)

    sink = OverHttp("http://kanal.test", "key", 123, "orders", backfill=True, say=said.append)
    sink.client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return sink


@pytest.fixture
def waited(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The seconds of each wait, none of them slept."""
    seconds: list[float] = []

    async def sleep(duration: float) -> None:
        seconds.append(duration)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    return seconds


@pytest.mark.parametrize(("status", "name"), WAITED, ids=[f"{status} {name}" for status, name in WAITED])
async def test_a_429_or_503_is_waited_out_as_its_retry_after_says(status: int, name: str, waited: list[float]):
    retry_after, expected = WAITS[name]
    if retry_after == IN_30_S:
        retry_after = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    answers = iter([httpx.Response(status, headers={"Retry-After": retry_after} if retry_after else {}), WRITTEN])
    said: list[str] = []
    sink = _sink(answers, said)
    records: list[Any] = [Record(1, data={"external_id": "A"})]
    try:
        assert await sink.send(records) == [Outcome(201)]
    finally:
        await sink.close()
    (seconds,) = waited
    assert seconds == pytest.approx(expected, abs=2)
    reason = "429 (over its rate limit)" if status == 429 else "503 (unavailable for now)"
    (line,) = said  # each wait said in one line, a 429's as a 503's
    assert line.startswith(f"warning: {ENDPOINT} answered {reason}: sending the batch from line 1 again in ")


# The first answers to a batch (status, Retry-After), all the same, then a 200 -> the waits and
# the import's own lines, or the ImportFailed that stops it (no more sent once it is raised)
DONE = [Outcome(201)]
LINE = f"warning: {ENDPOINT} answered 503 (unavailable for now): sending the batch from line 41 again in 5 s"
THROTTLED = f"warning: {ENDPOINT} answered 429 (over its rate limit): sending the batch from line 41 again in 5 s"
ANSWERS: dict[str, tuple[int, int, str | None, list[float], Any]] = {
    "a 503 with Retry-After": (1, 503, "5", [5.0], [f"{LINE} (wait 1 of {UNAVAILABLE_WAITS})"]),
    "503s up to the bound": (
        UNAVAILABLE_WAITS, 503, "5", [5.0] * UNAVAILABLE_WAITS,
        [f"{LINE} (wait {n} of {UNAVAILABLE_WAITS})" for n in range(1, UNAVAILABLE_WAITS + 1)],
    ),
    "a 503 past the bound": (
        UNAVAILABLE_WAITS + 1, 503, "5", [5.0] * UNAVAILABLE_WAITS,
        f"{ENDPOINT} answered 503 again after {UNAVAILABLE_WAITS} waits ({5 * UNAVAILABLE_WAITS} s of waiting in all): down",
    ),
    "a 503 without Retry-After": (1, 503, None, [], f"{ENDPOINT} answered 503: down"),
    "a 503 with a blank Retry-After": (1, 503, " ", [], f"{ENDPOINT} answered 503: down"),
    "429s past the 503's bound": (
        UNAVAILABLE_WAITS + 3, 429, "5", [5.0] * (UNAVAILABLE_WAITS + 3), [THROTTLED] * (UNAVAILABLE_WAITS + 3)
    ),
    "a 429 with Retry-After: 0": (2, 429, "0", [1.0, 1.0], [THROTTLED.replace("5 s", "1 s")] * 2),
    "a 500 with Retry-After": (1, 500, "5", [], f"{ENDPOINT} answered 500: down"),
    "a 502 with Retry-After": (1, 502, "5", [], f"{ENDPOINT} answered 502: down"),
}  # fmt: skip


@pytest.mark.parametrize("name", ANSWERS, ids=list(ANSWERS))
async def test_what_each_answer_does(name: str, waited: list[float]) -> None:
    times, status, retry_after, waits, expected = ANSWERS[name]
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    sent: list[httpx.Request] = []
    answers = iter([*(httpx.Response(status, headers=headers, text="down") for _ in range(times)), WRITTEN])
    said: list[str] = []
    sink = _sink(answers, said, sent)
    try:
        if isinstance(expected, str):
            with pytest.raises(ImportFailed) as failed:
                await sink.send([Record(41, data={"external_id": "A"})])
            assert (str(failed.value), len(sent)) == (expected, times)
        else:
            assert await sink.send([Record(41, data={"external_id": "A"})]) == DONE
            assert (said, len(sent)) == (expected, times + 1)
    finally:
        await sink.close()
    assert waited == waits


async def test_each_batch_has_its_own_waits(waited: list[float]) -> None:
    """The bound is for one batch in a row: a batch after one that waited it all out waits again."""
    unavailable = httpx.Response(503, headers={"Retry-After": "5"}, text="down")
    answers = iter([*[unavailable] * UNAVAILABLE_WAITS, WRITTEN, *[unavailable] * UNAVAILABLE_WAITS, WRITTEN])
    said: list[str] = []
    sink = _sink(answers, said)
    try:
        for line in (1, 2):
            assert await sink.send([Record(line, data={"external_id": f"A{line}"})]) == DONE
    finally:
        await sink.close()
    assert (len(waited), [line.split(" again")[0][-6:] for line in said[::UNAVAILABLE_WAITS]]) == (
        2 * UNAVAILABLE_WAITS,
        ["line 1", "line 2"],
    )


async def test_a_stop_while_the_batch_is_at_the_server_stops_without_a_wait(waited: list[float]) -> None:
    """A Ctrl-C while the batch is at the server, whose answer is a 503 with Retry-After: the
    import stops as that answer comes, without announcing a wait it will not make."""
    said: list[str] = []
    sent: list[httpx.Request] = []
    sink = _sink(iter([httpx.Response(503, headers={"Retry-After": "5"}, text="down"), WRITTEN]), said, sent)
    sink.client.event_hooks["request"].append(_stop_then(sink))
    try:
        with pytest.raises(ImportStopped):
            await sink.send([Record(41, data={"external_id": "A"})])
    finally:
        await sink.close()
    assert (said, waited, len(sent)) == ([], [], 1)


def _stop_then(sink: OverHttp) -> Any:
    async def stop(_request: httpx.Request) -> None:  # the Ctrl-C comes while the request is out
        sink.stop.set()

    return stop
