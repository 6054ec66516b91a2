"""The worker: fans out events, fires due cart recoveries, delivers webhooks. Run it with
`kanal worker`; the embedded SQLite default also runs it inside `kanal serve`."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import httpx

from app.db.database import Database
from app.domain.statuses import DeliveryStatus
from app.observability import metrics
from app.services.results import utcnow

from .delivery import Backoff, Claimed, claim, record_outcome
from .dispatch import dispatch_events
from .recovery import fire_due_recoveries
from .signing import HEADER, sign

log = logging.getLogger("kanal.worker")
CLAIM_BATCH = 32
TIMEOUT = httpx.Timeout(10.0)


@dataclass
class Tally:
    dispatched: int = 0
    recoveries: int = 0
    delivered: int = 0
    failed: int = 0
    outcomes: list[str] = field(default_factory=list)


class Worker:
    def __init__(self, db: Database, backoff: Backoff | None = None, client: httpx.AsyncClient | None = None):
        self.db = db
        self.backoff = backoff or Backoff()
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def run_once(self) -> Tally:
        """One pass: everything due now, until nothing is left to claim."""
        tally = Tally()
        tally.dispatched = await self.db.write(dispatch_events, utcnow())
        tally.recoveries = await self.db.write(fire_due_recoveries, utcnow())
        if tally.recoveries:
            tally.dispatched += await self.db.write(dispatch_events, utcnow())
        while claimed := await self.db.write(claim, utcnow(), CLAIM_BATCH):
            outcomes = await asyncio.gather(*(self._deliver(item) for item in claimed))
            tally.outcomes += outcomes
            tally.delivered += outcomes.count(DeliveryStatus.DELIVERED)
            tally.failed += len(outcomes) - outcomes.count(DeliveryStatus.DELIVERED)
        return tally

    async def run(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Passes until `stop` is set; a due recovery fires within `interval` seconds."""
        try:
            while not stop.is_set():
                try:
                    tally = await self.run_once()
                    if tally.dispatched or tally.recoveries or tally.delivered or tally.failed:
                        continue  # more may be waiting: a failed delivery is rescheduled later, so no spin
                except Exception:  # keep going; the next pass retries
                    log.exception("worker pass failed")
                try:
                    await asyncio.wait_for(stop.wait(), timeout=interval)
                except TimeoutError:
                    pass
        finally:
            await self.aclose()

    async def _deliver(self, item: Claimed) -> str:
        headers = {
            "Content-Type": "application/json",
            HEADER: sign(item.secret, item.body),
            "Kanal-Event-Id": item.event_id,
            "Kanal-Event-Type": item.event_type,
        }
        status_code, error = None, None
        try:
            response = await self._client.post(item.url, content=item.body, headers=headers)
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:1024]
        outcome = await self.db.write(record_outcome, item.delivery_id, utcnow(), status_code, error, self.backoff)
        metrics.count_delivery(outcome)
        return outcome
