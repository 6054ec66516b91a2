"""A batch leaves the event loop to other requests while it validates: every
`VALIDATED_PER_TURN` items, other tasks run; and a process works on `AT_ONCE` batches at
once, the others waiting (a thousand items validated at once, times a dozen concurrent
batches, held /healthz past its budget and answered 503)."""

import asyncio

from app.services import batches, order_batches
from app.services.stores import Store
from tests.conftest import STORE_ID, order_body

ITEMS = 1000


class Noted(dict):
    """An item that notes in `seen` when the batch has validated it (it then reads its
    external_id for the item's result)."""

    def __init__(self, body, index, seen):
        super().__init__(body)
        self.index, self.seen = index, seen

    def get(self, key, default=None):
        if key == "external_id" and self.index not in self.seen[-1:]:  # read once or twice an item
            self.seen.append(self.index)
        return super().get(key, default)


async def test_other_tasks_run_every_hundred_items_validated(api):
    seen: list[int | str] = []
    items = [Noted(order_body(external_id=f"T-{i}", customer={"phone": f"+336{i:08d}"}), i, seen) for i in range(ITEMS)]
    done = False

    async def other_request():
        while not done:
            seen.append("turn")
            await asyncio.sleep(0)

    other = asyncio.create_task(other_request())
    await asyncio.sleep(0)
    store = Store(STORE_ID, "FR")
    results = await batches.write_batch(api.db, store, order_batches.BATCH, items, backfill=True)
    done = True
    await other

    assert [result.written.created for result in results] == [True] * ITEMS
    validated = seen[seen.index(0) : seen.index(ITEMS - 1) + 1]
    runs, current = [], 0  # items taken one after the other, no other task in between
    for entry in validated:
        if entry == "turn":
            runs.append(current)
            current = 0
        else:
            current += 1
    runs.append(current)
    assert runs == [batches.VALIDATED_PER_TURN] * (ITEMS // batches.VALIDATED_PER_TURN)


async def test_a_process_works_on_at_most_two_batches_at_once(api):
    """The others wait their turn: each turn of the loop then holds at most `AT_ONCE` batches' work."""
    seen: list[int | str] = []
    store = Store(STORE_ID, "FR")
    in_progress, most = set(), 0

    async def one(number):
        nonlocal most
        items = [
            Noted(order_body(external_id=f"B{number}-{i}", customer={"phone": f"+3361{number}{i:06d}"}), i, seen)
            for i in range(300)
        ]
        first = items[0]
        original = first.get

        def get(key, default=None):  # the batch's first item validated: it is in progress
            nonlocal most
            in_progress.add(number)
            most = max(most, len(in_progress))
            return original(key, default)

        first.get = get
        results = await batches.write_batch(api.db, store, order_batches.BATCH, items, backfill=True)
        in_progress.discard(number)
        return [result.written.created for result in results]

    outcomes = await asyncio.gather(*(one(number) for number in range(6)))

    assert outcomes == [[True] * 300] * 6
    assert most == batches.AT_ONCE == 2
