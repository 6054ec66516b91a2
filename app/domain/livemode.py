"""Live and test data of a store: two spaces under one public store id.

Rule (issue 15, item 4; README "Test keys"): every store has a hidden twin row in `stores`,
its test space, whose internal id is the bitwise complement of the public id (`~123` is
`-124`). Public ids are 0 … 2^63 - 1 (`app.policies.ids`), so test spaces take exactly the
negative ids -1 … -2^63: the two never collide and both fit a signed 64-bit column. Every
row a test key writes carries the test space's id as its `store_id`, so each query already
scoped by store reads one space only; answers show the public id (`public_store_id`).
"""

from __future__ import annotations

MAX_STORE_ID = 2**63 - 1  # a signed 64-bit column's largest, as app.policies.ids reads ids


def space_id(store_id: int, *, test: bool) -> int:
    """The internal id of public store `store_id`'s live space (itself) or test space (its
    complement, a negative int)."""
    return ~store_id if test else store_id


def public_store_id(space_id: int) -> int:
    """The public store id of a space's internal id: itself when live, else its complement."""
    return space_id if space_id >= 0 else ~space_id


def is_live(space_id: int) -> bool:
    """Whether an internal store id is a live store (Stripe's `livemode`)."""
    return space_id >= 0
