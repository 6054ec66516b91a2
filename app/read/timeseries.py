"""Store time series for dashboards: orders, revenue and carts per hour, day, week or month,
counted in the store's own timezone (issue 16; README, "Time series").

Bucket boundaries are instants computed here from the tz database (a day is as long as the
local day: 23, 24.5 or 25 hours where the clocks change, and a day they skip whole is no
bucket); the counting is one SQL statement per table, joining a VALUES list of the buckets with
the rows in them (an index range scan per bucket on both engines), so no row is loaded. Orders
are counted from their hourly summary (`order_hours`, kept exact by every order write:
app/db/summaries.py), and from the orders only in an hour a bucket boundary cuts."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from app.db.summaries import HOUR, floor
from app.db.tables import carts, order_hours, orders, stores
from app.domain.errors import ErrorCode, FieldError, ValidationFailed
from app.domain.money import from_units
from app.domain.statuses import CartStatus

from .abandoned_carts import was_abandoned_sql
from .money_sums import HALF
from .revenue import Revenue, currency_order
from .spans import Span, per_span

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
    """The buckets covering [start, end) (aware datetimes) as `[(start, end)]` in UTC, each at
    least an instant long: from the start of the bucket holding `start` (local midnight, the
    hour, Monday, the 1st) to the end of the one holding the last instant before `end`. A day
    the zone skips whole (Pacific/Apia's 2011-12-30: UTC-10 to UTC+14) holds no instant and is
    no bucket; the week and month around it are a day shorter. Raises TooManyBuckets beyond
    MAX_BUCKETS, OutOfCalendar near the years 1 and 9999; none when end <= start."""
    if end <= start:
        return []
    zone = ZoneInfo(timezone)
    found: list[tuple[datetime, datetime]] = []
    try:
        starts = _starts(start.astimezone(zone), interval, zone)
        current = next(starts)
        while current < end:
            following = next(starts)
            if following > current:  # a day the clocks skip whole holds no instant: no bucket
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
    """Bucket starts in UTC from the one holding `local` on. Hours begin on the wall clock's
    whole hours and wherever the zone's offset changes (a repeated hour is a bucket of its own,
    and where a change is not of whole hours, Lord Howe's half hour, the piece of an hour
    between the change and the next whole hour is one too); days, weeks and months step in
    wall-clock time, each start at local midnight (or, where midnight is skipped, the first
    instant after)."""
    if interval is Interval.HOUR:
        moment = _hour_holding(local.astimezone(UTC), zone)
        while True:
            yield moment
            moment = _next_hour(moment, zone)
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


def _hour_holding(instant: datetime, zone: ZoneInfo) -> datetime:
    """The start (UTC) of the hour bucket holding `instant`: its wall clock's whole hour, or the
    change of offset after it when one came in between."""
    start = instant - _into_the_hour(instant, zone)
    return _offset_change(start, instant, zone) or start


def _next_hour(moment: datetime, zone: ZoneInfo) -> datetime:
    """The start (UTC) of the hour bucket after the one starting at `moment`."""
    following = moment + HOUR
    changed = _offset_change(moment, following, zone)
    if changed is not None:
        return changed
    whole = following - _into_the_hour(following, zone)  # one offset from moment on: no change in between
    return whole if whole > moment else following  # past `moment`: it was a change off the hour


def _into_the_hour(instant: datetime, zone: ZoneInfo) -> timedelta:
    """How far the wall clock of `zone` is into its hour at `instant`. (Counted back from the
    instant, not by replacing the wall clock's minutes: a wall time read back in a repeated
    or skipped stretch would take the other offset.)"""
    local = instant.astimezone(zone)
    return timedelta(minutes=local.minute, seconds=local.second, microseconds=local.microsecond)


def _offset_change(start: datetime, end: datetime, zone: ZoneInfo) -> datetime | None:
    """The first instant of (start, end] (UTC) whose offset from UTC in `zone` is not that of
    `start`, to the second (the tz database changes offsets on whole seconds); None when the
    offset holds throughout."""
    offset = start.astimezone(zone).utcoffset()
    if end.astimezone(zone).utcoffset() == offset:
        return None
    base = start.replace(microsecond=0)
    low, high = 0, max(1, math.ceil((end - base).total_seconds()))  # seconds after base: same, changed
    while high - low > 1:
        middle = (low + high) // 2
        if (base + timedelta(seconds=middle)).astimezone(zone).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return base + timedelta(seconds=high)


def store_timeseries(
    conn: Connection, store_id: int, start: datetime, end: datetime, interval: Interval
) -> list[Bucket]:
    """Every bucket of [start, end) in the store's timezone, zero-filled: orders and revenue per
    currency (`Revenue`), carts abandoned in it (`was_abandoned`) and how many of those were
    recovered since. Raises ValidationFailed, before any other SQL, beyond MAX_BUCKETS (at `interval`) or near
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
    _count_orders(conn, store_id, spans, found)
    recovered = f"sum(CASE WHEN t.status = '{CartStatus.RECOVERED.value}' THEN 1 ELSE 0 END)"
    indexed = [(index, *span) for index, span in enumerate(spans)]
    abandoned_carts = was_abandoned_sql(conn.dialect)
    for i, abandoned, recovered_count in per_span(
        conn, carts.name, "abandoned_at", store_id, indexed, f"count(*), {recovered}", where=abandoned_carts
    ):
        found[i].carts_abandoned = abandoned
        found[i].carts_recovered = int(recovered_count or 0)
    return found


def _count_orders(conn: Connection, store_id: int, spans: list[tuple[datetime, datetime]], found: list[Bucket]) -> None:
    """Orders and revenue per bucket: the whole UTC hours from `order_hours`; an hour a bucket
    boundary cuts (zones at :30 or :45 from UTC) from the orders themselves, per piece."""
    starts = [start for start, _ in spans]
    first, last = starts[0], spans[-1][1]
    cut = sorted({floor(edge, HOUR) for edge in (*starts, last) if floor(edge, HOUR) != edge})
    totals: list[dict[str, list[int]]] = [{} for _ in found]
    whole = select(order_hours.c.hour, order_hours.c.currency, order_hours.c.orders, order_hours.c.revenue).where(
        order_hours.c.store_id == store_id, order_hours.c.hour >= floor(first, HOUR), order_hours.c.hour < last
    )
    skipped = set(cut)
    for hour, currency, count, revenue in conn.execute(whole):
        if hour not in skipped and hour + HOUR <= last:
            _add(totals[bisect_right(starts, hour) - 1], currency, count, revenue)
    if cut:
        # Ten-thousandths summed in two halves (money_sums): SQLite's SUM of integers stops at 2^63.
        columns = f"t.currency, count(*), sum(t.total_price / {HALF}), sum(t.total_price % {HALF})"
        for i, currency, count, high, low in per_span(
            conn, orders.name, "placed_at", store_id, _pieces(cut, starts, last), columns, ", t.currency"
        ):
            _add(totals[i], currency or "", count, int(high) * HALF + int(low))
    for bucket, currencies in zip(found, totals, strict=True):
        for currency in sorted(currencies, key=lambda code: currency_order(code or None)):
            count, revenue = currencies[currency]
            if count:
                bucket.order_count += count
                bucket.revenue.append(Revenue.of(currency or None, from_units(revenue), count))


def _add(currencies: dict[str, list[int]], currency: str, count: int, revenue: int) -> None:
    held = currencies.setdefault(currency, [0, 0])
    held[0] += count
    held[1] += revenue


def _pieces(cut: list[datetime], starts: list[datetime], last: datetime) -> list[Span]:
    """The parts of the cut hours inside [starts[0], last), each with its bucket's index."""
    edges = sorted({*starts, last})
    pieces: list[Span] = []
    for hour in cut:
        inside = [edge for edge in edges if hour < edge < hour + HOUR]
        bounds = [hour, *inside, hour + HOUR]
        for piece_start, piece_end in pairwise(bounds):
            begin, end = max(piece_start, starts[0]), min(piece_end, last)
            if begin < end:
                pieces.append((bisect_right(starts, begin) - 1, begin, end))
    return pieces
