"""Store time series for dashboards: orders, revenue and carts per hour, day, week or month,
counted in the store's own timezone (issue 16; README, "Time series").

Bucket boundaries are instants computed here from the tz database (a day is 23 or 25 hours
long when the clocks change); the counting is one SQL statement per table, joining a VALUES
list of the buckets with the rows in them (an index range scan per bucket on both engines),
so no row is loaded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Integer, Table, and_, column, func, select, values

from app.db.tables import carts, orders, stores
from app.db.types import UTC_DATETIME
from app.domain.errors import ErrorCode, FieldError, ValidationFailed
from app.domain.statuses import CartStatus

from .revenue import Revenue

MAX_BUCKETS = 1000


class Interval(Enum):
    """A bucket's length in the store's wall-clock time; WEEK is ISO 8601's (from Monday)."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class TooManyBuckets(ValueError):
    """The period holds more than MAX_BUCKETS buckets of the interval."""


class OutOfCalendar(ValueError):
    """A bucket of the period would begin or end outside the years 1 to 9999 (Python's, both
    engines' calendar) in the store's time."""


@dataclass
class Bucket:
    """[start, end) in UTC; its orders (placed_at) and carts (abandoned_at) in it."""

    start: datetime
    end: datetime
    order_count: int = 0
    revenue: list[Revenue] = field(default_factory=list)
    carts_abandoned: int = 0
    carts_recovered: int = 0


def buckets(start: datetime, end: datetime, interval: Interval, timezone: str) -> list[tuple[datetime, datetime]]:
    """The buckets covering [start, end) (aware datetimes): from the start of the bucket holding
    `start` (local midnight, the hour, Monday, the 1st) to the end of the one holding the last
    instant before `end`. Raises TooManyBuckets beyond MAX_BUCKETS, OutOfCalendar near the years
    1 and 9999; none when end <= start."""
    if end <= start:
        return []
    zone = ZoneInfo(timezone)
    found: list[tuple[datetime, datetime]] = []
    try:
        starts = _starts(start.astimezone(zone), interval, zone)
        current = next(starts)
        while current < end:
            following = next(starts)
            found.append((current, following))
            if len(found) > MAX_BUCKETS:
                raise TooManyBuckets(f"The period holds more than {MAX_BUCKETS} buckets of one {interval.value}.")
            current = following
    except TooManyBuckets:
        raise
    except (OverflowError, ValueError):  # a bucket would begin or end outside years 1-9999
        raise OutOfCalendar("The period's buckets reach beyond the years 1 to 9999 in the store's time.") from None
    return found


def _starts(local: datetime, interval: Interval, zone: ZoneInfo) -> Iterator[datetime]:
    """Bucket starts in UTC from the one holding `local` on. Hours step in UTC (a local hour
    begins each UTC hour at the zone's minute offset); days, weeks and months step in wall-clock
    time, each start at local midnight (or, where midnight is skipped, the first instant after)."""
    if interval is Interval.HOUR:
        moment = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
        while True:
            yield moment
            moment += timedelta(hours=1)
    day = local.date()
    if interval is Interval.WEEK:
        day -= timedelta(days=day.weekday())
    elif interval is Interval.MONTH:
        day = day.replace(day=1)
    while True:
        yield datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
        if interval is Interval.MONTH:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            day += timedelta(days=7 if interval is Interval.WEEK else 1)


def store_timeseries(
    conn: Connection, store_id: int, start: datetime, end: datetime, interval: Interval
) -> list[Bucket]:
    """Every bucket of [start, end) in the store's timezone, zero-filled: orders and revenue per
    currency (`Revenue`), carts abandoned in it and how many of those were recovered since.
    Raises ValidationFailed, before any other SQL, beyond MAX_BUCKETS (at `interval`) or near
    the years 1 and 9999 (at `from` or `to`)."""
    timezone = conn.scalar(select(stores.c.timezone).where(stores.c.id == store_id)) or "UTC"
    try:
        spans = buckets(start, end, interval, timezone)
    except TooManyBuckets as exc:
        raise ValidationFailed([FieldError(("interval",), ErrorCode.OUT_OF_RANGE, str(exc))]) from None
    except OutOfCalendar as exc:
        at = "from" if start.year == 1 else "to"
        raise ValidationFailed([FieldError((at,), ErrorCode.OUT_OF_RANGE, str(exc))]) from None
    found = [Bucket(span_start, span_end) for span_start, span_end in spans]
    if not found:
        return found
    table = values(column("i", Integer), column("b_start", UTC_DATETIME), column("b_end", UTC_DATETIME), name="spans")
    spans_table = table.data([(index, *span) for index, span in enumerate(spans)]).cte("b")
    order_rows = conn.execute(
        select(
            spans_table.c.i,
            orders.c.currency,
            func.count().label("orders"),
            func.sum(orders.c.total_price).label("revenue"),
        )
        .select_from(spans_table)
        .join(orders, _in_span(orders, orders.c.placed_at, store_id, spans_table))
        .group_by(spans_table.c.i, orders.c.currency)
        .order_by(spans_table.c.i, orders.c.currency)
    ).all()
    for row in order_rows:
        bucket = found[row.i]
        bucket.order_count += row.orders
        bucket.revenue.append(Revenue.of(row.currency, row.revenue, row.orders))
    recovered = func.sum(func.cast(carts.c.status == CartStatus.RECOVERED, Integer))
    cart_rows = conn.execute(
        select(spans_table.c.i, func.count().label("abandoned"), recovered.label("recovered"))
        .select_from(spans_table)
        .join(carts, _in_span(carts, carts.c.abandoned_at, store_id, spans_table))
        .group_by(spans_table.c.i)
    ).all()
    for row in cart_rows:
        found[row.i].carts_abandoned = row.abandoned
        found[row.i].carts_recovered = int(row.recovered or 0)
    return found


def _in_span(table: Table, moment: Any, store_id: int, spans: Any) -> Any:
    return and_(table.c.store_id == store_id, moment >= spans.c.b_start, moment < spans.c.b_end)
