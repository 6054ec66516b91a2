"""README "GraphQL and GraphiQL": a mutation's answer is not refused whole. Every mutation field
answers a nullable payload, so a field refused as a whole (a store the key may not open, an
argument refused as a field error, a store over its budget) is null at its own path with its
error, and the other mutations of the document keep their payloads: their writes are done, and
the answer says so (GraphQL spec, "Handling Field Errors": an error at a non-null field
nulled the whole `data`)."""

from __future__ import annotations

import pytest

from app.services import keys, stores
from graphql_schema.schema import schema
from tests.conftest import Api

OTHER = 456  # a store the fixture's key may not open; over its budget for the throttled case
VALID = (
    'upsertOrder(storeId: 123, input: {externalId: "NEST-2", placedAt: "2026-05-18T10:00:00Z", '
    'totalPrice: "1", customer: {phone: "+33612345600"}}) { created }'
)
ORDER = '{externalId: "R-1", placedAt: "2026-05-18T10:00:00Z", totalPrice: "1", customer: {phone: "+33612345601"}}'
SHIPMENT = '{externalId: "S-1", orderExternalId: "NEST-2"}'
CART = '{externalId: "C-1", abandonedAt: "2026-05-18T09:00:00Z", totalPrice: "1", customer: {phone: "+33612345602"}}'
CUSTOMER = '{externalId: "CU-1", phone: "+33612345603"}'

# every mutation field -> its arguments after storeId, and a selection of its payload
MUTATIONS = {
    "upsertOrder": (f"input: {ORDER}", "{ created }"),
    "upsertOrders": (f"inputs: [{ORDER}]", "{ results { created } }"),
    "updateOrder": ('externalId: "NEST-2", input: {tags: ["x"]}', "{ order { externalId } }"),
    "createShipment": (f"input: {SHIPMENT}", "{ created }"),
    "createShipments": (f"inputs: [{SHIPMENT}]", "{ results { created } }"),
    "upsertCart": (f"input: {CART}", "{ created }"),
    "upsertCarts": (f"inputs: [{CART}]", "{ results { created } }"),
    "updateCart": ('externalId: "C-1", input: {status: "recovered"}', "{ cart { externalId } }"),
    "upsertCustomer": (f"input: {CUSTOMER}", "{ created }"),
    "upsertCustomers": (f"inputs: [{CUSTOMER}]", "{ results { created } }"),
    "deleteCustomer": ('externalId: "CU-1"', "{ erasedContacts }"),
}
# arguments a field refuses as a whole, beside a storeId that is no id -> (arguments, error)
FIELD_REFUSALS = {
    **{
        name: ("inputs: []", ("inputs must hold at least one item.", "BAD_USER_INPUT", ["inputs"]))
        for name in ("upsertOrders", "createShipments", "upsertCarts", "upsertCustomers")
    },
    "deleteCustomer": (
        'externalId: "CU-1", phone: "+33612345603"',
        ("Give the customer to erase as externalId or phone, exactly one of them.", "BAD_USER_INPUT", ["externalId"]),
    ),
}
FORBIDDEN = ("API key does not authorize this store", "FORBIDDEN", None)
NO_ID = ("storeId must be a whole number from 0 to 9223372036854775807.", "BAD_USER_INPUT", ["storeId"])
THROTTLED = ("Too Many Attempts.", "THROTTLED", None)


def _cases():
    """(field, refusal kind, the refused field's call, its error (message, code, field)), for
    every mutation field and every way it is refused whole."""
    for name, (arguments, _) in MUTATIONS.items():
        yield name, "forbidden", f"storeId: {OTHER}, {arguments}", FORBIDDEN
        yield name, "no id", f'storeId: "abc", {arguments}', NO_ID
        if name in FIELD_REFUSALS:
            refused, error = FIELD_REFUSALS[name]
            yield name, "refused argument", f"storeId: 123, {refused}", error
        yield name, "throttled", f"storeId: {OTHER}, {arguments}", THROTTLED


CASES = list(_cases())


@pytest.mark.parametrize("refused_first", [False, True], ids=["valid first", "refused first"])
@pytest.mark.parametrize(
    ("field", "kind", "call", "error"), CASES, ids=[f"{field}-{kind}" for field, kind, _, _ in CASES]
)
async def test_a_refused_mutation_is_null_beside_the_written_ones(api: Api, field, kind, call, error, refused_first):
    await stores.create_store(api.db, OTHER, "Other", "DE")
    key = None
    if kind == "throttled":
        # a key opening both stores; the other one has spent its budget
        key, _ = await keys.create_key(api.db, admin=True)
        await stores.set_rate_limit(api.db, OTHER, 1)
        assert (await api.get("/orders/X", store=OTHER, key=key)).status_code == 404
    selection = MUTATIONS[field][1]
    mutations = [f"valid: {VALID}", f"refused: {field}({call}) {selection}"]
    document = "mutation { " + " ".join(reversed(mutations) if refused_first else mutations) + " }"
    response = await api.client.post("/graphql", json={"query": document}, headers=api.auth(key))
    assert response.status_code == (429 if kind == "throttled" else 200)
    body = response.json()
    assert body["data"] == {"valid": {"created": True}, "refused": None}
    message, code, argument = error
    extensions = {"code": code, **({"field": argument} if argument else {})}
    assert [(e["message"], e["extensions"], e["path"]) for e in body["errors"]] == [(message, extensions, ["refused"])]
    assert [row["external_id"] for row in await api.rows("orders")] == ["NEST-2"]
    assert [await api.count(table) for table in ("shipments", "carts", "customers")] == [0, 0, 0]


def test_every_mutation_field_is_in_the_table_and_answers_a_nullable_payload():
    """A mutation added later is refused like these: its payload nullable, and the table above
    names it."""
    fields = schema._schema.mutation_type.fields
    assert sorted(fields) == sorted(MUTATIONS)
    assert [name for name, definition in fields.items() if str(definition.type).endswith("!")] == []
