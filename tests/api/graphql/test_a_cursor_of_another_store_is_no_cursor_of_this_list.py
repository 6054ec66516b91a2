"""A cursor belongs to one store's list, in one space (README "IDs and cursors"): `after` taken
from another store's list of the same kind, or from the same store's test space with a live key
(and the other way round), is refused as any cursor this list did not hand out (BAD_USER_INPUT on
`["after"]`, no data). Before, it was read as a position: the list silently started wherever
the other store's sort key fell."""

from __future__ import annotations

from typing import Any

import pytest

from app.services import keys, stores
from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body, shipment_body

CURSOR = "after is not a cursor of this list: pass a cursor or endCursor the same list returned."
LISTS = ["orders", "contacts", "shipments", "carts", "events"]
OTHER_STORE = 124


async def _fill(api: Api, store: int, key: str) -> None:
    for path, body in (("/orders", order_body()), ("/shipments", shipment_body()), ("/carts", cart_body())):
        assert (await api.post(path, body, store=store, key=key)).status_code == 201


async def _end_cursor(api: Api, field: str, store: int, key: str, after: str | None = None) -> dict[str, Any]:
    document = (
        f"query($s: ID!, $a: String) {{ {field}(storeId: $s, first: 1, after: $a) {{ pageInfo {{ endCursor }} }} }}"
    )
    return await gql(api, document, {"s": str(store), "a": after}, key=key)


@pytest.fixture
async def keyed(api: Api) -> dict[str, tuple[int, str]]:
    """Three lists of each kind, each with a record: store 123 live, its test space, store 124."""
    await stores.create_store(api.db, OTHER_STORE, "Other shop", "FR")
    other, _ = await keys.create_key(api.db, store_id=OTHER_STORE, name="other")
    test, _ = await keys.create_key(api.db, store_id=123, name="test", test=True)
    spaces = {"live": (123, api.key), "test space": (123, test), "another store": (OTHER_STORE, other)}
    for store, key in spaces.values():
        await _fill(api, store, key)
    return spaces


# (whose cursor, used where)
MISUSES = [("another store", "live"), ("test space", "live"), ("live", "test space"), ("live", "another store")]


@pytest.mark.parametrize(("taken", "used"), MISUSES, ids=[f"{t} on {u}" for t, u in MISUSES])
@pytest.mark.parametrize("field", LISTS)
async def test_a_cursor_of_another_list_is_refused(
    api: Api, keyed: dict[str, tuple[int, str]], field: str, taken: str, used: str
) -> None:
    cursor = (await _end_cursor(api, field, *keyed[taken]))["data"][field]["pageInfo"]["endCursor"]
    assert cursor is not None
    body = await _end_cursor(api, field, *keyed[used], after=cursor)
    (error,) = body["errors"]
    assert (error["message"], error["extensions"]) == (CURSOR, {"code": "BAD_USER_INPUT", "field": ["after"]})


@pytest.mark.parametrize("space", ["live", "test space", "another store"])
@pytest.mark.parametrize("field", LISTS)
async def test_a_lists_own_cursor_is_read(api: Api, keyed: dict[str, tuple[int, str]], field: str, space: str) -> None:
    cursor = (await _end_cursor(api, field, *keyed[space]))["data"][field]["pageInfo"]["endCursor"]
    body = await _end_cursor(api, field, *keyed[space], after=cursor)
    assert "errors" not in body, body
