"""SPEC §2 / §10: every ID argument and every cursor is read by one rule (`app.policies.ids`).

GraphQL: an ID that is not a whole number from 0 to 2^63 - 1 in ASCII digits, or an `after`
that is not a cursor the same list returned, is a top-level BAD_USER_INPUT naming the argument:
never "Internal server error", never a filter silently dropped, nothing written, no store's
budget spent. REST: a path store id that is no id is an unknown store (404 after the key)."""

import base64
from typing import Any

import pytest

from graphql_schema.schema import schema as graphql_schema
from tests.conftest import STORE_ID, cart_body, order_body, shipment_body

BAD_IDS = [
    "abc",
    "",
    " ",
    "1.5",
    "-1",
    "+123",
    " 123",
    "123 ",
    "1e3",
    "0x7b",
    "１２３",  # full-width digits
    "9223372036854775808",  # 2^63: beyond a signed 64-bit id
    "99999999999999999999",
    "1" * 1000,
]
LARGEST_ID = "9223372036854775807"

_ORDER_INPUT = '{externalId: "O-9", placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, customer: {phone: "+33611111111"}}'
_CART_INPUT = (
    '{externalId: "C-9", abandonedAt: "2026-05-18T10:00:00Z", totalPrice: 1, customer: {phone: "+33611111111"}}'
)

# root field -> document taking the store id as $id
STORE_ID_DOCUMENTS = {
    "store": "query($id: ID!) { store(storeId: $id) { id } }",
    "storeStats": 'query($id: ID!) { storeStats(storeId: $id, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { orderCount } }',
    "storeTimeseries": 'query($id: ID!) { storeTimeseries(storeId: $id, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { start } }',
    "topProducts": 'query($id: ID!) { topProducts(storeId: $id, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { sku } }',
    "recoveryFunnel": 'query($id: ID!) { recoveryFunnel(storeId: $id, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { cartsAbandoned } }',
    "carrierPerformance": 'query($id: ID!) { carrierPerformance(storeId: $id, from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z") { carrier } }',
    "order": 'query($id: ID!) { order(storeId: $id, externalId: "O-1") { id } }',
    "orders": "query($id: ID!) { orders(storeId: $id) { totalCount } }",
    "contact": 'query($id: ID!) { contact(storeId: $id, phone: "+33612345678") { id } }',
    "contacts": "query($id: ID!) { contacts(storeId: $id) { totalCount } }",
    "shipments": "query($id: ID!) { shipments(storeId: $id) { totalCount } }",
    "carts": "query($id: ID!) { carts(storeId: $id) { totalCount } }",
    "events": "query($id: ID!) { events(storeId: $id) { totalCount } }",
    "upsertOrder": f"mutation($id: ID!) {{ upsertOrder(storeId: $id, input: {_ORDER_INPUT}) {{ created }} }}",
    "updateOrder": 'mutation($id: ID!) { updateOrder(storeId: $id, externalId: "O-1", input: {tags: ["x"]}) { created } }',
    "createShipment": 'mutation($id: ID!) { createShipment(storeId: $id, input: {externalId: "S-9", orderExternalId: "O-1"}) { created } }',
    "upsertCart": f"mutation($id: ID!) {{ upsertCart(storeId: $id, input: {_CART_INPUT}) {{ created }} }}",
    "updateCart": 'mutation($id: ID!) { updateCart(storeId: $id, externalId: "C-1", input: {tags: ["x"]}) { created } }',
    "upsertCustomer": 'mutation($id: ID!) { upsertCustomer(storeId: $id, input: {phone: "+33611111111"}) { created } }',
    "deleteCustomer": 'mutation($id: ID!) { deleteCustomer(storeId: $id, externalId: "CUST-42") { erasedContacts } }',
    "upsertOrders": f"mutation($id: ID!) {{ upsertOrders(storeId: $id, inputs: [{_ORDER_INPUT}]) {{ results {{ created }} }} }}",
    "createShipments": 'mutation($id: ID!) { createShipments(storeId: $id, inputs: [{externalId: "S-9", orderExternalId: "O-1"}]) { results { created } } }',
    "upsertCarts": f"mutation($id: ID!) {{ upsertCarts(storeId: $id, inputs: [{_CART_INPUT}]) {{ results {{ created }} }} }}",
    "upsertCustomers": 'mutation($id: ID!) { upsertCustomers(storeId: $id, inputs: [{phone: "+33611111111"}]) { results { created } } }',
}
# (root field, argument path) for every ID argument that is not the store id
OTHER_ID_ARGUMENTS = {
    ("store", ("id",)): "query($id: ID!) { store(id: $id) { id } }",  # deprecated for storeId
    (
        "events",
        ("filter", "subjectId"),
    ): "query($id: ID!) { events(storeId: 123, filter: {subjectId: $id}) { totalCount } }",
}
# connection -> (its list's name in cursors, the types of its sort key)
CONNECTIONS = {
    "orders": ("orders", ("time", "id")),
    "contacts": ("contacts", ("id",)),
    "shipments": ("shipments", ("id",)),
    "carts": ("carts", ("time", "id")),
    "events": ("events", ("id",)),
}
TIME = '"2026-05-01T10:00:00+00:00"'


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _cursor(name: str, shape: tuple[str, ...], id_text: str = "1", time_text: str = TIME) -> str:
    """A cursor built by hand, as a client could forge one (the JSON is written as text so
    that ids beyond 64 bits can be spelt)."""
    values = [time_text if kind == "time" else id_text for kind in shape]
    return _b64("[" + ", ".join([f'"{name}"', *values]) + "]")


def _bad_cursors(field: str) -> list[Any]:
    name, shape = CONNECTIONS[field]
    cases = [
        ("garbage", "abc"),
        ("empty", ""),
        ("a number", "1.5"),
        ("negative", "-1"),
        ("digits", "99999999999999999999"),
        ("not base64", "%%%"),
        ("not ascii", "é"),
        ("base64 of garbage", _b64("not json")),
        ("base64 of null", _b64("null")),
        ("base64 of the name", _b64(f'"{name}"')),
        ("base64 of an object", _b64(f'{{"{name}": 1}}')),
        ("base64 of an empty list", _b64("[]")),
        ("too long", _b64("[" + ", ".join(["1"] * 200) + "]")),
        ("negative id", _cursor(name, shape, id_text="-1")),
        ("id beyond 64 bits", _cursor(name, shape, id_text="99999999999999999999")),
        ("id of 2^63", _cursor(name, shape, id_text="9223372036854775808")),
        ("fractional id", _cursor(name, shape, id_text="1.5")),
        ("boolean id", _cursor(name, shape, id_text="true")),
        ("id as text", _cursor(name, shape, id_text='"1"')),
        ("another list's name", _cursor("webhooks", shape)),
        ("one value too many", _b64(f'["{name}", {", ".join(["1"] * (len(shape) + 1))}]')),
        ("no values", _b64(f'["{name}"]')),
        # the format before cursors named their list: a stale cursor
        ("stale format", _b64("[" + ", ".join(TIME if kind == "time" else "1" for kind in shape) + "]")),
    ]
    if "time" in shape:
        cases += [
            ("time without offset", _cursor(name, shape, time_text='"2026-05-01T10:00:00"')),
            ("time that is no time", _cursor(name, shape, time_text='"yesterday"')),
            ("time as a number", _cursor(name, shape, time_text="1746093600")),
            ("time before year 1 in UTC", _cursor(name, shape, time_text='"0001-01-01T00:00:00+01:00"')),
        ]
    return [pytest.param(field, cursor, id=f"{field}: {label}") for label, cursor in cases]


def _store_id_cases() -> list[Any]:
    return [
        pytest.param(field, value, id=f"{field}: {value[:24]!r}") for field in STORE_ID_DOCUMENTS for value in BAD_IDS
    ]


async def _gql(api, query: str, variables: dict[str, Any], key: str | None = None):
    return await api.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=api.auth(key) if key != "" else {}
    )


def _is_bad_input(body: dict[str, Any], field: str, argument: list[str]) -> None:
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": argument}, error
    assert error["path"] == [field]


async def _seed(api) -> None:
    assert (await api.post("/orders", order_body(external_id="O-1"))).status_code == 201
    assert (await api.post("/shipments", shipment_body(order_external_id="O-1"))).status_code == 201
    assert (await api.post("/carts", cart_body(external_id="C-1"))).status_code == 201


def test_the_tables_cover_every_root_field_and_every_id_argument():
    """Walks the schema: every root field, and every argument or input field of type ID."""
    root = graphql_schema._schema
    fields = {**root.query_type.fields, **root.mutation_type.fields}
    assert set(STORE_ID_DOCUMENTS) == set(fields)

    def id_paths(type_: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        while hasattr(type_, "of_type"):
            type_ = type_.of_type
        if type_.name == "ID":
            return [path]
        if hasattr(type_, "fields") and type_.__class__.__name__ == "GraphQLInputObjectType":
            return [p for name, f in type_.fields.items() for p in id_paths(f.type, (*path, name))]
        return []

    found = {
        (name, path)
        for name, field in fields.items()
        for arg, a in field.args.items()
        for path in id_paths(a.type, (arg,))
    }
    expected = {(name, ("storeId",)) for name in STORE_ID_DOCUMENTS}
    assert found == expected | set(OTHER_ID_ARGUMENTS)
    assert {name for name, field in fields.items() if "after" in field.args} == set(CONNECTIONS)


@pytest.mark.parametrize(("field", "value"), _store_id_cases())
async def test_a_store_id_that_is_no_id_is_bad_user_input(api, field, value):
    mutation = STORE_ID_DOCUMENTS[field].startswith("mutation")
    if mutation:  # something its command would change
        await _seed(api)
        before = await api.snapshot()
    response = await _gql(api, STORE_ID_DOCUMENTS[field], {"id": value})
    assert response.status_code == 200
    _is_bad_input(response.json(), field, ["storeId"])
    assert response.json()["errors"][0]["message"] == f"storeId must be a whole number from 0 to {LARGEST_ID}."
    assert "x-ratelimit-limit" not in response.headers  # no store was named: no budget spent
    if mutation:
        assert await api.snapshot() == before


@pytest.mark.parametrize("field", list(STORE_ID_DOCUMENTS))
async def test_the_largest_id_is_an_id_of_no_store(api, field):
    """Well-formed ids reach the key and store checks: 2^63 - 1 names no store (SPEC §2)."""
    response = await _gql(api, STORE_ID_DOCUMENTS[field], {"id": LARGEST_ID})
    [error] = response.json()["errors"]
    assert (error["message"], error["extensions"]) == ("Store not found or paused", {"code": "FORBIDDEN"})


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize(("field", "argument"), list(OTHER_ID_ARGUMENTS))
async def test_other_id_arguments_that_are_no_id_are_bad_user_input(api, field, argument, value):
    await _seed(api)
    response = await _gql(api, OTHER_ID_ARGUMENTS[(field, argument)], {"id": value})
    _is_bad_input(response.json(), field, list(argument))
    # `store` is nullable: its field is null; the lists are not, so the whole data is
    assert response.json()["data"] == ({"store": None} if field == "store" else None)


async def test_the_subject_id_filter_filters(api):
    for external_id in ("O-1", "O-2"):
        assert (await api.post("/orders", order_body(external_id=external_id))).status_code == 201
    order_id = (await api.get("/orders/O-2")).json()["id"]
    query = OTHER_ID_ARGUMENTS[("events", ("filter", "subjectId"))].replace(
        "totalCount", "edges { node { type subjectId } }"
    )
    edges = (await _gql(api, query, {"id": str(order_id)})).json()["data"]["events"]["edges"]
    assert [edge["node"] for edge in edges] == [{"type": "order.created", "subjectId": str(order_id)}]
    assert (await _gql(api, query, {"id": LARGEST_ID})).json()["data"]["events"]["edges"] == []


@pytest.mark.parametrize(("field", "cursor"), [case for field in CONNECTIONS for case in _bad_cursors(field)])
async def test_an_after_that_is_no_cursor_of_the_list_is_bad_user_input(api, field, cursor):
    await _seed(api)
    query = f"query($after: String) {{ {field}(storeId: 123, after: $after) {{ totalCount }} }}"
    response = await _gql(api, query, {"after": cursor})
    body = response.json()
    _is_bad_input(body, field, ["after"])
    assert body["errors"][0]["message"].startswith("after is not a cursor of this list")
    assert body["data"] is None


async def _end_cursor(api, field: str) -> str:
    query = f"{{ {field}(storeId: 123, first: 1) {{ pageInfo {{ endCursor }} }} }}"
    cursor = (await _gql(api, query, {})).json()["data"][field]["pageInfo"]["endCursor"]
    assert cursor
    return cursor


@pytest.mark.parametrize("field", list(CONNECTIONS))
async def test_a_cursor_of_another_list_is_bad_user_input_and_its_own_pages_on(api, field):
    await _seed(api)
    assert (
        await api.post("/orders", order_body(external_id="O-2", placed_at="2026-05-19T10:00:00Z"))
    ).status_code == 201
    assert (await api.post("/shipments", shipment_body(external_id="S-2", order_external_id="O-2"))).status_code == 201
    assert (
        await api.post("/carts", cart_body(external_id="C-2", abandoned_at="2026-05-19T09:00:00Z"))
    ).status_code == 201
    assert (await api.post("/customers", {"phone": "+33698765432"})).status_code == 201
    query = f"query($after: String) {{ {field}(storeId: 123, first: 1, after: $after) {{ totalCount pageInfo {{ hasPreviousPage }} }} }}"
    for other in CONNECTIONS:
        cursor = await _end_cursor(api, other)
        body = (await _gql(api, query, {"after": cursor})).json()
        if other == field:
            assert "errors" not in body and body["data"][field]["pageInfo"]["hasPreviousPage"] is True
        else:
            _is_bad_input(body, field, ["after"])


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "99999999999999999999", "9223372036854775807", "%20123", "0"])
async def test_rest_path_store_ids_that_name_no_store_are_404_after_the_key(api, value):
    """SPEC §2: REST keeps its order — the key first, then 404 for a store id that names no store."""
    url = f"/api/v1/stores/{value}/orders/X"
    refused = await api.client.get(url, headers=api.auth())
    assert (refused.status_code, refused.json()) == (404, {"error": "Store not found or paused"})
    no_key = await api.client.get(url)
    assert (no_key.status_code, no_key.json()) == (401, {"error": "API key is missing"})
    assert (await api.get("/orders/X", store=STORE_ID)).status_code == 404
