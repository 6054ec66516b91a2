"""Whole numbers of more than 4,300 digits (past what Python's `int` reads): in a document, any
such literal is a syntax error naming its place, where an Int argument (`first: 111…`) was a
masked "Internal server error" whose traceback logged the document (a contact's phone
included), and a JSON literal (`metadata: {a: 111…}`) was stored as null. In the variables, the
number is read as REST reads it: a field refuses it as out of range (a userError), an Int
variable as no Int. Nothing is written, nothing logged as an error."""

from __future__ import annotations

import json
import logging
import urllib.parse

import pytest

from tests.api.calls import gql
from tests.conftest import Api

LONG = "1" * 4301
SYNTAX = "Syntax Error: A whole number literal has more than 4,300 digits."
_ORDER = '{externalId: "GB-1", placedAt: "2026-11-11T10:00:00Z", totalPrice: %s, metadata: %s, customer: {phone: "+33640404003"}}'
# where the literal stands -> the document (its first `%s` the literal)
DOCUMENTS = {
    "an Int argument": "{ orders(storeId: 123, first: %s) { totalCount } }",
    "a negative Int argument": "{ orders(storeId: 123, first: -%s) { totalCount } }",
    "a nested field's argument": '{ contact(storeId: 123, phone: "+33612345678") { orders(first: %s) { totalCount } } }',
    "a JSON literal": "mutation { upsertOrder(storeId: 123, input: %s) { userErrors { code } } }"
    % (_ORDER % ("1", "{a: %s}")),
    "a JSON list": "mutation { upsertOrder(storeId: 123, input: %s) { userErrors { code } } }"
    % (_ORDER % ("1", "{a: [1, %s]}")),
    "a Decimal literal": "mutation { upsertOrder(storeId: 123, input: %s) { userErrors { code } } }"
    % (_ORDER % ("%s", "{}")),
    "a variable's default": "query($n: Int = %s) { orders(storeId: 123, first: $n) { totalCount } }",
}


def _located(document: str) -> dict:
    column = document.index(LONG) + 1 - (document[document.index(LONG) - 1] == "-")
    error = {
        "message": SYNTAX,
        "locations": [{"line": 1, "column": column}],
        "extensions": {"code": "GRAPHQL_PARSE_FAILED"},
    }
    return {"data": None, "errors": [error]}


@pytest.mark.parametrize("place", DOCUMENTS, ids=list(DOCUMENTS))
async def test_a_literal_past_4300_digits_is_a_syntax_error(api: Api, place: str, caplog) -> None:
    document = DOCUMENTS[place] % LONG
    before = await api.snapshot()
    with caplog.at_level(logging.ERROR):
        body = await gql(api, document)
    assert body == _located(document)
    assert [record.getMessage()[:80] for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert await api.snapshot() == before


async def test_over_get_too(api: Api) -> None:
    document = DOCUMENTS["an Int argument"] % LONG
    response = await api.client.get(f"/graphql?{urllib.parse.urlencode({'query': document})}", headers=api.auth())
    assert (response.status_code, response.json()) == (200, _located(document))


async def test_4300_digits_are_read_and_refused_by_the_argument(api: Api) -> None:
    body = await gql(api, "{ orders(storeId: 123, first: %s) { totalCount } }" % ("1" * 4300))
    assert body["data"] is None
    assert [error["message"][:60] for error in body["errors"]] == [
        "Int cannot represent non 32-bit signed integer value: 111111"
    ]


_UPSERT = "mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) { userErrors { field code } } }"
# the variables' JSON (its `%s` the number) -> the one answer
VARIABLES = {
    "metadata": (
        '{"input": {"externalId": "GB-1", "placedAt": "2026-11-11T10:00:00Z", "totalPrice": 1, '
        '"metadata": {"a": %s}, "customer": {"phone": "+33640404003"}}}',
        {"data": {"upsertOrder": {"userErrors": [{"field": ["input", "metadata"], "code": "OUT_OF_RANGE"}]}}},
    ),
    "totalPrice": (
        '{"input": {"externalId": "GB-1", "placedAt": "2026-11-11T10:00:00Z", "totalPrice": %s, '
        '"customer": {"phone": "+33640404003"}}}',
        {"data": {"upsertOrder": {"userErrors": [{"field": ["input", "totalPrice"], "code": "OUT_OF_RANGE"}]}}},
    ),
}


@pytest.mark.parametrize("field", VARIABLES, ids=list(VARIABLES))
async def test_in_the_variables_a_field_refuses_it(api: Api, field: str) -> None:
    variables, answer = VARIABLES[field]
    content = f'{{"query": {json.dumps(_UPSERT)}, "variables": {variables % ("9" * 5000)}}}'.encode()
    headers = {**api.auth(), "Content-Type": "application/json"}
    before = await api.snapshot()
    response = await api.client.post("/graphql", content=content, headers=headers)
    assert (response.status_code, response.json()) == (200, answer)
    assert await api.snapshot() == before


async def test_an_int_variable_refuses_it(api: Api) -> None:
    document = "query($n: Int) { orders(storeId: 123, first: $n) { totalCount } }"
    content = f'{{"query": {json.dumps(document)}, "variables": {{"n": {"9" * 5000}}}}}'.encode()
    headers = {**api.auth(), "Content-Type": "application/json"}
    response = await api.client.post("/graphql", content=content, headers=headers)
    message = (
        "Variable '$n' has invalid value: Int cannot represent non 32-bit signed integer value: "
        "99999999999999999999… (5,000 digits)"
    )
    assert (response.status_code, response.json()) == (
        200,
        {
            "data": None,
            "errors": [
                {"message": message, "locations": [{"line": 1, "column": 7}], "extensions": {"code": "BAD_USER_INPUT"}}
            ],
        },
    )


HUGE = "1e1000000000000000000"  # an exponent past what a Decimal holds: InvalidOperation, a 500
_INLINE = "mutation { upsertOrder(storeId: 123, input: %s) { userErrors { field code } } }"
# where the number stands -> the document, its variables' JSON (None: none), the userErrors
EXPONENTS = {
    "a Decimal literal": (
        _INLINE % (_ORDER % (HUGE, "{}")),
        None,
        [{"field": ["input", "totalPrice"], "code": "OUT_OF_RANGE"}],
    ),
    "a Decimal literal as text": (
        _INLINE % (_ORDER % (f'"{HUGE}"', "{}")),
        None,
        [{"field": ["input", "totalPrice"], "code": "OUT_OF_RANGE"}],
    ),
    "a JSON literal": (
        _INLINE % (_ORDER % ("1", f"{{a: {HUGE}}}")),
        None,
        [{"field": ["input", "metadata"], "code": "OUT_OF_RANGE"}],
    ),
    "variables": (_UPSERT, VARIABLES["metadata"][0] % HUGE, [{"field": ["input", "metadata"], "code": "OUT_OF_RANGE"}]),
}


@pytest.mark.parametrize("place", EXPONENTS, ids=list(EXPONENTS))
async def test_an_exponent_past_a_decimals_is_out_of_range(api: Api, place: str) -> None:
    document, variables, user_errors = EXPONENTS[place]
    body = {"query": document} if variables is None else None
    content = json.dumps(body) if body else f'{{"query": {json.dumps(document)}, "variables": {variables}}}'
    headers = {**api.auth(), "Content-Type": "application/json"}
    before = await api.snapshot()
    response = await api.client.post("/graphql", content=content.encode(), headers=headers)
    assert (response.status_code, response.json()) == (200, {"data": {"upsertOrder": {"userErrors": user_errors}}})
    assert await api.snapshot() == before
