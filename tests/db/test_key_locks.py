"""Key locks (`app/db/key_locks.py`): a name's key is one 64-bit number per kind and store, and
`lock` holds each key until the transaction ends (PostgreSQL), nothing on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text

from app.db.key_locks import key, lock
from tests.conftest import Api

# (kind, store, name) -> a case that must have a key of its own
NAMES = [
    ("phone", 1, "+33612345678"),
    ("phone", 2, "+33612345678"),  # another store
    ("customer", 1, "+33612345678"),  # another kind, the same text
    ("order", 1, "1001"),
    ("cart", 1, "1001"),
    ("order", 1, "1001 "),
    ("order", 1, "ÉTÉ-1"),
    ("order", 1, ""),
]


def test_each_kind_store_and_name_has_its_own_signed_64_bit_key():
    keys = [key(*name) for name in NAMES]
    assert len(set(keys)) == len(NAMES)
    assert all(-(2**63) <= k < 2**63 for k in keys)
    assert [key(*name) for name in NAMES] == keys  # the same in every process: no salt


def held_keys(conn: Connection) -> list[int]:
    """The advisory keys this connection holds (a bigint key is classid's 32 high bits and
    objid's 32 low ones)."""
    rows = conn.execute(
        text(
            "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks"
            " WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objsubid = 1"
        )
    ).scalars()
    return sorted(k - 2**64 if k >= 2**63 else k for k in rows)


async def test_keys_are_held_until_the_transaction_ends(api: Api):
    keys = [key(*name) for name in NAMES]

    def locked(conn: Connection) -> list[int] | None:
        lock(conn, [*keys, *keys])  # a key twice is taken once
        return held_keys(conn) if conn.dialect.name == "postgresql" else None

    held = await api.db.write_alone(locked)
    if api.db.dialect == "sqlite":
        assert held is None
        return
    assert held == sorted(keys)
    assert await api.db.write_alone(held_keys) == []  # the transaction before has ended: none left


@pytest.mark.parametrize("keys", [[], [key("order", 1, "A")]])
async def test_no_key_or_one_key(api: Api, keys: list[int]):
    def locked(conn: Connection) -> int:
        lock(conn, keys)
        return len(held_keys(conn)) if conn.dialect.name == "postgresql" else len(keys)

    assert await api.db.write_alone(locked) == len(keys)
