"""SPEC §5: lists are cursor connections with keyset pagination, newest first, with the documented filters; bad arguments are clear errors."""

import pytest

from tests.api.graphql.documents import gql, seed_orders

ORDERS = """query($filter: OrderFilter, $first: Int!, $after: String) {
  orders(storeId: 123, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { externalId placedAt financialStatus contact { phone } shipments { externalId } lineItems { title } } }
  } }"""


async def test_orders_pages_walk_every_order_once_newest_first(api):
    await seed_orders(api)
    seen, after, pages = [], None, 0
    while True:
        data = (await gql(api, ORDERS, {"first": 7, "after": after}))["data"]["orders"]
        pages += 1
        assert data["totalCount"] == 30
        seen += [edge["node"] for edge in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert pages == 5 and len({node["externalId"] for node in seen}) == 30
    placed = [node["placedAt"] for node in seen]
    assert placed == sorted(placed, reverse=True)
    with_shipment = [node for node in seen if node["shipments"]]
    assert len(with_shipment) == 8 and all(node["contact"]["phone"].startswith("+33") for node in seen)


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"financialStatus": "paid"}, 15),
        ({"tag": "vip"}, 10),
        ({"phone": "06 12 34 00 00"}, 5),
        ({"search": "O-00"}, 10),
        ({"placedAfter": "2026-05-20T00:00:00Z"}, 9),
        ({"placedBefore": "2026-05-02T00:00:00+00:00", "financialStatus": "pending"}, 2),
        # half-open: O-001 placed at 10:01 is in from its instant on, O-029 at 10:29 out at its
        ({"placedAfter": "2026-05-02T10:01:00Z", "placedBefore": "2026-05-02T10:29:00Z"}, 1),
        ({"placedAfter": "2026-05-02T10:01:00.000001Z", "placedBefore": "2026-05-02T10:29:00.000001Z"}, 1),
        ({"placedAfter": "2026-05-02T10:01:00.000001Z", "placedBefore": "2026-05-02T10:29:00Z"}, 0),
        ({"placedAfter": "2026-05-02T10:01:00Z", "placedBefore": "2026-05-02T10:29:00.000001Z"}, 2),
    ],
)
async def test_order_filters(api, filter, expected):
    await seed_orders(api)
    data = (await gql(api, ORDERS, {"filter": filter, "first": 100}))["data"]["orders"]
    assert data["totalCount"] == expected == len(data["edges"])


async def test_bad_query_arguments_are_clear_errors(api):
    too_many = await gql(api, ORDERS, {"first": 101})
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_cursor = await gql(api, ORDERS, {"first": 5, "after": "not-a-cursor"})
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_phone = await gql(api, ORDERS, {"first": 5, "filter": {"phone": "12"}})
    assert bad_phone["errors"][0]["extensions"]["field"] == ["filter", "phone"]
