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

from .context import Context
from .errors import bad_input
from .one_of import exactly_one
from .scalars import Money


@strawberry.type
class Store:
    id: strawberry.ID
    name: str
    status: str
    region: str
    team: str | None
    rate_limit_per_minute: int | None
    created_at: datetime
    timezone: str = strawberry.field(description="IANA timezone its dashboards count days in, e.g. Europe/Paris")
    livemode: bool = strawberry.field(
        description="False when a test key reads it: every field of the request reads the store's test data"
    )


@strawberry.type
class Revenue:
    currency: str | None
    amount: Money
    orders: int
    average: Money = strawberry.field(description="Average order value in this currency")


@strawberry.type
class StatusCount:
    status: str | None
    count: int


@strawberry.type
class StoreStats:
    order_count: int
    revenue: list[Revenue] = strawberry.field(description="Revenue and average order value per currency")
    by_financial_status: list[StatusCount]
    by_fulfillment_status: list[StatusCount]
    carts_abandoned: int
    carts_recovered: int
    recovery_rate: float = strawberry.field(description="carts_recovered / carts_abandoned, 0 when none")


_ONE_STORE = "Give the store as storeId (id is its deprecated spelling), exactly once."


@strawberry.type
class StoreQueries:
    @strawberry.field(description="A store by `storeId`, as every other field names it.")
    async def store(
        self,
        info: Info[Context, None],
        store_id: strawberry.ID | None = None,
        id: Annotated[
            strawberry.ID | None, strawberry.argument(deprecation_reason="Use storeId, as every other field does.")
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
        store_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
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
