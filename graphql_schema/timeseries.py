"""Dashboard time series: storeTimeseries (issue 16; README, "Time series")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.domain.errors import ErrorCode, FieldError, ValidationFailed
from app.read import timeseries
from app.read.filters import moment
from app.services import stores

from .context import Context
from .errors import bad_input
from .stores import Revenue

StatsInterval = strawberry.enum(
    timeseries.Interval,
    name="StatsInterval",
    description="A bucket's length in the store's timezone; WEEK starts on Monday (ISO 8601)",
)


@strawberry.type(
    description="One bucket [start, end) of a store's time series; a DAY is 23 or 25 hours when the clocks change."
)
class StatsBucket:
    start: datetime
    end: datetime
    order_count: int
    revenue: list[Revenue] = strawberry.field(description="Revenue and average order value per currency")
    carts_abandoned: int
    carts_recovered: int = strawberry.field(description="Carts abandoned in the bucket and recovered since")


@strawberry.type
class TimeseriesQueries:
    @strawberry.field(
        description=(
            "Orders placed and carts abandoned per bucket, in the store's timezone, zero-filled: from the "
            "bucket holding `from` to the one holding the last instant before `to`; "
            f"at most {timeseries.MAX_BUCKETS} buckets."
        )
    )
    async def store_timeseries(
        self,
        info: Info[Context, None],
        store_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        interval: StatsInterval = timeseries.Interval.DAY,  # type: ignore[valid-type]
    ) -> list[StatsBucket]:
        context = info.context
        store = await context.store(store_id)
        try:
            start, end = moment(from_, "from", ("from",)), moment(to, "to", ("to",))
            if end <= start:
                raise ValidationFailed([FieldError(("to",), ErrorCode.OUT_OF_RANGE, "`to` must be after `from`.")])
            row = await stores.get_store(context.db, store.id)
            zone = row["timezone"] if row else "UTC"
            timeseries.buckets(start, end, interval, zone)  # refused before any SQL runs
        except timeseries.TooManyBuckets as exc:
            raise bad_input(ValidationFailed([FieldError(("interval",), ErrorCode.OUT_OF_RANGE, str(exc))])) from None
        except ValidationFailed as failure:
            raise bad_input(failure) from None
        found = await context.db.read(timeseries.store_timeseries, store.id, start, end, interval, zone)
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
