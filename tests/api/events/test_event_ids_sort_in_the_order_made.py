"""README "Event ids": UUIDv7 (RFC 9562), strictly increasing within a process (§6.2,
"Monotonic Random"), so that events sort by id in the order they were made. Before, two events
of one write made in the same millisecond (a PATCH to `recovered`: its `cart.status_changed`,
then its `cart.recovered`) took random bits in either order, and the later one could sort first.

Each clock the process may see, table-driven: ids made in a loop are strictly increasing as
the text subscribers compare, each a version 7, variant 10 UUID; then the events a write
records sort by id in the order it recorded them."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator

import pytest

from app.services import events
from tests.conftest import Api, cart_body

NOW_NS = 1_780_000_000_123_456_789


def _frozen() -> Iterator[int]:
    while True:
        yield NOW_NS


def _advancing() -> Iterator[int]:
    at = NOW_NS
    while True:
        at += 250_000  # four ids a millisecond
        yield at


def _set_back() -> Iterator[int]:
    for n in range(1000):
        yield NOW_NS + n * 1_000_000
    at = NOW_NS - 3_600 * 10**9  # NTP stepped the clock back an hour
    while True:
        at += 1_000_000
        yield at


# clock -> its readings, one per id made
CLOCKS: dict[str, Callable[[], Iterator[int]]] = {
    "the same millisecond throughout": _frozen,
    "a few ids a millisecond": _advancing,
    "set back an hour": _set_back,
}


@pytest.mark.parametrize("clock", CLOCKS.values(), ids=CLOCKS.keys())
def test_ids_made_one_after_another_increase(monkeypatch: pytest.MonkeyPatch, clock: Callable[[], Iterator[int]]):
    readings = clock()
    monkeypatch.setattr(events, "_last_id", [0])  # none made before in this process
    monkeypatch.setattr(events.time, "time_ns", lambda: next(readings))
    made = [events.new_event_id() for _ in range(5000)]
    assert all(earlier < later for earlier, later in zip(made, made[1:], strict=False))
    parsed = [uuid.UUID(text) for text in made]
    assert {(value.version, value.variant) for value in parsed} == {(7, uuid.RFC_4122)}
    assert [str(value) for value in parsed] == made  # lower-case, hyphenated as RFC 9562 writes it


def test_the_time_is_the_clocks_while_it_moves_on(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(events, "_last_id", [0])
    readings = _advancing()
    monkeypatch.setattr(events.time, "time_ns", lambda: next(readings))
    stamps = [int(events.new_event_id().replace("-", "")[:12], 16) for _ in range(8)]
    assert stamps == [(NOW_NS + n * 250_000) // 1_000_000 for n in range(1, 9)]


def test_ids_made_by_threads_at_once_are_each_unique():
    made: list[list[str]] = [[] for _ in range(4)]

    def make(into: list[str]) -> None:
        into.extend(events.new_event_id() for _ in range(5000))

    threads = [threading.Thread(target=make, args=(into,)) for into in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({text for into in made for text in into}) == 20000
    assert all(into == sorted(into) for into in made)


# a write -> the events it records, in order
WRITES = {
    "a cart marked recovered": ("patch", {"status": "recovered"}, ["cart.status_changed", "cart.recovered"]),
}


@pytest.mark.parametrize("write", WRITES)
async def test_the_events_of_one_write_sort_as_recorded(api: Api, write: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(events.time, "time_ns", lambda: NOW_NS + 10**12)  # one millisecond for them all
    assert (await api.post("/carts", cart_body())).status_code == 201
    kind, body, types = WRITES[write]
    before = len(await api.rows("events"))
    assert (await api.patch("/carts/CART-7700", body)).status_code == 200
    recorded = sorted(await api.rows("events"), key=lambda row: row["id"])[before:]
    assert [row["type"] for row in recorded] == types
    assert sorted(recorded, key=lambda row: row["event_id"]) == recorded
