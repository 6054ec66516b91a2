"""An Int variable takes a JSON number as JSON means it (graphql_schema/number_variables.py):
variables are read with exact numbers (Decimals for fractions, exponents and long whole
numbers), which graphql-core's Int refused as "<Decimal instance>", `10.0` included. Each JSON
spelling of a number, sent as the raw text of the variable: the one answer it gets."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Api, order_body

DOCUMENT = "query($n: Int) { orders(storeId: 123, first: $n) { totalCount edges { cursor } } }"
REQUIRED = "query($n: Int!) { orders(storeId: 123, first: $n) { totalCount edges { cursor } } }"


def _refused(reason: str) -> tuple[str, str]:
    return ("refused", f"Variable '$n' has invalid value: {reason}")


def _first(count: int) -> tuple[str, int]:
    return ("orders", count)


# the variable's JSON text -> the one answer
NUMBERS = {
    "2": _first(2),
    "2.0": _first(2),
    "2.000": _first(2),
    "0.2e1": _first(2),
    "2E0": _first(2),
    "20e-1": _first(2),
    "-0.0": _first(0),
    "1.5": _refused("Int cannot represent non-integer value: 1.5"),
    "1.50": _refused("Int cannot represent non-integer value: 1.50"),
    "2e-1": _refused("Int cannot represent non-integer value: 0.2"),
    "3000000000": _refused("Int cannot represent non 32-bit signed integer value: 3000000000"),
    "3000000000.0": _refused("Int cannot represent non 32-bit signed integer value: 3000000000.0"),
    "-2147483649": _refused("Int cannot represent non 32-bit signed integer value: -2147483649"),
    "1e20": _refused("Int cannot represent non 32-bit signed integer value: 1E+20"),
    "1e999999999": _refused("Int cannot represent non 32-bit signed integer value: 1E+999999999"),
    "9" * 5000: _refused("Int cannot represent non 32-bit signed integer value: 99999999999999999999… (5,000 digits)"),
    "0." + "1" * 100: _refused("Int cannot represent non-integer value: 0.111111111111111111… (100 digits)"),
}


@pytest.mark.parametrize("number", NUMBERS, ids=[text[:20] for text in NUMBERS])
async def test_an_int_variable_takes_the_number_json_means(api: Api, number: str) -> None:
    for n in range(3):
        assert (await api.post("/orders", order_body(external_id=f"INT-{n}"))).status_code == 201
    for document in (DOCUMENT, REQUIRED):
        content = f'{{"query": {json.dumps(document)}, "variables": {{"n": {number}}}}}'.encode()
        headers = {**api.auth(), "Content-Type": "application/json"}
        response = await api.client.post("/graphql", content=content, headers=headers)
        assert response.status_code == 200
        assert _answer(response.json()) == NUMBERS[number]


def _answer(body: dict) -> tuple[str, object]:
    if "errors" in body:
        assert body["data"] is None and [error["locations"] for error in body["errors"]] == [[{"line": 1, "column": 7}]]
        return ("refused", body["errors"][0]["message"])
    orders = body["data"]["orders"]
    assert orders["totalCount"] == 3
    return ("orders", len(orders["edges"]))
