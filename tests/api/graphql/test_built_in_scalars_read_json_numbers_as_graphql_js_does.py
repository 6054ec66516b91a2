"""A JSON number in a variable, where a built-in scalar reads it, is read as graphql-js reads it
(graphql_schema/number_variables.py): variables are read with exact numbers (Decimals for
fractions and exponents), which graphql-core's ID, String and Boolean refused as
"<Decimal instance>", `123.0` included, which graphql-js takes as the ID "123". Each scalar, as
a variable of its own and inside an input object, each number sent as the raw text of the
variable: the one answer it gets. (Int, top-level: test_int_variables_take_json_numbers.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Api, order_body

ORDER = (
    '{"externalId": "X-1", "placedAt": "2026-05-18T10:00:00Z", "totalPrice": 1, "customer": {"phone": "+33612345678"}}'
)
UPSERT = "userErrors { code } order { externalId }"

# name -> (document, variables' JSON text with {n} where the number goes, the answer read back)
DOCUMENTS: dict[str, tuple[str, str]] = {
    "ID": ("query($v: ID!) { store(storeId: $v) { name } }", '{{"v": {n}}}'),
    "ID in an input object": (
        "query($f: EventFilter) { events(storeId: 123, filter: $f) { totalCount } }",
        '{{"f": {{"subjectId": {n}}}}}',
    ),
    "String": ("query($v: String!) { order(storeId: 123, externalId: $v) { externalId } }", '{{"v": {n}}}'),
    "String in an input object": (
        f"mutation($i: OrderInput!) {{ upsertOrder(storeId: 123, input: $i) {{ {UPSERT} }} }}",
        '{{"i": ' + ORDER.replace('"X-1"', "{n}").replace("{", "{{").replace("}", "}}").replace("{{n}}", "{n}") + "}}",
    ),
    "Boolean": (
        f'mutation($v: Boolean!) {{ upsertOrder(storeId: 123, backfill: $v, input: {{externalId: "X-1", '
        f'placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, customer: {{phone: "+33612345678"}}}}) {{ {UPSERT} }} }}',
        '{{"v": {n}}}',
    ),
}


def _refused(variable: str, message: str, at: str = "") -> tuple[str, str]:
    """graphql-core's words, the number shown as sent (README: an Int's refusal likewise)."""
    return ("refused", f"Variable '${variable}' has invalid value{at}: {message}")


# (document, number's JSON text) -> the one answer
CASES: dict[tuple[str, str], tuple[str, Any]] = {
    ("ID", "123"): ("data", {"store": {"name": "Demo shop"}}),
    ("ID", "123.0"): ("data", {"store": {"name": "Demo shop"}}),
    ("ID", "1.23e2"): ("data", {"store": {"name": "Demo shop"}}),
    ("ID", "12300e-2"): ("data", {"store": {"name": "Demo shop"}}),
    ("ID", "1.5"): _refused("v", "ID cannot represent value: 1.5"),
    ("ID", "1e999999999"): _refused("v", "ID cannot represent value: 1E+999999999"),
    ("ID in an input object", "1.0"): ("data", {"events": {"totalCount": 1}}),
    ("ID in an input object", "0.5"): _refused("f", "ID cannot represent value: 0.5", " at .subjectId"),
    ("String", "1.5"): _refused("v", "String cannot represent a non string value: 1.5"),
    ("String", "2.0"): _refused("v", "String cannot represent a non string value: 2.0"),
    ("String in an input object", "1.5"): _refused(
        "i", "String cannot represent a non string value: 1.5", " at .externalId"
    ),
    ("String", "[1.5]"): _refused("v", "String cannot represent a non string value: [1.5]"),
    ("String", '{"a": 2.50}'): _refused("v", 'String cannot represent a non string value: {"a":2.50}'),
    ("ID", "[1.5, 2]"): _refused("v", "ID cannot represent value: [1.5,2]"),
    ("String", '{"a": [2.50]}'): _refused("v", 'String cannot represent a non string value: {"a":[2.50]}'),
    ("Boolean", "1.5"): _refused("v", "Boolean cannot represent a non boolean value: 1.5"),
    ("Boolean", "1.0"): _refused("v", "Boolean cannot represent a non boolean value: 1.0"),
}


@pytest.mark.parametrize(("name", "number"), CASES, ids=[f"{name} {number}" for name, number in CASES])
async def test_a_number_is_read_as_graphql_js_reads_it(api: Api, name: str, number: str) -> None:
    assert (await api.post("/orders", order_body())).status_code == 201  # the event subject 1 names
    document, variables = DOCUMENTS[name]
    content = f'{{"query": {json.dumps(document)}, "variables": {variables.format(n=number)}}}'.encode()
    response = await api.client.post(
        "/graphql", content=content, headers={**api.auth(), "Content-Type": "application/json"}
    )
    assert response.status_code == 200
    body = response.json()
    if "errors" in body:
        assert body["data"] is None and len(body["errors"]) == 1, body
        assert "<Decimal" not in body["errors"][0]["message"]
        assert ("refused", body["errors"][0]["message"]) == CASES[name, number]
    else:
        assert ("data", body["data"]) == CASES[name, number]
