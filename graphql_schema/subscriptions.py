"""storeEvents: a store's events as they are committed, over graphql-transport-ws (issue 16;
README, "Live updates")."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.db.read_budget import ReadTimedOut
from app.db.unavailable import DatabaseUnavailable
from app.domain.errors import ErrorCode, FieldError, ValidationFailed
from app.policies import access
from app.read.feed import SubscriberTooSlow
from app.read.filters import event_types
from app.services import keys

from .arguments import StoreId
from .context import Context
from .errors import at_field, bad_input, refused, subscriber_too_slow
from .events import Event

# How often an idle subscription checks that its key still opens the store.
RECHECK_SECONDS = 5.0
# How long a subscription outlives a database that cannot check its key (a restart, a
# failover): past it, it ends with DATABASE_UNAVAILABLE.
OUTAGE_SECONDS = 60.0


@strawberry.type(description='Live updates over graphql-transport-ws at /graphql (README, "Live updates").')
class Subscription:
    @strawberry.subscription(
        description=(
            "The store's events from now on, each within a second of its commit (types: event types or patterns "
            "such as order.* , each matching some type, at least one; all when absent). Authorised by the key in "
            'the connection payload ({"Authorization": "Bearer …"}) as queries are; ends when the key stops '
            "opening the store."
        )
    )
    def store_events(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        types: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Event types or patterns as webhooks take them (order.*, *.created), each matching a "
                "known type; at least one; absent: every event"
            ),
        ] = None,
    ) -> AsyncGenerator[Event, None]:
        # Every error of the stream, a refusal before its first event included, at this field.
        return at_field(info, _store_events(info.context, store_id, types))


async def _store_events(
    context: Context, store_id: strawberry.ID, types: list[str] | None
) -> AsyncGenerator[Event, None]:
    """storeEvents' stream: the store admitted as a query's (`Context.store`: BAD_USER_INPUT,
    UNAUTHENTICATED, FORBIDDEN, THROTTLED, RATE_LIMIT_UNAVAILABLE; DatabaseUnavailable or
    ReadTimedOut from its reads), `types` checked (BAD_USER_INPUT), then its events until the
    key stops opening the store (its refusal) or the subscriber falls too far behind."""
    store = await context.store(store_id)
    try:
        if types is not None and not types:  # would match no event: a subscription that never hears one
            message = "types must name at least one event type or pattern; leave it out for every type."
            raise ValidationFailed([FieldError(("types",), ErrorCode.REQUIRED, message)])
        for pattern in types or ():
            event_types(pattern, ("types",))
    except ValidationFailed as failure:
        raise bad_input(failure) from None
    since = context.feed_start.take() if context.feed_start else None
    async with context.feed.subscription(store.id, types, since) as subscription:
        while True:
            try:
                event = await subscription.next(RECHECK_SECONDS)
            except SubscriberTooSlow as behind:
                raise subscriber_too_slow(behind) from None
            await _still_admitted(context, store.public_id)
            if event is not None:
                yield Event.of(event)


async def _still_admitted(context: Context, store_id: int) -> None:
    """Returns once the key is found to open the store still. A revoked key, a paused store:
    its refusal (GraphQLError), which ends the subscription. A database that cannot check it
    (DatabaseUnavailable, ReadTimedOut) is asked again every second: no event can be committed
    meanwhile, and the feed hands on those committed since once it answers (app.read.feed);
    it raises that error once the database has not answered for OUTAGE_SECONDS."""
    failing_since: float | None = None
    while True:
        try:
            await keys.authorize(context.db, context.authorization, store_id)
            return
        except keys.AuthFailure as failure:
            raise refused(access.refusal(failure)) from None
        except (DatabaseUnavailable, ReadTimedOut):
            now = time.monotonic()
            failing_since = now if failing_since is None else failing_since
            if now - failing_since >= OUTAGE_SECONDS:
                raise
            await asyncio.sleep(min(1.0, OUTAGE_SECONDS))
