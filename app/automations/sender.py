"""The HTTP side of webhook delivery: signed POSTs over kept-alive connections (aiohttp).

aiohttp, because delivery is bound by the client's CPU: on this project's benchmark it spends
about a tenth of httpx's CPU per POST (README, Performance). One session per worker keeps
connections alive per endpoint (host and port), so a steady stream of deliveries opens no new
connection. Each POST has a total time budget; a slow or dead endpoint is held to its
webhook's concurrency cap by the worker (app.automations.worker), so it cannot take the slots
of the others."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import aiohttp

from app.config import MAX_WEBHOOK_TIMEOUT_SECONDS, Settings

from .delivery import LEASE, Claimed, Outcome
from .signing import HEADER, sign

USER_AGENT = "Kanal-Webhooks/1"
MAX_RESPONSE_BYTES = 64 * 1024  # read (and drop) this much of an answer; a longer one closes its connection
HELD_PER_CONNECTION = 8  # a turn of the worker settles half of them while the others are being sent
RENEW_EVERY = timedelta(seconds=10)  # at most; a quarter of a shorter lease


@dataclass(frozen=True)
class Limits:
    """Delivery limits, from settings (README, Webhooks):

    - `in_flight`: deliveries one worker holds at once (claimed, not yet settled), all webhooks
      together;
    - `per_webhook`: POSTs at once to one webhook's endpoint (its concurrency cap, so also its
      kept-alive connections); a worker holds at most `HELD_PER_CONNECTION` times as many of a
      webhook's deliveries, the others waiting for a free connection, and never more than a
      quarter of `in_flight`: three slow or dead endpoints leave a quarter to the others;
    - `timeout_seconds`: budget of one POST, connecting included (at most 60 s). A delivery may
      wait for `HELD_PER_CONNECTION - 1` POSTs before its own: the worker's lease on its
      deliveries (`lease`) covers that many budgets and a margin."""

    in_flight: int = 1024
    per_webhook: int = 32
    timeout_seconds: float = 10.0

    def __post_init__(self) -> None:
        if self.in_flight < 1 or self.per_webhook < 1:
            raise ValueError("in_flight and per_webhook must be at least 1")
        if not 0 < self.timeout_seconds <= MAX_WEBHOOK_TIMEOUT_SECONDS:
            raise ValueError(
                f"the webhook timeout must be more than 0 and at most {MAX_WEBHOOK_TIMEOUT_SECONDS:g} seconds"
            )

    @property
    def lease(self) -> timedelta:
        """How long a claim, or its last renewal, is this worker's: while it holds a delivery,
        it renews the lease every `renew_every` (`delivery.renew`)."""
        return max(LEASE, timedelta(seconds=HELD_PER_CONNECTION * self.timeout_seconds + 30))

    @property
    def renew_every(self) -> timedelta:
        """How often the leases of the deliveries a worker holds are renewed: 10 s, or a quarter
        of a shorter lease. A database outage shorter than `lease` less this (100 s by default)
        lets no other worker take them over (README "When the database is unavailable")."""
        return min(RENEW_EVERY, self.lease / 4)

    @property
    def held_per_webhook(self) -> int:
        """Deliveries of one webhook a worker holds at once: in flight and waiting for a connection."""
        return max(1, min(self.per_webhook * HELD_PER_CONNECTION, self.in_flight // 4))

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            in_flight=settings.worker_in_flight,
            per_webhook=settings.webhook_concurrency,
            timeout_seconds=settings.webhook_timeout_seconds,
        )


class Sender:
    """POSTs claimed deliveries; one per worker, opened on first use, closed by `aclose`."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._session: aiohttp.ClientSession | None = None
        self._slots: dict[int, asyncio.Semaphore] = {}  # per webhook: its concurrency cap
        self.sending: set[int] = set()  # deliveries being POSTed now (the others wait for a slot)

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=0,  # each webhook is capped by its semaphore; one pool of connections per host and port
            limit_per_host=0,
            keepalive_timeout=30,
            ttl_dns_cache=60,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.limits.timeout_seconds),
            headers={"User-Agent": USER_AGENT},
            auto_decompress=False,
            # Each delivery stands alone: a cookie one endpoint's answer sets (a load balancer's
            # affinity, a session) is never sent back, to it or to another store's endpoint on
            # the same host.
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(self, item: Claimed) -> Outcome:
        """One attempt. A 2xx is a success; any other status, a connection error or the time
        budget running out is an error, recorded as `HTTP <status>` or `<Exception>: <text>`."""
        slot = self._slots.get(item.webhook_id)
        if slot is None:
            slot = self._slots[item.webhook_id] = asyncio.Semaphore(self.limits.per_webhook)
        async with slot:
            self.sending.add(item.delivery_id)
            try:
                return await self._post(item)
            finally:
                self.sending.discard(item.delivery_id)

    async def _post(self, item: Claimed) -> Outcome:
        session = self._session or self._open()
        headers = {
            "Content-Type": "application/json",
            HEADER: sign(item.secret, item.body),  # now: the receiver checks the time (README)
            "Kanal-Event-Id": item.event_id,
            "Kanal-Event-Type": item.event_type,
        }
        try:
            async with session.post(item.url, data=item.body, headers=headers, allow_redirects=False) as response:
                status = response.status
                await _drain(response)
        except TimeoutError:
            error = f"Timeout: no answer within {self.limits.timeout_seconds:g} s"
            return item.outcome(None, error)
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:1024]
            return item.outcome(None, error)
        failure = None if 200 <= status < 300 else f"HTTP {status}"
        return item.outcome(status, failure)


async def _drain(response: aiohttp.ClientResponse) -> None:
    """Read the answer so that its connection is reused; a long one is cut (its connection closes)."""
    seen = 0
    while chunk := await response.content.read(16 * 1024):
        seen += len(chunk)
        if seen > MAX_RESPONSE_BYTES:
            response.close()
            return
