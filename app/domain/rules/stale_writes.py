"""A write older than what is stored is stale (README, "Stale and out-of-order writes"; amends
SPEC §10 "Ordering").

Platforms deliver webhooks late, twice and out of order; each carries the source's
last-modified time (`updated_at`). A write whose time is older than the stored one is stale:
it changes nothing and fires nothing. An equal time is a replay, written as usual (and so,
changing nothing, fires nothing). A write without a time is not compared: the last write wins,
as before, and the stored source time stays (the undated write says nothing about it), so a
stale dated write arriving later is still recognised."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class Arrival(StrEnum):
    """How a write's source time compares with the stored one."""

    UNDATED = "undated"  # the write carries no updated_at: not compared, the last write wins
    FIRST_DATED = "first_dated"  # the stored row has no source time yet
    STALE = "stale"  # older than the stored time: nothing is written
    REPLAY = "replay"  # the same time
    NEWER = "newer"  # strictly newer than the stored time


def arrival(stored: datetime | None, sent: datetime | None) -> Arrival:
    """Compare the `sent` source time of a write with the `stored` one (aware datetimes, or
    None when absent)."""
    if sent is None:
        return Arrival.UNDATED
    if stored is None:
        return Arrival.FIRST_DATED
    if sent < stored:
        return Arrival.STALE
    return Arrival.REPLAY if sent == stored else Arrival.NEWER


def source_time_after(stored: datetime | None, sent: datetime | None) -> datetime | None:
    """The source time to store after a write that is not stale: the one sent, else the stored
    one (an undated write keeps it)."""
    return stored if sent is None else sent
