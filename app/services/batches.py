"""Batches: many upserts of one resource, each validated and written exactly as its single
upsert (the same command, the same write function, so the same upsert, events and stale
guard), in a few transactions instead of one per record.

The items are written in chunks of `CHUNK` consecutive items, one transaction each. On SQLite
the chunks run one after the other (the event loop, which runs write transactions inline,
serves other requests between two): every item comes after the items before it. On
PostgreSQL, where a chunk waits on a round trip per statement, the chunks run in waves
(`_waves`): consecutive chunks of which no two name one record, up to `PARALLEL` chunks (of
all the process's batches together) at once, each in a transaction of its own
(`Database.write_alone`), re-run whole on a conflict with a concurrent write (a contact two
chunks share), as a single write is; a wave starts once the one before it is written. So an
item naming a record again comes after the earlier write of it (two sequential writes, in
order), and records of different external_ids in two chunks of a wave may be written in
either order, as concurrent single requests are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection

from app.db import key_locks, statistics
from app.db.database import Database
from app.domain.commands import Command, validate
from app.domain.errors import DomainError, ErrorCode, FieldError, ValidationFailed
from app.domain.json_values import is_long_whole
from app.domain.text import is_blank, is_safe
from app.observability import writes

from . import item_size
from .results import Written, utcnow
from .stores import Store

# Items per transaction: large enough that a COMMIT is shared by many records, small enough
# that a chunk (about 0.1 s on SQLite) leaves the event loop to other requests between chunks.
CHUNK = 200
PARALLEL = 8
# Batches a process validates and writes at once; the others wait their turn, holding only
# their parsed body. Sixteen at once each had a callback in every turn of the event loop,
# so a small request (/healthz) needing a few turns waited seconds; two keep the chunk
# transactions of PostgreSQL busy while one batch validates.
AT_ONCE = 2
_SLOTS: WeakKeyDictionary[Database, asyncio.Semaphore] = WeakKeyDictionary()
_TURNS: WeakKeyDictionary[Database, asyncio.Semaphore] = WeakKeyDictionary()
# A batch's limits (README, "Batches"): items per batch, and bytes per body.
MAX_ITEMS = 1000
MAX_BODY_BYTES = 5 * 1024 * 1024
# Items validated between two turns of the event loop: a thousand items at once (tens of
# milliseconds each batch) held back every other request, /healthz's included, behind a dozen
# concurrent batches.
VALIDATED_PER_TURN = 100

# `work(conn, store_id, command, now, backfill)`: a service's own write function of one record.
ItemWork = Callable[..., "Written[Any] | DomainError"]
# `chunk(conn, kind, store_id, commands, now, backfill)`: a chunk's outcomes, in order, each
# the one `kind.work` gives its command, its record possibly a reference only
# (e.g. `order_batches.write_orders`).
ChunkWork = Callable[..., "list[Written[Any] | DomainError]"]


# `lock(conn, store_id, commands)`: on PostgreSQL, at a chunk's start, the rows its items' writes
# will lock, locked in one order (`app.services.chunk_locks`).
ChunkLock = Callable[[Connection, int, Sequence[Any]], None]
# `keys(store_id, command)`: the keys of the records one item's write may insert or change
# (`app.services.record_keys`).
RecordKeys = Callable[[int, Any], Iterable[int]]


@dataclass(frozen=True, slots=True)
class Kind:
    """A resource a batch writes: its command model, its service's write function of one
    record, its table, whether that function takes the backfill flag,
    `keys`, the keys of an item's records, which a chunk takes first on PostgreSQL (all its
    items', sorted: `app.db.key_locks`), `chunk`, a write of a whole chunk with the same
    outcomes (None: `work` on each item), and `lock`, the chunk's stored rows locked next in
    one order on PostgreSQL (None: as each item's write comes to them)."""

    model: type[Command]
    work: ItemWork
    table: str  # the table its records are rows of (`app.db.statistics`)
    keys: RecordKeys
    backfill: bool = True
    chunk: ChunkWork | None = None
    lock: ChunkLock | None = None


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One item's outcome, at its `index` (from 0) in the batch: `written` when stored (or
    stale), else `failure` (every failing field). `external_id` is the item's own when it
    gave a text or a number, else None. A batch answers with the outcome alone: a chunk
    write may leave the record itself unbuilt (`order_batches.WrittenOrder`)."""

    index: int
    external_id: str | None
    written: Written[Any] | None = None
    failure: ValidationFailed | None = None

    @property
    def outcome(self) -> Written[Any] | ValidationFailed:
        """The stored record, or the refusal: whichever this item came to."""
        outcome = self.written or self.failure
        assert outcome is not None, "an item is written or refused once its batch is done"
        return outcome


class Unbuilt:
    """A record a chunk write left unbuilt (`Kind.chunk`: REST's batch answers without it);
    `built()` gives it."""

    __slots__ = ()

    def built(self) -> Any:
        """The record, as the single upsert answers it."""
        raise NotImplementedError


def with_record(written: Written[Any]) -> Written[Any]:
    """`written` with its record built (`Unbuilt.built`) where a chunk write left it unbuilt:
    what GraphQL's batch payloads select."""
    record = written.record
    return replace(written, record=record.built()) if isinstance(record, Unbuilt) else written


def check_items(items: Any, field: str = "items") -> list[Any]:
    """The batch's items, or ValidationFailed on `field` (REST's `items`, GraphQL's `inputs`):
    absent or null (`required`), not a list, empty, or more than `MAX_ITEMS`. An item that is
    not an object is refused on its own (`write_batch`)."""
    if items is None:  # absent or null, as a required field reads either (`commands._field_errors`)
        raise ValidationFailed([FieldError((field,), ErrorCode.REQUIRED, f"The {field} field is required.")])
    if not isinstance(items, list):
        raise ValidationFailed([FieldError((field,), ErrorCode.INVALID_TYPE, f"{field} must be a list of objects.")])
    if not items:
        raise ValidationFailed([FieldError((field,), ErrorCode.REQUIRED, f"{field} must hold at least one item.")])
    if len(items) > MAX_ITEMS:
        message = f"A batch holds at most {MAX_ITEMS:,} items; this one holds {len(items):,}."
        raise ValidationFailed([FieldError((field,), ErrorCode.OUT_OF_RANGE, message)])
    return items


async def write_batch(
    db: Database,
    store: Store,
    kind: Kind,
    items: Sequence[Any],
    backfill: bool,
    largest: int | None = None,
    text_checked: bool = False,
) -> list[ItemResult]:
    """Validate each item into `kind.model` (as the single upsert does, with the store's region)
    and write the valid ones in order; one result per item, in order. An item larger than
    `largest` bytes as compact JSON (`item_size.oversized`; the single POST's body limit, past
    which it answers 413) is refused on its own, field `""`, code `too_large`; None measures
    none (GraphQL: its body limit, the single mutation's, holds every input within it).
    `text_checked`: the body the items were parsed from writes no NUL nor lone surrogate
    (`validate`'s). Counted per record as a single upsert is (`app.observability.writes`). At
    most `AT_ONCE` batches of a process are in progress, the others waiting; other tasks run
    every `VALIDATED_PER_TURN` items validated, and between chunks."""
    async with _semaphore(_TURNS, db, AT_ONCE):
        return await _write_batch(db, store, kind, items, backfill, largest, text_checked)


async def _write_batch(
    db: Database,
    store: Store,
    kind: Kind,
    items: Sequence[Any],
    backfill: bool,
    largest: int | None,
    text_checked: bool,
) -> list[ItemResult]:
    results: list[ItemResult] = []
    commands: list[tuple[int, Command]] = []
    for index, item in enumerate(items):
        if index and not index % VALIDATED_PER_TURN:
            await asyncio.sleep(0)
        try:
            if not isinstance(item, Mapping):
                raise ValidationFailed([FieldError((), ErrorCode.INVALID_TYPE, "An item must be a JSON object.")])
            if largest is not None:
                _check_size(item, largest)
            commands.append((index, validate(kind.model, item, store.region, text_checked)))
            results.append(ItemResult(index, answered_external_id(item)))
        except ValidationFailed as failure:
            writes.rejected(kind.model)  # what `writes.Refusals` counts, without its calls per item
            results.append(ItemResult(index, answered_external_id(item), failure=failure))
    now = utcnow()

    async def write(chunk: list[tuple[int, Command]], run: Callable[..., Awaitable[Any]]) -> None:
        outcomes = await run(_write_chunk, kind, store.id, [command for _, command in chunk], now, backfill)
        for (index, _), outcome in zip(chunk, outcomes, strict=True):
            results[index] = _settled(results[index], outcome, kind.model)

    chunks = [commands[start : start + CHUNK] for start in range(0, len(commands), CHUNK)]
    if db.dialect == "sqlite":
        for chunk in chunks:
            await write(chunk, db.write)
    else:
        slots = _semaphore(_SLOTS, db, PARALLEL)

        async def apart(chunk: list[tuple[int, Command]]) -> None:
            async with slots:
                await write(chunk, db.write_alone)

        for wave in _waves(chunks):
            await asyncio.gather(*(apart(chunk) for chunk in wave))
    await statistics.created(db, kind.table, sum(1 for r in results if r.written is not None and r.written.created))
    return results


def _check_size(item: Mapping[str, Any], largest: int) -> None:
    """ValidationFailed on the whole item when it is larger than `largest` bytes, the message a
    single POST's 413 would give, with the item's size."""
    try:
        size = item_size.oversized(item, largest)
    except RecursionError:  # nested past what the encoder takes: validation refuses it (too_deep)
        return
    if size is not None:
        message = f"The item is {size:,} bytes as JSON; a single POST takes at most {largest:,} bytes."
        raise ValidationFailed([FieldError((), ErrorCode.TOO_LARGE, message)])


def _semaphore(kept: WeakKeyDictionary[Database, asyncio.Semaphore], db: Database, size: int) -> asyncio.Semaphore:
    """The process's semaphore of `size` in `kept` for `db`: `_TURNS`, batches in progress;
    `_SLOTS`, chunk transactions in flight on PostgreSQL, all batches together (each on a
    connection of the write pool, 20, beside the grouped single writes' 8: per batch, a dozen
    concurrent batches wanted more connections than the pool has and waited for one until the
    pool's timeout)."""
    semaphore = kept.get(db)
    if semaphore is None:
        semaphore = kept[db] = asyncio.Semaphore(size)
    return semaphore


def _waves(chunks: list[list[tuple[int, Command]]]) -> list[list[list[tuple[int, Command]]]]:
    """`chunks`, in order, grouped in waves of consecutive chunks of which no two name one
    record (`_record_keys`: its external_id; a customer's contact, by its phone): a chunk
    naming a record an earlier chunk of the wave names starts the next wave."""
    waves: list[list[list[tuple[int, Command]]]] = []
    named: set[str] = set()  # the records the current wave's chunks name
    for chunk in chunks:
        keys = {key for _, command in chunk for key in _record_keys(command)}
        if not waves or not keys.isdisjoint(named):
            waves.append([])
            named = set()
        waves[-1].append(chunk)
        named |= keys
    return waves


def _record_keys(command: Command) -> tuple[str, ...]:
    """The records a command writes, for `_waves`: its external id's; a customer's contact too,
    by its phone (a customer merges into its contact: one with an id and one without, of one
    phone, write the same row), as a customer without an id is named by its phone alone."""
    external_id = getattr(command, "external_id", None)
    named: tuple[str, ...] = (f"id:{external_id}",) if external_id is not None else ()
    if command.merges_into_contact or external_id is None:
        phone = getattr(command, "phone", None)
        named += (f"phone:{phone}",) if phone is not None else ()
    return named


def _settled(pending: ItemResult, outcome: Written[Any] | DomainError, model: type[Command]) -> ItemResult:
    if isinstance(outcome, ValidationFailed):
        writes.rejected(model)
        return ItemResult(pending.index, pending.external_id, failure=outcome)
    if isinstance(outcome, DomainError):  # an upsert's only expected failure is a ValidationFailed
        raise outcome
    writes.written(outcome, writes.command_resource(model))
    return ItemResult(pending.index, pending.external_id, written=outcome)


def _write_chunk(
    conn: Connection, kind: Kind, store_id: int, commands: list[Command], now: datetime, backfill: bool
) -> list[Written[Any] | DomainError]:
    """The chunk's outcomes; on PostgreSQL its records' keys taken first (`Kind.keys`), then its
    stored rows locked (`Kind.lock`)."""
    if conn.dialect.name == "postgresql":
        key_locks.lock(conn, (key for command in commands for key in kind.keys(store_id, command)))
        if kind.lock is not None:
            kind.lock(conn, store_id, commands)
    return (kind.chunk or _write_each)(conn, kind, store_id, commands, now, backfill)


def _write_each(
    conn: Connection, kind: Kind, store_id: int, commands: list[Command], now: datetime, backfill: bool
) -> list[Written[Any] | DomainError]:
    flags = (backfill,) if kind.backfill else ()
    return [kind.work(conn, store_id, command, now, *flags) for command in commands]


def answered_external_id(item: Any) -> str | None:
    """The item's external_id as its result repeats it: a text or a number, else None; a blank
    text (`""`, whitespace) is no id given (a blank is the field left out: `required`), so None
    as for a missing one; a text no engine can store (a NUL, a lone surrogate: refused on its
    field) is not repeated either, as no JSON answer can carry a lone surrogate."""
    value = item.get("external_id") if isinstance(item, Mapping) else None
    if value.__class__ is str:  # most ids
        return value if is_safe(value) and not is_blank(value) else None
    if is_long_whole(value):  # a whole number past Python's int: its digits, as its field reads it
        return str(value)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)  # an int, or a str of a subclass
    return text if is_safe(text) and not is_blank(text) else None
