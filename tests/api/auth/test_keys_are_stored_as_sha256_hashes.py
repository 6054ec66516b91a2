"""API keys are stored only as SHA-256 hashes and compared in constant time (SPEC §2: "a key is
shown once at creation; only a hash is stored", at least 128 bits of randomness)."""

from __future__ import annotations

import hashlib
import math
from typing import Any

import pytest

from app.db import tables
from app.services import keys, stores
from tests.api.calls import gql
from tests.conftest import Api, order_body

INVALID = (401, {"error": "Invalid API key"})


async def test_api_keys_table_holds_only_sha256_hashes(api: Api) -> None:
    await stores.create_store(api.db, 5, "Team shop", "FR", team="acme")
    team_key, _ = await keys.create_key(api.db, team="acme", name="team")
    admin_key, _ = await keys.create_key(api.db, admin=True, name="admin")
    test_key, _ = await keys.create_key(api.db, store_id=5, name="test", test=True)
    issued = [api.key, team_key, admin_key, test_key]

    rows = await api.rows("api_keys")
    assert len(rows) == len(issued)
    for raw, row in zip(issued, rows, strict=True):
        prefix = keys.TEST_KEY_PREFIX if row["test"] else keys.KEY_PREFIX
        random_part = raw.removeprefix(prefix)
        assert raw.startswith(prefix) and len(random_part) >= 22  # >= 128 bits of base62
        assert row["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()
        for column, value in row.items():
            assert raw not in str(value), column
            assert random_part not in str(value), column
        # the displayable prefix shows a few random characters; what stays secret is >= 128 bits
        shown = row["prefix"].removeprefix(prefix)
        assert random_part.startswith(shown)
        assert (len(random_part) - len(shown)) * math.log2(62) >= 128

    # no column could hold a key: every text column of api_keys is either the hash or short labels
    assert {column.name for column in tables.api_keys.columns} == {
        "id",
        "prefix",
        "key_hash",
        "scope",
        "store_id",
        "team",
        "name",
        "created_at",
        "revoked_at",
        "test",
    }


async def test_key_listing_never_exposes_the_hash(api: Api) -> None:
    listed = await keys.list_keys(api.db)
    assert listed and all("key_hash" not in row for row in listed)


class _StoredHash(str):
    """A stored hash that refuses `==` and `!=`: Python tries a str subclass's own comparison
    first, on either side, so any such comparison with it fails the request."""

    def __eq__(self, other: object) -> bool:
        raise AssertionError("the stored key hash was compared with == (not in constant time)")

    def __ne__(self, other: object) -> bool:
        raise AssertionError("the stored key hash was compared with != (not in constant time)")

    __hash__ = str.__hash__


async def test_the_stored_hash_is_compared_only_with_compare_digest(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """REST and GraphQL, with the right key and with one differing only in its last character:
    the stored hash reaches hmac.compare_digest beside the request's digest, and never `==` /
    `!=` (the SQL lookup by hash is an index probe on a digest, which leaks nothing about the key)."""
    looked_up = keys._key_and_store

    def stored_hash_refusing_equality(conn: Any, digest: str, store_id: int | None) -> Any:
        row = looked_up(conn, digest, store_id)
        return None if row is None else {**row, "key_hash": _StoredHash(row["key_hash"])}

    compared: list[tuple[Any, Any]] = []
    constant_time = keys.hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return constant_time(a, b)

    monkeypatch.setattr(keys, "_key_and_store", stored_hash_refusing_equality)
    monkeypatch.setattr(keys.hmac, "compare_digest", spy)
    assert (await api.post("/orders", order_body())).status_code == 201
    assert await gql(api, "{ store(storeId: 123) { id } }") == {"data": {"store": {"id": "123"}}}
    digest = keys.hash_key(api.key)
    assert [(type(a), str(a), b) for a, b in compared] == [(_StoredHash, digest, digest)] * 2

    forged = api.key[:-1] + ("A" if api.key[-1] != "A" else "B")
    response = await api.get("/orders/ORDER-1001", key=forged)
    assert (response.status_code, response.json()) == INVALID
    assert len(compared) == 2  # no row has the forged key's hash: nothing to compare


async def test_a_key_differing_only_after_the_displayed_prefix_is_invalid(api: Api) -> None:
    forged = api.key[:-1] + ("A" if api.key[-1] != "A" else "B")
    response = await api.post("/orders", order_body(), key=forged)
    assert (response.status_code, response.json()) == INVALID
    prefix_only = api.key[: len(keys.KEY_PREFIX) + keys._SHOWN_LENGTH]
    response = await api.post("/orders", order_body(), key=prefix_only)
    assert (response.status_code, response.json()) == INVALID
    assert await api.count("orders") == 0
