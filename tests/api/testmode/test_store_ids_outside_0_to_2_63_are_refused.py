"""A store id is 0 … 2^63 − 1 (README "Test keys"): the negative ids are the test spaces', so
`kanal stores create` refuses any id outside, with a clear error, and creates nothing."""

from __future__ import annotations

import pytest

from app.services import stores
from tests.conftest import Api


@pytest.mark.parametrize("store_id", [-1, -124, 2**63])
async def test_an_id_outside_the_range_is_refused(api: Api, store_id: int) -> None:
    before = await api.rows("stores")
    with pytest.raises(stores.StoreError, match=r"^A store id is a whole number from 0 to 9223372036854775807\.$"):
        await stores.create_store(api.db, store_id, "Shop", "FR")
    assert await api.rows("stores") == before


@pytest.mark.parametrize("store_id", [0, 2**63 - 1])
async def test_the_ends_of_the_range_get_their_test_space(api: Api, store_id: int) -> None:
    await stores.create_store(api.db, store_id, "Shop", "FR")
    ids = {row["id"] for row in await api.rows("stores")}
    assert {store_id, -store_id - 1} <= ids
    assert [row["id"] for row in await stores.list_stores(api.db)] == sorted({123, store_id})
