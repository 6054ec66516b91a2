"""Per-request context: the database, the caller's key, the stores it named, fresh DataLoaders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from starlette.responses import Response

from app.db.database import Database
from app.domain.errors import ValidationFailed
from app.policies import access, ids, rate_limit
from app.policies.access import Refusal
from app.policies.rate_limit import Quota, RateLimitUnavailable, StoreRateLimiter
from app.read.feed import EventFeed, Start
from app.services import keys
from app.services.stores import Store

from .errors import bad_input, rate_limit_unavailable, refused, throttled
from .loaders import Loaders


@dataclass
class Context:
    db: Database
    authorization: str | None
    loaders: Loaders
    limiter: StoreRateLimiter
    # The HTTP response strawberry is building: its status and the rate-limit headers (None
    # over a websocket).
    response: Response | None
    feed: EventFeed
    # The request's method (WEBSOCKET for an operation of a websocket) and path, for the log.
    method: str
    path: str
    # A websocket's connection_init payload; its Authorization is the connection's key.
    connection_params: dict[str, object] | None = None
    # Where a websocket's first subscription starts: the outbox when it was acknowledged.
    feed_start: Start | None = None
    _admitted: dict[int, Store | Refusal | Quota | RateLimitUnavailable] = field(default_factory=dict)
    _admitting: asyncio.Lock = field(default_factory=asyncio.Lock)
    _shown: Quota | None = None

    async def store(self, store_id: object, argument: str = "storeId") -> Store:
        """The store an ID argument names, for this caller: the same keys and scope rules as
        REST (`app.policies.access`), then one unit of the store's budget
        (`app.policies.rate_limit`). Checked once per store and request, however many fields
        name it. Raises BAD_USER_INPUT naming `argument` when it is no id, else UNAUTHENTICATED,
        FORBIDDEN, THROTTLED or RATE_LIMIT_UNAVAILABLE."""
        try:
            store_key = ids.parse_id(store_id, (argument,))
        except ValidationFailed as failure:
            raise bad_input(failure) from None
        outcome = self._admitted.get(store_key)
        if outcome is None:
            # Fields of a query resolve concurrently: the first one admits, the others wait.
            async with self._admitting:
                outcome = self._admitted.get(store_key)
                if outcome is None:
                    outcome = self._admitted[store_key] = await self._admit(store_key)
        if isinstance(outcome, Store):
            return outcome
        if isinstance(outcome, Refusal):
            raise refused(outcome)
        if isinstance(outcome, RateLimitUnavailable):
            raise rate_limit_unavailable(outcome)
        raise throttled()

    async def _admit(self, store_id: int) -> Store | Refusal | Quota | RateLimitUnavailable:
        try:
            store = await keys.authorize(self.db, self.authorization, store_id)
        except keys.AuthFailure as failure:
            return access.refusal(failure)  # a failed check spends no budget
        try:
            quota = await self.limiter.hit(store.id, store.rate_limit_per_minute)
        except RateLimitUnavailable as unavailable:
            # Kept as the store's outcome: each field naming it gets the same error, and the
            # request one log line, however many stores it names.
            if not any(isinstance(outcome, RateLimitUnavailable) for outcome in self._admitted.values()):
                rate_limit.log_unavailable(self.method, self.path, unavailable)
            if self.response is not None:
                self.response.status_code = 503
                self.response.headers["Retry-After"] = str(rate_limit.RETRY_AFTER_SECONDS)
            return unavailable
        self._show(quota)
        return store if quota.allowed else quota

    def wrote(self) -> None:
        """A mutation wrote: the fields after it read afresh. Mutations of a document run in
        order (GraphQL spec §6.2.2), and each payload answers the records as its write left them,
        as its REST twin does; the DataLoaders would answer what an earlier field loaded."""
        self.loaders = Loaders(self.db)

    def for_operation(self) -> Context:
        """A context for one operation of a websocket: the connection's key and payload, with
        nothing admitted yet and fresh DataLoaders, so that each operation is a request of its
        own (README, "Live updates")."""
        fresh = new_context(
            self.db, self.limiter, self.feed, self.authorization, self.response, method=self.method, path=self.path
        )
        fresh.connection_params = self.connection_params
        fresh.feed_start = self.feed_start
        return fresh

    def _show(self, quota: Quota) -> None:
        """The response carries one store's figures: the tightest of the stores it named."""
        if self._shown is not None and not quota.tighter_than(self._shown):
            return
        self._shown = quota
        if self.response is None:
            return
        self.response.headers.update(quota.headers())
        if not quota.allowed:
            self.response.status_code = rate_limit.STATUS


def new_context(
    db: Database,
    limiter: StoreRateLimiter,
    feed: EventFeed,
    authorization: str | None,
    response: Response | None,
    *,
    method: str,
    path: str,
) -> Context:
    """A request's context; `method` and `path` name it in the log (`method` WEBSOCKET for an
    operation of a websocket, `rate_limit.WEBSOCKET`)."""
    return Context(
        db=db,
        authorization=authorization,
        loaders=Loaders(db),
        limiter=limiter,
        response=response,
        feed=feed,
        method=method,
        path=path,
    )
