"""Stores and their dashboard aggregates (storeStats)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.domain.errors import ValidationFailed
from app.read.filters import period
from app.read.stats import store_stats
from app.services import stores

from .arguments import From, StoreId, To
from .context import Context
from .errors import bad_input
from .one_of import exactly_one
from .scalars import Money


@strawberry.type(description="A store: one shop's data, which its API keys open (SPEC §2).")
class Store:
    id: strawberry.ID = strawberry.field(description="Its id, as storeId names it")
    name: str = strawberry.field(description="Its name")
    status: str = strawberry.field(description="active or paused (a paused store answers no request)")
    region: str = strawberry.field(description="ISO 3166 alpha-2 region national phone numbers are read in, e.g. FR")
    team: str | None = strawberry.field(description="The team whose keys open it; null when none")
    rate_limit_per_minute: int | None = strawberry.field(
        description="Its own request budget per minute; null: KANAL_RATE_LIMIT_PER_MINUTE's"
    )
    created_at: datetime = strawberry.field(description="When it was created (UTC)")
    timezone: str = strawberry.field(description="IANA timezone its dashboards count days in, e.g. Europe/Paris")
    livemode: bool = strawberry.field(
        description="False when a test key reads it: every field of the request reads the store's test data"
    )


@strawberry.type(
    description="Gross revenue in one currency (no exchange rates): refunded, voided or cancelled orders count in "
    "full, whatever their financial status."
)
class Revenue:
    currency: str | None = strawberry.field(description="ISO 4217 code; null: the orders sent without a currency")
    amount: Money = strawberry.field(
        description="The orders' total_price as sent, summed exactly (gross); under topProducts, quantity × price "
        "of the product's lines"
    )
    orders: int = strawberry.field(
        description="The orders counted in this currency; under topProducts, those holding the product, each once"
    )
    average: Money = strawberry.field(
        description="Average order value in this currency: amount / orders, rounded half-even to the currency's "
        "minor unit; under topProducts, the product's revenue per order holding it"
    )


@strawberry.type(description="How many orders of the period have one status.")
class StatusCount:
    status: str | None = strawberry.field(description="The status as stored; null: orders sent without one")
    count: int = strawberry.field(description="Orders placed in the period with this status")


# Every dashboard read counts carts abandoned by one rule (README, "Store stats").
CARTS_ABANDONED = (
    "Carts whose abandonedAt falls in it, whatever became of them since, but checkouts bought at or before that "
    "time (completedAt <= abandonedAt)"
)


@strawberry.type(
    description="A store's orders placed and carts abandoned in a period [from, to) (SPEC §5; README, \"Store "
    'stats"); revenue is gross.'
)
class StoreStats:
    order_count: int = strawberry.field(description="Orders placed in the period, whatever their status")
    revenue: list[Revenue] = strawberry.field(
        description="Revenue and average order value per currency, gross, by ISO 4217 code (none last)"
    )
    by_financial_status: list[StatusCount] = strawberry.field(
        description="The period's orders counted per financialStatus (a dashboard sets refunds apart by it)"
    )
    by_fulfillment_status: list[StatusCount] = strawberry.field(
        description="The period's orders counted per fulfillmentStatus"
    )
    carts_abandoned: int = strawberry.field(description=CARTS_ABANDONED)
    carts_recovered: int = strawberry.field(description="Of the carts abandoned in the period, those now recovered")
    recovery_rate: float = strawberry.field(description="cartsRecovered / cartsAbandoned, 0 when none")


_ONE_STORE = "Give the store as storeId (id is its deprecated spelling), exactly once."


@strawberry.type
class StoreQueries:
    @strawberry.field(description="A store by `storeId`, as every other field names it.")
    async def store(
        self,
        info: Info[Context, None],
        store_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description='The store\'s id; give it or id, exactly one (README, "Auth").'),
        ] = None,
        id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="storeId's deprecated spelling.",
                deprecation_reason="Use storeId, as every other field does.",
            ),
        ] = None,
    ) -> Store | None:
        context = info.context
        store = await context.store(*exactly_one({"storeId": store_id, "id": id}, _ONE_STORE))
        row = await stores.get_store(context.db, store.id)
        if row is None:
            return None
        shown = {**row, "id": store.public_id, "livemode": store.livemode}
        return Store(**{name: shown[name] for name in Store.__annotations__})

    @strawberry.field(description="Orders placed and carts abandoned in [from, to).")
    async def store_stats(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        from_: From,
        to: To,
    ) -> StoreStats:
        context = info.context
        store = await context.store(store_id)
        try:
            start, end = period(from_, to)  # `to` after `from`, as every dashboard period
        except ValidationFailed as failure:
            raise bad_input(failure) from None
        stats = await context.db.read(store_stats, store.id, start, end)
        return StoreStats(
            order_count=stats["order_count"],
            revenue=[Revenue(**row) for row in stats["revenue"]],
            by_financial_status=[StatusCount(**row) for row in stats["by_financial_status"]],
            by_fulfillment_status=[StatusCount(**row) for row in stats["by_fulfillment_status"]],
            carts_abandoned=stats["carts_abandoned"],
            carts_recovered=stats["carts_recovered"],
            recovery_rate=stats["recovery_rate"],
        )
