"""The worker: fans out events, fires due cart recoveries, delivers webhooks. Run it with
`kanal worker`; the embedded SQLite default also runs it inside `kanal serve`.

Delivery is a pipeline: up to `Limits.in_flight` deliveries in hand (POSTs at most
`Limits.per_webhook` at once for one webhook, see app.automations.sender), and one
transaction per turn that records the outcomes of the POSTs that came back and claims as many
new deliveries as there is room for. Claims never hand out a subject's next event while its
previous one is in flight (app.automations.delivery), so ordering holds however many are in
flight; the leases of the deliveries in hand are renewed every `Limits.renew_every`, in that
turn's transaction, so no other worker takes over one still held."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from app.db import cannot_serve
from app.db.database import Database
from app.db.existing import columns_missing, tables_missing
from app.db.unavailable import DatabaseUnavailable
from app.domain.statuses import DeliveryStatus
from app.observability import metrics
from app.services.results import utcnow

from . import dispatch, retention
from .delivery import Backoff, Claimed, Outcome, called_off, release, settle_and_claim
from .dispatch import dispatch_events
from .recovery import fire_due_recoveries
from .sender import Limits, Sender

UPGRADE = "run `kanal db upgrade`"
log = logging.getLogger("kanal.worker")
GATHER_SECONDS = 0.05  # after the first POST of a turn comes back, wait up to this long for more: fewer writes
# While the database cannot record the answers in hand, it is tried again this often (`_deliver`).
SETTLE_AGAIN_SECONDS = 1.0
PRUNE_EVERY_SECONDS = 3600.0
# After the database was unavailable to it (or a write took this long), a worker takes over no
# delivery whose lease lapsed for this long: its holder, back from the same outage, renews it
# first (it tries again every SETTLE_AGAIN_SECONDS), so an outage of any length sends nothing
# twice while its holder lives (README "When the database is unavailable").
TAKEOVER_AFTER_SECONDS = 5.0


@dataclass
class Tally:
    dispatched: int = 0
    recoveries: int = 0  # fired
    swept: int = 0  # due carts settled, fired or not
    delivered: int = 0
    failed: int = 0
    pruned: int = 0
    outcomes: list[str] = field(default_factory=list)

    def count(self, statuses: list[str]) -> None:
        self.outcomes += statuses
        delivered = statuses.count(DeliveryStatus.DELIVERED)
        self.delivered += delivered
        self.failed += len(statuses) - delivered


def _said_away(away: bool, exc: DatabaseUnavailable, kept: int) -> bool:
    """The warning of a streak of writes the database could not take, on its first (`away`
    false); True."""
    if not away:
        log.warning(
            "worker: database unavailable: %s; the deliveries in hand go on, their answers kept until it "
            "answers (%s so far)",
            exc.cause,
            f"{kept:,}",
        )
    return True


def _not_sent(item: Claimed) -> Outcome:
    return Outcome(item.delivery_id, item.attempts, None, None, item.webhook_id, sent=False)


class Worker:
    def __init__(
        self,
        db: Database,
        backoff: Backoff | None = None,
        limits: Limits | None = None,
        retention: timedelta | None = None,
    ):
        """`retention`: settled events older than this are pruned, at most once per
        PRUNE_EVERY_SECONDS (app.automations.retention); None keeps them all."""
        self.db = db
        self.backoff = backoff or Backoff()
        self.limits = limits or Limits()
        self.retention = retention
        self._sender = Sender(self.limits)
        self._next_prune = 0.0
        self._stop: asyncio.Event | None = None  # `run`'s: once set, a pass claims nothing more
        # `run`'s interval: between passes, and within a long pass (POSTs to a slow endpoint
        # still out) between looks for new events and due recoveries
        self._interval = 1.0
        # Loop time since which the database has taken this worker's writes (None: its last one
        # failed; at start, for ever): `TAKEOVER_AFTER_SECONDS` on, it may take over lapsed leases
        # (a worker started once an outage is over takes over a dead one's at once).
        self._answering_since: float | None = float("-inf")
        metrics.start_delivery_counts()

    def _may_take_over(self, now: float) -> bool:
        return self._answering_since is not None and now - self._answering_since >= TAKEOVER_AFTER_SECONDS

    def _answered(self, started: float, now: float) -> None:
        """A write begun at loop time `started` committed at `now`: the database answers,
        since `now` if it did not or the write took TAKEOVER_AFTER_SECONDS or more."""
        if self._answering_since is None or now - started >= TAKEOVER_AFTER_SECONDS:
            self._answering_since = now

    @property
    def _stop_asked(self) -> bool:
        return self._stop is not None and self._stop.is_set()

    async def aclose(self) -> None:
        await self._sender.aclose()

    async def run_once(self) -> Tally:
        """One pass: everything due now, until nothing is left to claim or in flight."""
        tally = Tally()
        await self._recoveries(tally)
        await self._deliver(tally)
        await self._prune(tally)
        return tally

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Passes until `stop` is set; a due recovery fires within `interval` seconds. Once
        `stop` is set the pass in progress claims nothing more, records the POSTs that come
        back within one POST's time budget, and gives the others back (`_deliver`): a stop
        takes at most about that long, however many deliveries are due."""
        self._stop = stop
        self._interval = interval
        away = False  # the last pass met a database unavailable or without its tables
        try:
            while not stop.is_set():
                try:
                    tally = await self.run_once()
                    if away:  # a warning too: the log shows warnings alone, and the streak's end is its news
                        log.warning("worker pass: the database answers again")
                        away = False
                    if tally.dispatched or tally.swept or tally.delivered or tally.failed:
                        continue  # more may be waiting: a failed delivery is rescheduled later, so no spin
                except Exception as exc:  # keep going; the next pass retries
                    if tables_missing(exc):  # no bug: a database emptied under it, or an earlier release's
                        log.warning("worker pass: %s: %s", cannot_serve.NO_TABLES, UPGRADE)
                        away = True
                    elif columns_missing(exc):  # no bug: a release installed before its `kanal db upgrade`
                        log.warning("worker pass: the database's tables are behind this release: %s", UPGRADE)
                        away = True
                    elif isinstance(exc, DatabaseUnavailable):  # no bug either
                        log.warning("worker pass: database unavailable: %s", exc.cause)
                        self._answering_since = None
                        away = True
                    else:
                        log.exception("worker pass failed")
                try:
                    await asyncio.wait_for(stop.wait(), timeout=interval)
                except TimeoutError:
                    pass
        finally:
            await self.aclose()

    async def _prune(self, tally: Tally) -> None:
        loop = asyncio.get_running_loop()
        if self.retention is None or loop.time() < self._next_prune:
            return
        self._next_prune = loop.time() + PRUNE_EVERY_SECONDS
        tally.pruned = await retention.prune(self.db, utcnow() - self.retention)

    async def _recoveries(self, tally: Tally) -> int:
        """Fan out new events and fire due recoveries; returns the deliveries this created.
        Events are fanned out a batch per transaction until a batch creates deliveries (they are
        sent before more are fanned out) or none are left: a batch of backfill creates none, and
        stopping there held the live events behind an import's backlog for a second per batch
        (README "Backfill")."""
        dispatched = 0
        while True:
            fanned, created = await self.db.write(dispatch.fan_out, utcnow())
            dispatched += created
            if created or fanned < dispatch.BATCH or self._stop_asked:
                break
        swept = await self.db.write(fire_due_recoveries, utcnow())
        tally.recoveries += swept.fired
        tally.swept += swept.settled
        if swept.fired:
            dispatched += await self.db.write(dispatch_events, utcnow())
        tally.dispatched += dispatched
        return dispatched

    async def _deliver(self, tally: Tally) -> None:
        loop = asyncio.get_running_loop()
        in_flight: dict[asyncio.Task[Outcome], Claimed] = {}
        held: Counter[int] = Counter()  # deliveries in flight per webhook
        back: list[asyncio.Task[Outcome]] = []  # POSTs that came back since the last turn
        came_back = asyncio.Event()

        def returned(task: asyncio.Task[Outcome]) -> None:
            back.append(task)
            came_back.set()

        drained = False  # the last claim saw every due delivery: time to fan out new events
        # While POSTs are out and the last claim took every due delivery, claim again when a
        # retry comes due: at the earliest next attempt this pass gave one (loop time; None:
        # none to wait for), and at each look for another worker's (README "Slow or dead
        # endpoints": a slow receiver's POST does not hold back the others' retries).
        retry_by: float | None = None
        # While POSTs are out (a hanging endpoint's for up to a POST's budget), new events and
        # due recoveries are looked for every interval all the same: README "Slow or dead
        # endpoints" (the others go on at full speed) and "Cart recovery" (within a second).
        # (At once when the pass's first sweep settled carts: more may be due.)
        next_look = loop.time() + (0 if tally.swept else self._interval)
        stopping_by: float | None = None  # once stopping: when the deliveries still out are given back
        # Answers the database could not record yet (unavailable): kept, and recorded with the
        # next turn's, not dropped for their deliveries to go out again once their leases lapse.
        unsettled: list[Outcome] = []
        away = False  # the database was unavailable at the last write: said once per streak
        # Loop time at or before the start of the oldest lease in hand (None: none in hand):
        # every `renew_every` all those in hand are leased again (`delivery.renew`), so a slow
        # endpoint's queue or a database outage does not let their leases run out under them.
        # Under a steady stream it is that of the first claim: one write renews up to
        # `in_flight` rows every `renew_every`.
        leased_at: float | None = None
        renew_every = self.limits.renew_every.total_seconds()
        woken = None
        if self._stop is not None:  # a stop wakes the wait for POSTs to come back
            woken = asyncio.ensure_future(self._stop.wait())
            woken.add_done_callback(lambda _: came_back.set())
        try:
            while True:
                if stopping_by is None and self._stop_asked:
                    stopping_by = loop.time() + self.limits.timeout_seconds
                    self._send_no_more(in_flight)
                outcomes, unsettled = unsettled, []
                for task in back:
                    item = in_flight.pop(task)
                    held[item.webhook_id] -= 1
                    if not held[item.webhook_id]:
                        del held[item.webhook_id]
                    outcomes.append(task.result() if not task.cancelled() else _not_sent(item))
                back.clear()
                if loop.time() >= next_look:
                    await self._hold_back(in_flight)  # stopping too: what it holds may go out until the end
                    again = False
                    if stopping_by is None:
                        swept = tally.swept
                        try:
                            await self._recoveries(tally)
                        except DatabaseUnavailable as exc:  # no bug: looked for again at the next look
                            away = _said_away(away, exc, len(outcomes))
                            self._answering_since = None
                        # claim now: the deliveries it created, and retries come due since the last claim
                        drained = False
                        again = tally.swept > swept  # a sweep that settled carts may have left more due
                    next_look = loop.time() + (0 if again else self._interval)
                if retry_by is not None and loop.time() >= retry_by:
                    retry_by, drained = None, False
                room = 0 if stopping_by is not None else self.limits.in_flight - len(in_flight)
                if not in_flight:
                    leased_at = None
                renewing = []
                if leased_at is not None and loop.time() - leased_at >= renew_every:
                    renewing = [item.delivery_id for item in in_flight.values()]
                if outcomes or renewing or (room > 0 and not drained):
                    cap = self.limits.held_per_webhook
                    quotas = {webhook: cap - count for webhook, count in held.items()}
                    lease, now, at = self.limits.lease, utcnow(), loop.time()
                    try:
                        statuses, dispatched, claimed = await self.db.write(
                            settle_and_claim,
                            outcomes,
                            now,
                            self.backoff,
                            room,
                            quotas,
                            cap,
                            drained,
                            lease,
                            renewing,
                            self._may_take_over(at),
                        )
                    except DatabaseUnavailable as exc:
                        self._answering_since = None
                        if not (outcomes or in_flight) or (stopping_by is not None and loop.time() >= stopping_by):
                            # nothing in hand: the pass ends, and the next tries again; a stop ends
                            # in its time (these deliveries go out again after their leases)
                            raise
                        away, unsettled = _said_away(away, exc, len(outcomes)), outcomes
                        await self._pause(SETTLE_AGAIN_SECONDS)
                        continue
                    self._answered(at, loop.time())
                    if away:
                        # a warning too: the log shows warnings alone, and the streak's end is its news
                        log.warning("worker: the database answers again; the answers kept are recorded")
                        away = False
                    if statuses.next_retry is not None and statuses.next_retry > now:  # else claimed now
                        # `at` is no earlier than `now`: never too soon
                        due = at + (statuses.next_retry - now).total_seconds()
                        retry_by = due if retry_by is None else min(retry_by, due)
                    tally.count(statuses)
                    for status in statuses:
                        metrics.count_delivery(status)
                    metrics.count_delivery(DeliveryStatus.CANCELLED, claimed.cancelled)
                    tally.dispatched += dispatched
                    if renewing or (claimed and leased_at is None):
                        leased_at = at
                    for item in claimed:
                        held[item.webhook_id] += 1
                        task = asyncio.ensure_future(self._sender.post(item))
                        task.add_done_callback(returned)
                        in_flight[task] = item
                    drained = claimed.exhausted
                if not in_flight:
                    if drained or stopping_by is not None:
                        return
                    continue
                if stopping_by is not None and loop.time() >= stopping_by and not back:
                    await self._give_back(in_flight)
                    return
                wake_by = next_look if retry_by is None else min(next_look, retry_by)
                await self._gather(back, came_back, len(in_flight), stopping_by, wake_by)
        finally:
            if woken is not None:
                woken.cancel()
            for task in in_flight:  # cancelled mid-pass: their leases lapse and they are claimed again
                task.cancel()

    async def _pause(self, seconds: float) -> None:
        """`seconds`, or less once a stop is asked for."""
        if self._stop is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def _hold_back(self, in_flight: dict[asyncio.Task[Outcome], Claimed]) -> None:
        """The deliveries in hand still waiting for a connection that may no longer go out as
        claimed (`delivery.called_off`: a webhook removed or disabled, a contact erased, a
        consent withdrawn, a cart bought since) are not sent: their POSTs are called off, and
        the next turn gives them back (README "Webhooks"). A POST already out goes on."""
        waiting = {item.delivery_id: task for task, item in in_flight.items()}
        for delivery_id in self._sender.sending:
            waiting.pop(delivery_id, None)
        if not waiting:
            return
        bodies = {item.delivery_id: item.body for item in in_flight.values() if item.delivery_id in waiting}
        try:
            off = await self.db.read(called_off, bodies)
        except DatabaseUnavailable:  # the pass's next write or look says so, once: checked at the next look
            return
        except Exception as exc:  # e.g. past the read budget behind a lock: the next look checks them
            log.warning("worker: deliveries in hand not checked again: %s", exc)
            return
        for delivery_id in off:
            if delivery_id not in self._sender.sending:  # it may have got its connection meanwhile
                waiting[delivery_id].cancel()

    def _send_no_more(self, in_flight: dict[asyncio.Task[Outcome], Claimed]) -> None:
        """Stopping: the deliveries in hand still waiting for a connection are not sent (their
        POSTs would start only to be cut off at the end of the stop, and go out again from the
        next worker: twice). Their POSTs are called off; they come back unsent and are given back
        with the turn's outcomes. A POST already out goes on, and its answer is recorded."""
        for task, item in in_flight.items():
            if item.delivery_id not in self._sender.sending:
                task.cancel()

    async def _give_back(self, in_flight: dict[asyncio.Task[Outcome], Claimed]) -> None:
        """Stopping: the POSTs still out (a slow endpoint's, or waiting for its connection) are
        cancelled and their deliveries released at once, for the next worker, instead of when
        their lease lapses."""
        for task in in_flight:
            task.cancel()
        await asyncio.gather(*in_flight, return_exceptions=True)
        await self.db.write(release, [item.delivery_id for item in in_flight.values()])
        in_flight.clear()

    async def _gather(
        self,
        back: list[asyncio.Task[Outcome]],
        came_back: asyncio.Event,
        in_flight: int,
        stopping_by: float | None,
        look_by: float,
    ) -> None:
        """Wait until a POST comes back, then up to GATHER_SECONDS more until half of those in
        hand are back (two rounds to one endpoint, see HELD_PER_CONNECTION, while two more are
        sent): one transaction then settles them all. At most until `look_by` (loop time: the next
        look at what it holds, for new events and due recoveries, or a retry coming due), and
        when stopping, until `stopping_by`."""
        enough = max(1, in_flight // 2)
        loop = asyncio.get_running_loop()
        # or GATHER_SECONDS after the first came back
        gathered_by = look_by if stopping_by is None else min(look_by, stopping_by)
        while len(back) < enough:
            came_back.clear()
            if stopping_by is None and self._stop_asked:
                return  # a stop was just asked for: the pass sets its deadline
            if back:
                gathered_by = min(gathered_by, loop.time() + GATHER_SECONDS)
            timeout = gathered_by - loop.time()
            if timeout <= 0:
                return
            try:
                await asyncio.wait_for(came_back.wait(), timeout)
            except TimeoutError:
                return
