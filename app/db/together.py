"""Writes of one kind that a SQLite commit group runs together, as a batch runs its chunk.

A commit group (`database._SqliteBackend`) runs the writes of concurrent requests one after
the other in one transaction. Each single order upsert costs its own statements: a read, a
contact upsert, the order, its summaries and events. Where several such writes follow one
another in a group, one call writes them all with one statement per table, as a batch's chunk
is written (`order_batches.write_orders`): each write with exactly the outcome it has alone,
in the order the requests reached their writes.

Only writes next to each other in the group run together, so a write of another kind between
two stays between them. Should anything raise, the whole group is rolled back and each write
runs again alone (`Database.write`'s contract), as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

Args = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Together:
    """A write work (`Database.write`'s `work(conn, *args)`: `one`) whose writes a commit group
    may run together: `many(conn, [args, …])` gives the outcomes `one` would give each, in
    order, as if run one after the other."""

    one: Callable[..., Any]
    many: Callable[[Connection, Sequence[Args]], list[Any]]

    def __call__(self, conn: Connection, *args: Any) -> Any:
        return self.one(conn, *args)


def runs(works: Sequence[Callable[..., Any]]) -> list[tuple[int, int]]:
    """The group's writes `works`, in order, as (start, end) slices: a slice of more than one
    is a run of the same `Together`, whose writes run together; any other write is alone."""
    slices: list[tuple[int, int]] = []
    start = 0
    while start < len(works):
        end = start + 1
        if isinstance(works[start], Together):
            while end < len(works) and works[end] is works[start]:
                end += 1
        slices.append((start, end))
        start = end
    return slices
