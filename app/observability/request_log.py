"""One JSON line per request on stderr, and the X-Request-Id header.

A line holds: `time` (UTC), `request_id`, `method`, `route` (the template, e.g.
`/api/v1/stores/{store_id}/orders`; `unmatched` when no route matched), `status`,
`duration_ms`, `store` (the store id the request named, or null), and `resource` and
`outcome` of the records it wrote (null when none; several joined by commas), and `errors`,
the codes of a GraphQL answer's top-level errors (null when none). Nothing else
from the request: never a key, a phone, an email, a name, a path's ids or a query string.

Expected client errors (401, 403, 404, 422, 429, a bad `first`) are this one line; an
unexpected error is this line (status 500) and the traceback logged where it was caught
(`app.main`). GraphQL errors a resolver raises on purpose (a `GraphQLError`: refusals,
throttling, bad arguments) are not logged again by Strawberry (`ExpectedGraphQLErrors`).

The lines are written to the stream themselves, not through `logging` (a log record costs more
than the rest of this module's work on a request together; scripts/bench_observability.py
measures the rest), and not one write each: the lines of one turn of the event loop are written
together at its end (`flush`), in writes of whole lines of at most PIPE_BUF bytes, each atomic
on a pipe shared by the processes of `--workers N`. Under ingest load a turn answers tens of
requests, and a system call per line cost more than the line itself."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import sys
import time
from collections import Counter
from typing import TextIO

import orjson
from graphql import GraphQLError
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.schema.exceptions import CannotGetOperationTypeError

from . import facts, metrics, request_id
from .writes import OUTCOMES

UNMATCHED = "unmatched"
_enabled = True
_sink: TextIO | None = None  # None: sys.stderr as it is when a line is written
_pending: list[str] = []  # this turn's lines, written by `flush`
_PIPE_BUF = 4096  # POSIX: a write of at most this many bytes to a pipe is never interleaved


class Observed:
    """ASGI middleware, outermost: request id, timing, metrics and the log line. An exception
    that reaches it has been answered (500) and logged by the app's handler: not raised again
    (the server would print its traceback a second time)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        rid = None
        for name, value in scope["headers"]:
            if name == request_id.HEADER:
                rid = request_id.accepted(value)
                break
        rid = rid or request_id.new()
        header = (request_id.HEADER, rid.encode("ascii"))
        seen = facts.Facts(rid)
        token = facts.current.set(seen)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if status != 500:  # raised after a response had started: the handler never saw it
                raise
        finally:
            facts.current.reset(token)
            seconds = time.perf_counter() - started
            route = scope.get("route")
            template = _template(route.path) if route is not None else UNMATCHED
            metrics.observe_request(template, scope["method"], status, seconds)
            if _enabled:
                _write_soon(_line(seen, scope, template, status, seconds))


def _write_soon(line: str) -> None:
    """Keep `line` for the write at the end of this turn of the loop (now, outside a loop)."""
    _pending.append(line)
    if len(_pending) == 1:
        try:
            asyncio.get_running_loop().call_soon(flush)
        except RuntimeError:
            flush()


def flush() -> None:
    """Write the lines kept so far: whole lines, at most PIPE_BUF bytes a write (a longer
    line alone), then flush the stream."""
    if not _pending:
        return
    lines = _pending[:]
    _pending.clear()
    stream = sys.stderr if _sink is None else _sink
    chunk: list[str] = []
    size = 0
    for line in lines:
        if chunk and size + len(line) > _PIPE_BUF:
            stream.write("".join(chunk))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line)  # ASCII: route templates, ids, codes and the method token
    stream.write("".join(chunk))
    stream.flush()


_CONVERTER = re.compile(r"\{(\w+):\w+\}")


@functools.lru_cache(maxsize=256)
def _template(path: str) -> str:
    """A route's path as OpenAPI writes it: `{external_id:path}` is `{external_id}`."""
    return _CONVERTER.sub(r"{\1}", path)


_second = -1
_second_text = ""


def _now() -> str:
    """The time as RFC 3339 UTC with milliseconds; the text of the second is kept (it changes
    once a second, requests come more often)."""
    global _second, _second_text
    now = time.time()
    second = int(now)
    if second != _second:
        _second, _second_text = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
    return f"{_second_text}.{int((now - second) * 1000):03d}+00:00"


def _line(seen: facts.Facts, scope: Scope, route: str, status: int, seconds: float) -> str:
    resource = outcome = None
    if seen.records:
        resource, outcome = _counted(seen.records)
    return orjson.dumps(
        {
            "time": _now(),
            "request_id": seen.request_id,
            "method": scope["method"],
            "route": route,
            "status": status,
            "duration_ms": round(seconds * 1000, 3),
            "store": seen.store,
            "resource": resource,
            "outcome": outcome,
            "errors": seen.errors,
        },
        option=orjson.OPT_APPEND_NEWLINE,
    ).decode()


def _counted(records: list[tuple[str, str]]) -> tuple[str, str]:
    """The line's `resource` and `outcome` of a request's (resource, outcome) pairs: the
    resources written, each once in the order first seen, and each outcome once with its count
    when more than one, in the order of `writes.OUTCOMES`, e.g. ("order",
    "created:998,rejected:2") for a batch. A line stays short whatever the batch (log shippers
    split lines over 16 KiB); the pairs are counted by the `kanal_records_written_total` metric."""
    if len(records) == 1:  # a single write: the pair itself
        return records[0]
    resources = ",".join(dict.fromkeys(resource for resource, _ in records))
    counts = Counter(outcome for _, outcome in records)
    return resources, ",".join(
        outcome if counts[outcome] == 1 else f"{outcome}:{counts[outcome]}" for outcome in OUTCOMES if outcome in counts
    )


class ExpectedGraphQLErrors(logging.Filter):
    """Drops Strawberry's log of an error a resolver raised on purpose (a GraphQLError, e.g.
    UNAUTHENTICATED, THROTTLED, BAD_USER_INPUT), a query the schema refused or a document that
    chooses no operation: answered to the client, and on the request's line; a traceback each
    said nothing. A database that cannot serve now and a read past its time budget never reach
    it: graphql_schema/error_log.py logs them, one warning line naming the request. Any other
    exception keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if not isinstance(error, GraphQLError):
            return True
        original = error.original_error
        # A document that chooses no operation (GraphQL spec §6.1) is a request error the client
        # is told: over HTTP a 400, over the websocket the socket's close reason (4400).
        return original is not None and not isinstance(original, GraphQLError | CannotGetOperationTypeError)


def install(enabled: bool) -> None:
    """Request lines on (`enabled`) or off, and Strawberry's log of expected errors filtered.
    Idempotent."""
    global _enabled
    _enabled = enabled
    strawberry = logging.getLogger("strawberry.execution")
    if not any(isinstance(f, ExpectedGraphQLErrors) for f in strawberry.filters):
        strawberry.addFilter(ExpectedGraphQLErrors())


def enabled() -> bool:
    return _enabled


def write_to(stream: TextIO | None) -> None:
    """Write the lines to `stream` (None: stderr), those kept so far first to the old one."""
    global _sink
    flush()
    _sink = stream
