"""Where an import's batches go: the batch service in this process, on the configured
database (`InProcess`), or a running server's batch endpoints (`OverHttp`). Both answer a
batch with one `Outcome` per record, in order."""

from __future__ import annotations

import asyncio
import email.utils
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from app.db.database import Database
from app.db.unavailable import DatabaseUnavailable
from app.domain.statuses import StoreStatus
from app.services import batches, carts, customers, order_batches, shipments, stores
from app.services.stores import Store

from .sources import Record

KINDS: dict[str, batches.Kind] = {
    "orders": order_batches.BATCH,
    "carts": carts.BATCH,
    "checkouts": carts.BATCH,
    "customers": customers.BATCH,
    "shipments": shipments.BATCH,
}


class ImportFailed(Exception):
    """The import cannot go on (unknown store, refused key, server error): said once, stopped.
    `confirmed`: the line confirmed before it, when it came while the file was being sent
    (`run`), so that the user is told where `--resume` goes on from; None before."""

    confirmed: int | None = None


class UnavailableMidFile(DatabaseUnavailable):
    """The database (in this process) became unavailable while the file was being sent: the CLI
    says why in its one line for an unavailable database (`cause`, as `DatabaseUnavailable`'s),
    then the line confirmed before it (`confirmed`), from which `--resume` goes on."""

    def __init__(self, unavailable: DatabaseUnavailable, confirmed: int):
        super().__init__(unavailable)
        self.cause, self.confirmed = unavailable.cause, confirmed


class ImportStopped(Exception):
    """A stop (Ctrl-C, SIGTERM) came while the server had the batch wait (a 429, or a 503 with
    Retry-After): not sent."""


# Levels of nesting past which a record is refused, not written (`too_deep`): over HTTP the
# server's JSON reader stops at about a thousand, and a batch body holding such a record was
# refused whole (400), every neighbour with it; in this process alike, so that an import
# writes the same records either way. Below, the API answers for the record itself
# (free-form JSON is refused past MAX_JSON_DEPTH, `too_deep`; a field it ignores may nest deeper).
MAX_RECORD_DEPTH = 900

# Waits in a row for one batch answered 503 with Retry-After (README "When the database is
# unavailable": the database, or the rate limit's storage, cannot serve for a moment): a minute
# at the server's `Retry-After: 5`, as long as a PostgreSQL restart or failover usually takes.
# One more 503 stops the import, its position confirmed: a database down that long is no blip.
UNAVAILABLE_WAITS = 12
# Seconds a wait the server asks for (a 429's, or a 503's) lasts at least and at most, whatever
# its Retry-After says: `0` (or a date past, or none readable) sent the batch again at once, in a
# tight loop, and a date years ahead hung the import; a minute is longer than the server ever
# asks (a 503's `Retry-After: 5`, a 429's the rest of its rate limit's one-minute window).
UNAVAILABLE_PAUSE = (1.0, 60.0)
# How long a batch's request may take over `--url`: its connection, then each read and write.
TIMEOUT = httpx.Timeout(120.0, connect=10.0)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A record's result as the batch endpoint answers it: `status` 201, 200 or 422, `stale`,
    and on 422 the body's `message` and `errors`."""

    status: int
    stale: bool = False
    message: str | None = None
    errors: dict[str, list[str]] | None = None


class InProcess:
    """Writes through `app.services.batches` on `db`, as the batch endpoint would (a record
    larger than a single POST's body limit refused on its own, `too_large`); a record nested
    past MAX_RECORD_DEPTH is refused as over HTTP (`too_deep`), not written. The store is
    looked up before each batch, as the endpoint authorises each request: one paused (or
    deleted) mid-file stops the import there (ImportFailed)."""

    def __init__(self, db: Database, store: Store, resource: str, backfill: bool):
        self.db, self.store, self.kind, self.backfill = db, store, KINDS[resource], backfill

    @classmethod
    async def open(cls, db: Database, store_id: int, resource: str, backfill: bool) -> InProcess:
        return cls(db, await _active_store(db, store_id), resource, backfill)

    async def send(self, records: Sequence[Record]) -> list[Outcome]:
        return await _refusing_too_deep(records, self._write)

    async def _write(self, records: Sequence[Record]) -> list[Outcome]:
        self.store = await _active_store(self.db, self.store.id)
        items = [r.data for r in records]
        largest = self.db.settings.max_body_bytes  # as the batch endpoint would: a single POST's limit
        results = await batches.write_batch(self.db, self.store, self.kind, items, self.backfill, largest)
        return [_outcome(result) for result in results]

    async def close(self) -> None:
        await self.db.dispose()


async def _active_store(db: Database, store_id: int) -> Store:
    """The store `store_id`, or ImportFailed when it does not exist or is paused."""
    row = await stores.get_store(db, store_id)
    if row is None:
        raise ImportFailed(f"Store {store_id} does not exist.")  # as every command says it
    if row["status"] != StoreStatus.ACTIVE:
        raise ImportFailed(f"Store {store_id} is paused: resume it first.")
    return Store(id=row["id"], region=row["region"])


def _outcome(result: batches.ItemResult) -> Outcome:
    if result.written is not None:
        return Outcome(201 if result.written.created else 200, stale=result.written.stale)
    assert result.failure is not None
    errors: dict[str, list[str]] = {}
    for error in result.failure.errors:
        errors.setdefault(error.dotted, []).append(error.message)
    return Outcome(422, message=result.failure.errors[0].message, errors=errors)


class OverHttp:
    """POSTs each batch to `{url}/api/v1/stores/{store}/{resource}/batch` with `key`; waits out
    a 429 (its Retry-After) and sends again, as often as the server asks. A 503 with Retry-After
    (the server's database, or its rate limit's storage, unavailable for a moment) is waited out
    the same way, at most UNAVAILABLE_WAITS times in a row for one batch; one
    more stops the import (ImportFailed), as does a 503
    without Retry-After at once: sending a batch again is safe, each record an upsert. A batch
    too large for the server (over `batches.MAX_BODY_BYTES`, or answered 413, as a proxy with a
    lower limit answers) is sent in halves; a record that alone makes such a batch is refused on
    its own (`too_large`), never sent, and the import goes on; so is a record nested past
    MAX_RECORD_DEPTH (`too_deep`). Each wait of a 429 or a 503 lasts its Retry-After within
    UNAVAILABLE_PAUSE (1 s to a minute) and is said in one line through `say` (default: stderr).
    A stop (`stop` set) during any of these waits raises ImportStopped at once."""

    def __init__(
        self,
        url: str,
        key: str,
        store_id: int,
        resource: str,
        backfill: bool,
        stop: threading.Event | None = None,
        say: Callable[[str], object] | None = None,
    ):
        self.stop = stop or threading.Event()
        self.say = say or (lambda line: print(line, file=sys.stderr))
        self.endpoint = f"{url.rstrip('/')}/api/v1/stores/{store_id}/{resource}/batch"
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        if backfill:
            headers["Kanal-Backfill"] = "true"
        self.client = httpx.AsyncClient(headers=headers, timeout=TIMEOUT)

    async def send(self, records: Sequence[Record]) -> list[Outcome]:
        return await _refusing_too_deep(records, self._send)

    async def _send(self, records: Sequence[Record]) -> list[Outcome]:
        body = ('{"items": [' + ",".join(record.json_text() for record in records) + "]}").encode()
        response = await self._post(body, records[0].line) if len(body) <= batches.MAX_BODY_BYTES else None
        if response is None or response.status_code == 413:
            if len(records) > 1:
                half = len(records) // 2
                return [*await self._send(records[:half]), *await self._send(records[half:])]
            return [too_large(len(body), response is not None)]
        if response.status_code != 200:
            raise ImportFailed(f"{self.endpoint} answered {response.status_code}: {response.text[:300]}")
        return _results(self.endpoint, response, len(records))

    async def _post(self, body: bytes, line: int) -> httpx.Response:
        """The server's answer to `body` (the batch from line `line`) once it is neither a 429
        nor a 503 with Retry-After; each of those waited out first (see the class)."""
        unavailable = 0  # waits for a 503 so far: a 429 between two neither counts nor resets them
        waited = 0.0
        while True:
            try:
                response = await self.client.post(self.endpoint, content=body)
            except httpx.HTTPError as exc:
                raise ImportFailed(f"{self.endpoint}: {http_cause(exc)}") from None
            asked = response.headers.get("retry-after")
            if response.status_code == 429:
                await self._wait_asked(asked, f"429 (over its rate limit): sending the batch from line {line:,}", "")
            elif response.status_code == 503 and asked is not None and asked.strip():
                if unavailable == UNAVAILABLE_WAITS:
                    raise ImportFailed(
                        f"{self.endpoint} answered 503 again after {unavailable} waits "
                        f"({_seconds(waited)} of waiting in all): "
                        f"{response.text[:300]}"
                    )
                unavailable += 1
                waited += await self._wait_asked(
                    asked,
                    f"503 (unavailable for now): sending the batch from line {line:,}",
                    f" (wait {unavailable} of {UNAVAILABLE_WAITS})",
                )
            else:
                return response

    async def _wait_asked(self, asked: str | None, answered: str, after: str) -> float:
        """Wait out what a 429's or a 503's `Retry-After` (`asked`, the header's value or None)
        asks, held within UNAVAILABLE_PAUSE, after one line through `say`: `warning: ENDPOINT
        answered {answered} again in {seconds}{after}`. Returns the seconds waited; raises
        ImportStopped at once when a stop came while the batch was at the server (no wait to
        announce) or comes during the wait."""
        if self.stop.is_set():  # a Ctrl-C while the batch was at the server
            raise ImportStopped
        seconds = min(max(retry_after(asked), UNAVAILABLE_PAUSE[0]), UNAVAILABLE_PAUSE[1])
        self.say(f"warning: {self.endpoint} answered {answered} again in {_seconds(seconds)}{after}")
        await self._wait(seconds)
        return seconds

    async def _wait(self, seconds: float) -> None:
        """Sleep `seconds`, looking at `stop` every tenth of a second: ImportStopped once set."""
        waiting = asyncio.ensure_future(asyncio.sleep(seconds))
        while not waiting.done():
            if self.stop.is_set():  # set by a signal handler: no wake-up of the loop, so looked at
                waiting.cancel()
                raise ImportStopped
            await asyncio.wait({waiting}, timeout=0.1)

    async def close(self) -> None:
        await self.client.aclose()


# What happened, for an httpx error whose text is empty (as a connection reset under asyncio
# gives it: `ReadError('')`), most specific class first; see `http_cause`.
_WHAT_HAPPENED: tuple[tuple[type[httpx.HTTPError], str], ...] = (
    (httpx.ConnectTimeout, f"no connection within {TIMEOUT.connect:g} s"),
    (httpx.ReadTimeout, f"no answer within {TIMEOUT.read:g} s"),
    (httpx.WriteTimeout, f"the batch could not be sent within {TIMEOUT.write:g} s"),
    (httpx.PoolTimeout, f"no connection free within {TIMEOUT.pool:g} s"),
    (httpx.TimeoutException, "the request timed out"),
    (httpx.ConnectError, "the server could not be reached"),
    (httpx.ReadError, "the server closed the connection"),
    (httpx.WriteError, "the server closed the connection while the batch was sent"),
    (httpx.CloseError, "the connection could not be closed"),
    (httpx.RemoteProtocolError, "the server closed the connection"),
    (httpx.LocalProtocolError, "the request could not be sent as HTTP"),
    (httpx.ProxyError, "the proxy refused the connection"),
    (httpx.UnsupportedProtocol, "the URL is neither http:// nor https://"),
    (httpx.DecodingError, "the answer could not be decoded"),
    (httpx.TooManyRedirects, "too many redirects"),
)


def http_cause(exc: httpx.HTTPError) -> str:
    """Why a request failed, for the import's `error: ENDPOINT: CAUSE` line: the error's text,
    or when it has none (a connection reset reads `ReadError('')` under asyncio) what happened
    and the error's class, `the server closed the connection (ReadError)`; never empty."""
    text = str(exc).strip()
    if text:
        return text
    happened = next((said for kind, said in _WHAT_HAPPENED if isinstance(exc, kind)), "the request failed")
    return f"{happened} ({type(exc).__name__})"


def retry_after(value: str | None) -> float:
    """The seconds a `429`, or a `503`, asks to wait, from its `Retry-After` header's value
    (RFC 9110 §10.2.3): whole seconds, or an HTTP date (as proxies and gateways send it; one
    past is no wait). Absent or neither, 1 s: a throttled import waits and goes on, where such
    a value stopped it with a traceback. Never negative; raises nothing."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):  # absent, or neither form
        return 1.0
    if when.tzinfo is None:  # "-0000": a time in UTC, its zone unknown (RFC 5322 §3.3)
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _seconds(seconds: float) -> str:
    """`5 s`, `1.5 s`, `3,600 s`: a wait as the import's lines say it."""
    tenths = round(seconds, 1)
    return f"{int(tenths):,} s" if tenths == int(tenths) else f"{tenths:,.1f} s"


def too_large(size: int, answered: bool) -> Outcome:
    """A record that alone makes a batch body of `size` bytes the server cannot take: over
    `batches.MAX_BODY_BYTES` (not sent), or `answered` 413 (README, "Batches": a body over the
    limit is refused whole, so the record cannot go in any batch)."""
    if answered:
        message = f"The server refused a batch of this record alone as too large (413): {size:,} bytes."
    else:
        message = (
            f"This record alone makes a batch body of {size:,} bytes; "
            f"a batch takes at most {batches.MAX_BODY_BYTES:,} bytes, and each of its records "
            "at most what a single POST takes (KANAL_MAX_BODY_BYTES, 1,048,576 by default)."
        )
    return Outcome(422, message=message, errors={"": [message]})


def too_deep() -> Outcome:
    """A record nested past MAX_RECORD_DEPTH, refused alike in this process and over HTTP."""
    # The import's own limit, not the server's: the server takes a record a little deeper,
    # up to where its JSON reader stops (about a thousand levels, refusing the whole batch).
    message = (
        f"Nested more than {MAX_RECORD_DEPTH} levels deep, past what an import writes: its limit, kept "
        "below the server's JSON reader, which refuses a whole batch nested past about a thousand "
        "levels (too_deep); not written."
    )
    return Outcome(422, message=message, errors={"": [message]})


async def _refusing_too_deep(
    records: Sequence[Record], write: Callable[[Sequence[Record]], Awaitable[list[Outcome]]]
) -> list[Outcome]:
    """The outcome of each of `records`, in order: `too_deep` for one nested past
    MAX_RECORD_DEPTH, never handed to `write`; the others' as `write` gives them."""
    deep = {index for index, record in enumerate(records) if _deeper_than(record.data, MAX_RECORD_DEPTH)}
    if not deep:
        return await write(records)
    kept = [record for index, record in enumerate(records) if index not in deep]
    written = iter(await write(kept) if kept else [])
    return [too_deep() if index in deep else next(written) for index in range(len(records))]


def _deeper_than(value: object, levels: int) -> bool:
    """Whether `value` (a parsed record) nests lists and objects more than `levels` deep. A
    loop, not a recursion: Python's own limit is about where this one is."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth == levels:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _results(endpoint: str, response: httpx.Response, records: int) -> list[Outcome]:
    """The outcomes of a `200` batch answer, `{"results": [{"status": 201|200|422, …}, …]}`
    with one result per record sent (README, "Batches"). Anything else — an HTML page, another
    JSON shape, a result short — is ImportFailed: `--url` names something that is not the
    batch endpoint (a proxy's login page, another service), and a traceback said so."""
    try:
        results = response.json()["results"]
    except (ValueError, TypeError, KeyError):  # not JSON, or JSON of another shape
        results = None
    fits = isinstance(results, list) and len(results) == records
    if not fits or not all(isinstance(r, dict) and r.get("status") in (200, 201, 422) for r in results):
        raise ImportFailed(
            f"{endpoint} answered 200 without one result per record of the batch "
            f"(is --url the Kanal server?): {response.text[:300]}"
        )
    return [_answered(result) for result in results]


def _answered(result: dict[str, Any]) -> Outcome:
    return Outcome(
        result["status"], stale=result.get("stale", False), message=result.get("message"), errors=result.get("errors")
    )
