"""The live event feed behind GraphQL subscriptions (issue 16; README, "Live updates").

One tailer per process reads the outbox (`events`) for the stores someone is subscribed to,
every `interval` seconds while there is a subscriber, and hands each new event to the
subscribers of its store whose types match. The outbox is the source on every engine and across
processes: an event a request of any process commits is seen by every process's subscribers
within one interval of its commit. On PostgreSQL ids are taken before commit, so a transaction
may commit an id lower than one already seen: each read looks back `LOOKBACK` ids and skips
those already handed on."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from app.db.database import Database
from app.db.tables import events
from app.domain import records
from app.services.webhooks import matches

LOOKBACK = 2000  # ids a late commit may hide behind; more than a second of the fastest ingest
QUEUE = 1000  # events a subscriber may fall behind by before it is closed


class SubscriberTooSlow(RuntimeError):
    """A subscriber fell more than QUEUE events behind: its subscription ends."""


@dataclass(eq=False)
class _Subscriber:
    store_id: int
    types: list[str] | None
    limit: int
    queue: asyncio.Queue[records.Event | None] = field(init=False)

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(self.limit)

    def offer(self, event: records.Event) -> None:
        if self.types is not None and not matches(self.types, event.type):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.queue = asyncio.Queue(1)
            self.queue.put_nowait(None)  # wakes the reader to end


class Subscription:
    """What a subscriber reads its events from."""

    def __init__(self, subscriber: _Subscriber):
        self._subscriber = subscriber

    async def next(self, timeout: float) -> records.Event | None:
        """The next event, or None when none came within `timeout` seconds. Raises
        SubscriberTooSlow once the subscriber fell QUEUE events behind."""
        try:
            event = await asyncio.wait_for(self._subscriber.queue.get(), timeout)
        except TimeoutError:
            return None
        if event is None:
            raise SubscriberTooSlow(f"The subscriber fell more than {self._subscriber.limit} events behind.")
        return event


class EventFeed:
    """Subscribers of this process and the one tailer that feeds them."""

    def __init__(self, db: Database, interval: float = 0.25, queue: int = QUEUE):
        self.db = db
        self.interval = interval
        self.queue = queue
        self._subscribers: set[_Subscriber] = set()
        self._tailer: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    @contextlib.asynccontextmanager
    async def subscription(self, store_id: int, types: list[str] | None = None) -> AsyncIterator[Subscription]:
        """A subscription to the events of `store_id` committed once it is made (types:
        patterns such as `order.*`; None: all), in outbox order, until the block ends."""
        subscriber = _Subscriber(store_id, types, self.queue)
        self._subscribers.add(subscriber)
        try:
            if self._tailer is None or self._tailer.done():
                self._ready = asyncio.Event()
                self._tailer = asyncio.create_task(self._tail(self._ready), name="event feed")
            await self._ready.wait()
            yield Subscription(subscriber)
        finally:
            self._subscribers.discard(subscriber)

    async def _tail(self, ready: asyncio.Event) -> None:
        """Runs while anyone is subscribed; a later subscriber starts another."""
        handed = await self.db.read(_recent_ids)  # committed before: never handed on
        cursor = max(handed, default=0)
        ready.set()
        while self._subscribers:
            await asyncio.sleep(self.interval)
            stores = {subscriber.store_id for subscriber in self._subscribers}
            if not stores:
                break
            found = await self.db.read(_events_after, cursor - LOOKBACK, stores)
            for store_id, event in found:
                if event.row_id in handed or event.row_id <= cursor - LOOKBACK:
                    continue
                handed.add(event.row_id)
                for subscriber in list(self._subscribers):
                    if subscriber.store_id == store_id:
                        subscriber.offer(event)
            if found:
                cursor = max(cursor, found[-1][1].row_id)
            handed = {row_id for row_id in handed if row_id > cursor - LOOKBACK}

    async def aclose(self) -> None:
        if self._tailer is not None:
            self._tailer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tailer


def _recent_ids(conn: Connection) -> set[int]:
    """The ids of the last LOOKBACK ids' window, as committed now."""
    last = int(conn.scalar(select(func.coalesce(func.max(events.c.id), 0))) or 0)
    return {last, *conn.scalars(select(events.c.id).where(events.c.id > last - LOOKBACK))} - {0}


def _events_after(conn: Connection, after: int, stores: set[int]) -> list[tuple[int, records.Event]]:
    """(store id, event) of `stores` with ids above `after`, in outbox order."""
    query = select(events).where(events.c.id > after, events.c.store_id.in_(stores)).order_by(events.c.id)
    return [(row["store_id"], records.of_row(records.Event, row)) for row in conn.execute(query).mappings()]
