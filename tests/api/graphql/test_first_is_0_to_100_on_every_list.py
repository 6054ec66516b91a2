"""SPEC §5 / §10: every list argument `first` follows one rule (`app.policies.page_size`):
0 <= first <= 100, root connections and nested lists alike; `first: 0` returns no rows while
`totalCount` and `pageInfo` still answer; anything else is BAD_USER_INPUT naming `first`."""

import pytest

from app.domain.errors import ValidationFailed
from app.policies.page_size import MAX_FIRST, check_first
from tests.conftest import cart_body, order_body, shipment_body

PHONE = "+33612345678"
FIRSTS = [-1, 0, 1, 100, 101]

# root connection -> rows the seed gives it
ROOT = {"orders": 2, "contacts": 2, "shipments": 2, "carts": 2, "events": None}
# nested list -> rows the seeded contact has
NESTED = {"orders": 2, "carts": 2}


async def _seed(api) -> None:
    for index in (1, 2):
        order = order_body(external_id=f"O-{index}", placed_at=f"2026-05-0{index}T10:00:00Z")
        assert (await api.post("/orders", order)).status_code == 201
        shipment = shipment_body(external_id=f"S-{index}", order_external_id=f"O-{index}")
        assert (await api.post("/shipments", shipment)).status_code == 201
        cart = cart_body(external_id=f"C-{index}", abandoned_at=f"2026-05-1{index}T10:00:00Z")
        assert (await api.post("/carts", cart)).status_code == 201
    assert (await api.post("/customers", {"external_id": "OTHER", "phone": "+33698765432"})).status_code == 201


async def _post(api, query: str, first: int) -> dict:
    response = await api.client.post(
        "/graphql", json={"query": query, "variables": {"first": first}}, headers=api.auth()
    )
    assert response.status_code == 200, response.text
    return response.json()


def _refused(body: dict, path: list[str]) -> None:
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": ["first"]}
    assert error["message"] == "first must be between 0 and 100."
    assert error["path"] == path


@pytest.mark.parametrize("first", FIRSTS)
@pytest.mark.parametrize("field", list(ROOT))
async def test_root_connections(api, field, first):
    await _seed(api)
    rows = ROOT[field] if ROOT[field] is not None else await api.count("events")
    query = f"""query($first: Int!) {{ {field}(storeId: 123, first: $first) {{
        totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} edges {{ cursor }} }} }}"""
    body = await _post(api, query, first)
    if not 0 <= first <= 100:
        _refused(body, [field])
        assert body["data"] is None
        return
    assert "errors" not in body
    page = body["data"][field]
    shown = min(first, rows)
    assert page["totalCount"] == rows
    assert len(page["edges"]) == shown
    info = page["pageInfo"]
    assert (info["hasNextPage"], info["hasPreviousPage"]) == (rows > first, False)
    if shown == 0:
        assert (info["startCursor"], info["endCursor"]) == (None, None)
    else:
        assert (info["startCursor"], info["endCursor"]) == (page["edges"][0]["cursor"], page["edges"][-1]["cursor"])


@pytest.mark.parametrize("first", FIRSTS)
@pytest.mark.parametrize("field", list(NESTED))
async def test_nested_lists_of_a_contact(api, field, first):
    await _seed(api)
    query = f"""query($first: Int!) {{ contact(storeId: 123, phone: "{PHONE}") {{
        phone {field}(first: $first) {{ externalId }} }} }}"""
    body = await _post(api, query, first)
    if not 0 <= first <= 100:
        _refused(body, ["contact", field])
        assert body["data"] == {"contact": None}
        return
    assert "errors" not in body
    contact = body["data"]["contact"]
    assert contact["phone"] == PHONE
    assert len(contact[field]) == min(first, NESTED[field])


async def test_first_zero_tells_whether_rows_exist(api):
    """`first: 0` on an empty list and on a non-empty one: only pageInfo and totalCount differ."""
    query = "{ orders(storeId: 123, first: 0) { totalCount pageInfo { hasNextPage } edges { cursor } } }"
    empty = await _post(api, query, 0)
    assert empty["data"]["orders"] == {"totalCount": 0, "pageInfo": {"hasNextPage": False}, "edges": []}
    assert (await api.post("/orders", order_body())).status_code == 201
    one = await _post(api, query, 0)
    assert one["data"]["orders"] == {"totalCount": 1, "pageInfo": {"hasNextPage": True}, "edges": []}


def test_the_rule_alone():
    assert [check_first(first) for first in (0, 1, MAX_FIRST)] == [0, 1, 100]
    for first in (-1, MAX_FIRST + 1, -(2**31)):
        with pytest.raises(ValidationFailed) as refused:
            check_first(first)
        [error] = refused.value.errors
        assert (error.path, error.code) == (("first",), "out_of_range")
