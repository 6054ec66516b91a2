"""Dashboard analytics over a period: storeTimeseries, topProducts, recoveryFunnel and
carrierPerformance (issue 16; README, "Time series", "Top products", "Recovery funnel", "Carrier
performance")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.domain.errors import ValidationFailed
from app.policies.page_size import check_first
from app.read import timeseries
from app.read.carriers import carrier_performance
from app.read.filters import period
from app.read.funnel import recovery_funnel
from app.read.products import ProductMetric, top_products

from .arguments import First, From, StoreId, To
from .context import Context
from .derived import described_enum
from .errors import bad_input
from .stores import CARTS_ABANDONED, Revenue

StatsInterval = described_enum(
    timeseries.Interval,
    "StatsInterval",
    "A bucket's length in the store's timezone; WEEK starts on Monday (ISO 8601)",
    {
        "HOUR": "A local hour of the store's timezone; a change of the clocks also begins one",
        "DAY": "A local day, from local midnight to the next, whatever its length: 23, 24.5 or 25 hours "
        "where the clocks change (Australia/Lord_Howe shifts by half an hour)",
        "WEEK": "A local week, from Monday (ISO 8601)",
        "MONTH": "A local month, from the 1st",
    },
)


@strawberry.type(
    description="One bucket [start, end) of a store's time series; a DAY is the store's local day, whatever "
    "its length (23, 24.5 or 25 hours where the clocks change)."
)
class StatsBucket:
    start: datetime = strawberry.field(description="Its first instant, in UTC like every time")
    end: datetime = strawberry.field(description="Its end, excluded: the bucket is [start, end), in UTC")
    order_count: int = strawberry.field(description="Orders placed in it")
    revenue: list[Revenue] = strawberry.field(description="Revenue and average order value per currency")
    carts_abandoned: int = strawberry.field(description=CARTS_ABANDONED)
    carts_recovered: int = strawberry.field(description="Carts abandoned in the bucket and recovered since")


@strawberry.type(description="Carts abandoned in a period and what their recovery messages brought back.")
class RecoveryFunnel:
    carts_abandoned: int = strawberry.field(description=CARTS_ABANDONED)
    recoveries_fired: int = strawberry.field(description="Carts whose cart.recovery_due fired")
    carts_recovered: int = strawberry.field(description="Carts now recovered, after a message or not")
    orders_after_recovery: int = strawberry.field(
        description="Orders that recovered a cart after its message: the contact's first order after abandoning it"
    )
    revenue: list[Revenue] = strawberry.field(description="Those orders' revenue per currency")


@strawberry.type(description="One carrier's shipments first reported in a period and their transit times.")
class CarrierPerformance:
    carrier: str | None = strawberry.field(
        description="Its spelling most of its shipments carry, its other spellings counted with it (case, spaces); "
        "ties: the first in code-point order. null: shipments sent without a carrier"
    )
    shipments: int = strawberry.field(description="Its shipments whose first status report falls in the period")
    delivered: int = strawberry.field(description="Of those, how many are now delivered")
    failed: int = strawberry.field(description="Of those, how many are now failed")
    returned: int = strawberry.field(description="Of those, how many are now returned")
    median_hours_to_deliver: float | None = strawberry.field(
        description="Hours from the first in_transit to delivered, median (nearest rank)"
    )
    p90_hours_to_deliver: float | None = strawberry.field(description="The same hours, 90th percentile (nearest rank)")


ProductMetricEnum = described_enum(
    ProductMetric,
    "ProductMetric",
    "What topProducts ranks by",
    {
        "REVENUE": "Revenue, currency by currency with no exchange rates: the currency of the most orders first",
        "QUANTITY": "Units sold",
        "ORDERS": "Orders holding it, each once",
    },
)


@strawberry.type(description="A product of the orders of a period: its sku, else its title, groups its lines.")
class ProductSales:
    sku: str | None = strawberry.field(
        description="Its sku, trimmed of whitespace; null: a product known by its title alone"
    )
    title: str | None = strawberry.field(description="Of the titles it was sold under, the last in sort order")
    quantity: float = strawberry.field(description="Units sold; a line without a quantity counts 1")
    orders: int = strawberry.field(description="Orders holding it, each once however many lines it has")
    revenue: list[Revenue] = strawberry.field(description="Quantity × price per line, per currency")


async def _store_period(
    info: Info[Context, None], store_id: strawberry.ID, from_: datetime, to: datetime
) -> tuple[Context, int, datetime, datetime]:
    """The request's context, the store it may read (SPEC §2 refusals raised) and [from, to)."""
    store = await info.context.store(store_id)
    return info.context, store.id, *_period(from_, to)


def _period(from_: datetime, to: datetime) -> tuple[datetime, datetime]:
    try:
        return period(from_, to)
    except ValidationFailed as failure:
        raise bad_input(failure) from None


@strawberry.type
class AnalyticsQueries:
    @strawberry.field(
        description=(
            "Orders placed and carts abandoned per bucket, in the store's timezone, zero-filled: from the "
            "bucket holding `from` to the one holding the last instant before `to`; a day the clocks "
            "skip whole is no bucket; "
            f"at most {timeseries.MAX_BUCKETS} buckets."
        )
    )
    async def store_timeseries(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        from_: From,
        to: To,
        interval: Annotated[
            StatsInterval,  # type: ignore[valid-type]
            strawberry.argument(
                description="The buckets' length, counted in the store's timezone (Store.timezone); at most "
                f'{timeseries.MAX_BUCKETS} buckets (BAD_USER_INPUT on ["interval"])'
            ),
        ] = timeseries.Interval.DAY,
    ) -> list[StatsBucket]:
        context, allowed_id, start, end = await _store_period(info, store_id, from_, to)
        try:
            found = await context.db.read(timeseries.store_timeseries, allowed_id, start, end, interval)
        except ValidationFailed as failure:
            raise bad_input(failure) from None
        return [
            StatsBucket(
                start=bucket.start,
                end=bucket.end,
                order_count=bucket.order_count,
                revenue=[Revenue(**vars(revenue)) for revenue in bucket.revenue],
                carts_abandoned=bucket.carts_abandoned,
                carts_recovered=bucket.carts_recovered,
            )
            for bucket in found
        ]

    @strawberry.field(
        description="The products of the orders placed in [from, to), best first; ties by title, then sku, each "
        "ascending by code point, a product without a title or sku after those with one."
    )
    async def top_products(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        from_: From,
        to: To,
        first: First = 10,
        by: Annotated[
            ProductMetricEnum,  # type: ignore[valid-type]
            strawberry.argument(description="What it ranks the products by"),
        ] = ProductMetric.REVENUE,
    ) -> list[ProductSales]:
        context, allowed_id, start, end = await _store_period(info, store_id, from_, to)
        try:
            check_first(first)
        except ValidationFailed as failure:
            raise bad_input(failure) from None
        found = await context.db.read(top_products, allowed_id, start, end, first, by)
        return [
            ProductSales(
                sku=product.sku,
                title=product.title,
                quantity=float(product.quantity),
                orders=product.orders,
                revenue=[Revenue(**vars(revenue)) for revenue in product.revenue],
            )
            for product in found
        ]

    @strawberry.field(description="The recovery funnel of the carts abandoned in [from, to).")
    async def recovery_funnel(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        from_: From,
        to: To,
    ) -> RecoveryFunnel:
        context, allowed_id, start, end = await _store_period(info, store_id, from_, to)
        funnel = await context.db.read(recovery_funnel, allowed_id, start, end)
        return RecoveryFunnel(
            carts_abandoned=funnel.carts_abandoned,
            recoveries_fired=funnel.recoveries_fired,
            carts_recovered=funnel.carts_recovered,
            orders_after_recovery=funnel.orders_after_recovery,
            revenue=[Revenue(**vars(revenue)) for revenue in funnel.revenue],
        )

    @strawberry.field(description="Per carrier, the shipments first reported in [from, to), busiest first.")
    async def carrier_performance(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        from_: From,
        to: To,
    ) -> list[CarrierPerformance]:
        context, allowed_id, start, end = await _store_period(info, store_id, from_, to)
        found = await context.db.read(carrier_performance, allowed_id, start, end)
        return [CarrierPerformance(**vars(row)) for row in found]
