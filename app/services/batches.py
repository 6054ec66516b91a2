"""Batches: many upserts of one resource, each validated and written exactly as its single
upsert (the same command, the same write function, so the same upsert, events and stale
guard), in a few transactions instead of one per record.

The items are written in order, one transaction per chunk of `CHUNK` items: an item naming an
external_id an earlier one named finds that write (two sequential writes), and on SQLite the
event loop, which runs write transactions inline, serves other requests between chunks. A
chunk is one write job (`Database.write`): on PostgreSQL a conflict with a concurrent write
re-runs it whole, as it does a single write (work functions are safe to repeat).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from app.db.database import Database
from app.domain.commands import Command, validate
from app.domain.errors import DomainError, ErrorCode, FieldError, ValidationFailed
from app.observability import writes

from .results import Written, utcnow
from .stores import Store

# Items per transaction: large enough that a COMMIT is shared by many records, small enough
# that a chunk (about 0.1 s on SQLite) leaves the event loop to other requests between chunks.
CHUNK = 200
# A batch's limits (README, "Batches"): items per batch, and bytes per body.
MAX_ITEMS = 1000
MAX_BODY_BYTES = 5 * 1024 * 1024

# `work(conn, store_id, command, now, backfill)`: a service's own write function of one record.
ItemWork = Callable[..., "Written[Any] | DomainError"]


@dataclass(frozen=True, slots=True)
class Kind:
    """A resource a batch writes: its command model, its service's write function of one
    record, and whether that function takes the backfill flag (a customer records no event)."""

    model: type[Command]
    work: ItemWork
    backfill: bool = True


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One item's outcome, at its `index` (from 0) in the batch: `written` when stored (or
    stale), else `failure` (every failing field). `external_id` is the item's own when it
    gave a text or a number, else None."""

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


def check_items(items: Any, field: str = "items") -> list[Any]:
    """The batch's items, or ValidationFailed on `field` (REST's `items`, GraphQL's `inputs`):
    not a list, empty, or more than `MAX_ITEMS`. An item that is not an object is refused on
    its own (`write_batch`)."""
    if not isinstance(items, list):
        raise ValidationFailed([FieldError((field,), ErrorCode.INVALID_TYPE, f"{field} must be a list of objects.")])
    if not items:
        raise ValidationFailed([FieldError((field,), ErrorCode.REQUIRED, f"{field} must hold at least one item.")])
    if len(items) > MAX_ITEMS:
        message = f"A batch holds at most {MAX_ITEMS:,} items; this one holds {len(items):,}."
        raise ValidationFailed([FieldError((field,), ErrorCode.OUT_OF_RANGE, message)])
    return items


async def write_batch(db: Database, store: Store, kind: Kind, items: Sequence[Any], backfill: bool) -> list[ItemResult]:
    """Validate each item into `kind.model` (as the single upsert does, with the store's region)
    and write the valid ones in order; one result per item, in order. Counted per record as a
    single upsert is (`app.observability.writes`)."""
    results: list[ItemResult] = []
    commands: list[tuple[int, Command]] = []
    for index, item in enumerate(items):
        try:
            with writes.Refusals(kind.model):
                if not isinstance(item, Mapping):
                    raise ValidationFailed([FieldError((), ErrorCode.INVALID_TYPE, "An item must be a JSON object.")])
                commands.append((index, validate(kind.model, item, store.region)))
            results.append(ItemResult(index, _external_id(item)))
        except ValidationFailed as failure:
            results.append(ItemResult(index, _external_id(item), failure=failure))
    now = utcnow()
    for start in range(0, len(commands), CHUNK):
        chunk = commands[start : start + CHUNK]
        outcomes = await db.write(_write_each, kind, store.id, [command for _, command in chunk], now, backfill)
        for (index, _), outcome in zip(chunk, outcomes, strict=True):
            results[index] = _settled(results[index], outcome, kind.model)
    return results


def _settled(pending: ItemResult, outcome: Written[Any] | DomainError, model: type[Command]) -> ItemResult:
    if isinstance(outcome, ValidationFailed):
        writes.rejected(model)
        return ItemResult(pending.index, pending.external_id, failure=outcome)
    if isinstance(outcome, DomainError):  # an upsert's only expected failure is a ValidationFailed
        raise outcome
    writes.written(outcome)
    return ItemResult(pending.index, pending.external_id, written=outcome)


def _write_each(
    conn: Connection, kind: Kind, store_id: int, commands: list[Command], now: datetime, backfill: bool
) -> list[Written[Any] | DomainError]:
    flags = (backfill,) if kind.backfill else ()
    return [kind.work(conn, store_id, command, now, *flags) for command in commands]


def _external_id(item: Any) -> str | None:
    value = item.get("external_id") if isinstance(item, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)
