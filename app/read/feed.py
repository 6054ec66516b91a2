"""The live event feed behind GraphQL subscriptions (issue 16; README, "Live updates").

One tailer per process reads the outbox (`events`) for the stores someone is subscribed to,
every `interval` seconds while there is a subscriber, and hands each new event to the
subscribers of its store whose types match. The outbox is the source on every engine and across
processes: an event a request of any process commits is seen by every process's subscribers
within one interval of its commit. On PostgreSQL ids are taken before commit, so a transaction
may commit an id lower than one already seen: each read looks back `LOOKBACK` ids and skips
those already handed on.

A subscription starts where its websocket's connection was acknowledged (`EventFeed.start`,
taken once, by the connection's first subscription, if made within FRESH seconds): a client that shows "live" on the
acknowledgement misses nothing committed before its `subscribe` reached the tailer. Such a
subscriber first gets, from the outbox, its store's events committed since that start, then the
tailer's, each once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from app.db.database import Database
from app.db.read_budget import ReadTimedOut
from app.db.tables import events
from app.db.unavailable import DatabaseUnavailable
from app.domain import records
from app.services.webhooks import matches

LOOKBACK = 2000  # ids a late commit may hide behind; more than a second of the fastest ingest
QUEUE = 1000  # events a subscriber may fall behind by before it is closed
FRESH = 10.0  # s: a connection's first subscribe, sent on its acknowledgement, starts from it

log = logging.getLogger("kanal")


class SubscriberTooSlow(RuntimeError):
    """A subscriber fell more than QUEUE events behind: its subscription ends."""


@dataclass(eq=False)
class Start:
    """Where a connection's first subscription starts: the outbox's last id when the connection
    was acknowledged and the ids then committed in the LOOKBACK window below it. Taken once."""

    cursor: int
    committed: set[int]
    made: float = field(default_factory=time.monotonic)
    taken: bool = False

    def take(self) -> Start | None:
        """This start the first time, within FRESH seconds of its making; None after (a later
        subscription starts when it is made: a connection's backlog is not replayed)."""
        if self.taken or time.monotonic() - self.made > FRESH:
            return None
        self.taken = True
        return self


@dataclass(eq=False)
class _Subscriber:
    store_id: int
    types: list[str] | None
    limit: int
    since: Start
    queue: asyncio.Queue[records.Event | None] = field(init=False)
    # While the events since its start are read: the tailer's, kept to follow them.
    pending: list[records.Event] | None = field(default_factory=list)
    # Ids never to offer: committed before its start, or already read from the outbox by it.
    seen: set[int] = field(init=False)

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(self.limit)
        self.seen = set(self.since.committed)

    def offer(self, event: records.Event) -> None:
        # The tailer hands on the lookback window of a store it begins to read: not news here.
        if event.row_id in self.seen or event.row_id <= self.since.cursor - LOOKBACK:
            return
        if self.types is not None and not matches(self.types, event.type):
            return
        if self.pending is not None:
            self.pending.append(event)
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
            raise SubscriberTooSlow(
                f"The subscriber fell more than {self._subscriber.limit} events behind, so its subscription "
                "ended. Subscribe again to hear the store's events from then on; the events query lists "
                "those in between."
            )
        return event


class EventFeed:
    """Subscribers of this process and the one tailer that feeds them."""

    def __init__(self, db: Database, interval: float = 0.25, queue: int = QUEUE):
        self.db = db
        self.interval = interval
        self.queue = queue
        self._subscribers: set[_Subscriber] = set()
        self._tailer: asyncio.Task[None] | None = None
        self._starting = asyncio.Lock()

    async def start(self) -> Start:
        """The outbox as committed now: where a subscription made later may start from. Raises
        what `Database.read` raises (DatabaseUnavailable, ReadTimedOut)."""
        committed = await self.db.read(_recent_ids)
        return Start(max(committed, default=0), committed)

    @contextlib.asynccontextmanager
    async def subscription(
        self, store_id: int, types: list[str] | None = None, since: Start | None = None
    ) -> AsyncIterator[Subscription]:
        """A subscription to the events of `store_id` committed after `since` (None: once it is
        made) (types: patterns such as `order.*`; None: all), in outbox order, until the block
        ends."""
        subscriber = _Subscriber(store_id, types, self.queue, since or await self.start())
        self._subscribers.add(subscriber)
        try:
            await self._tailing()
            await self._catch_up(subscriber)
            yield Subscription(subscriber)
        finally:
            self._subscribers.discard(subscriber)

    async def _catch_up(self, subscriber: _Subscriber) -> None:
        """Offers `subscriber` its store's events committed after its start, then what the
        tailer handed on meanwhile, each once. Exact: an event the tailer handed on before the
        subscriber was added was committed before this read, which finds it."""
        since = subscriber.since
        found = await self.db.read(_events_after, since.cursor - LOOKBACK, {subscriber.store_id})
        pending, subscriber.pending = subscriber.pending or [], None
        for _, event in found:
            subscriber.offer(event)
            subscriber.seen.add(event.row_id)
        for event in pending:
            subscriber.offer(event)

    async def _tailing(self) -> None:
        """Starts the tailer unless one runs. Its first read is made here, by the subscription
        that starts it: a database that cannot serve then fails that subscription
        (DatabaseUnavailable, ReadTimedOut) rather than leaving it waiting for a tailer that
        never began."""
        async with self._starting:
            if self._tailer is None or self._tailer.done():
                handed = await self.db.read(_recent_ids)  # committed before: never handed on
                self._tailer = asyncio.create_task(self._tail(handed), name="event feed")

    async def _tail(self, handed: set[int]) -> None:
        """Runs while anyone is subscribed; a later subscriber starts another. A failed read
        is made again at the next interval from the same cursor (module docstring)."""
        cursor = max(handed, default=0)
        failing = False
        while self._subscribers:
            await asyncio.sleep(self.interval)
            stores = {subscriber.store_id for subscriber in self._subscribers}
            if not stores:
                break
            try:
                found = await self.db.read(_events_after, cursor - LOOKBACK, stores)
            except Exception as exc:  # the feed outlives any one read: logged, read again
                if not failing:
                    _log_failure(exc)
                failing = True
                continue
            if failing:
                # a warning too: the log shows warnings alone, and the streak's end is its news
                log.warning("event feed: the outbox reads again; subscribers get the events committed meanwhile")
                failing = False
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


def _log_failure(exc: Exception) -> None:
    """The one line of a failing streak of the tailer's reads: a warning for a database that
    cannot serve now or a read past its budget (no bug: README, "When the database is
    unavailable"), an error with its traceback for anything else."""
    if isinstance(exc, DatabaseUnavailable):
        log.warning("event feed: database unavailable: %s; reading again every interval", exc.cause)
    elif isinstance(exc, ReadTimedOut):
        log.warning("event feed: reading the outbox ran past the read budget (%g s); reading again", exc.seconds)
    else:
        log.error("event feed: reading the outbox failed; reading again every interval", exc_info=exc)


def _recent_ids(conn: Connection) -> set[int]:
    """The ids of the last LOOKBACK ids' window, as committed now."""
    last = int(conn.scalar(select(func.coalesce(func.max(events.c.id), 0))) or 0)
    return {last, *conn.scalars(select(events.c.id).where(events.c.id > last - LOOKBACK))} - {0}


def _events_after(conn: Connection, after: int, stores: set[int]) -> list[tuple[int, records.Event]]:
    """(store id, event) of `stores` with ids above `after`, in outbox order."""
    query = select(events).where(events.c.id > after, events.c.store_id.in_(stores)).order_by(events.c.id)
    return [(row["store_id"], records.of_row(records.Event, row)) for row in conn.execute(query).mappings()]
