"""A document that does not parse (GraphQL spec §2: its grammar; and the token limit, counted
while parsing) is refused before anything runs with its syntax error and `extensions.code`
GRAPHQL_PARSE_FAILED, as Apollo Server has it (README, "GraphQL and GraphiQL": every GraphQL
error carries a code; it had none), over POST and GET alike; nothing is written."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.conftest import Api

_ORDER = '{externalId: "P-1", placedAt: "2026-11-11T10:00:00Z", totalPrice: 1, customer: {phone: "+33640404003"}}'
# the document -> graphql-core's message and the error's place (line, column)
DOCUMENTS = {
    "{ orders(": ("Syntax Error: Expected Name, found <EOF>.", (1, 10)),
    "}": ("Syntax Error: Unexpected '}'.", (1, 1)),
    "{ orders(storeId: 123 { edges }": ("Syntax Error: Expected Name, found '{'.", (1, 23)),
    '{ order(storeId: 123, externalId: "V-1) { id } }': ("Syntax Error: Unterminated string.", (1, 49)),
    "{ store(storeId: 123) { name } } ~": ("Syntax Error: Unexpected character: '~'.", (1, 34)),
    "query { store(storeId: 123) { name }": ("Syntax Error: Expected Name, found <EOF>.", (1, 37)),
    # a mutation that does not parse writes nothing
    f"mutation {{ upsertOrder(storeId: 123, input: {_ORDER}) {{ created }}": (
        "Syntax Error: Expected Name, found <EOF>.",
        (1, 161),  # its end
    ),
    # an empty selection set (spec §2.4: one selection at least), anywhere in the document
    "{ }": ("Syntax Error: Expected Name, found '}'.", (1, 3)),
    "query { }": ("Syntax Error: Expected Name, found '}'.", (1, 9)),
    "mutation { }": ("Syntax Error: Expected Name, found '}'.", (1, 12)),
    "{ ... { } }": ("Syntax Error: Expected Name, found '}'.", (1, 9)),
    "{ orders(storeId: 123) { pageInfo { } } }": ("Syntax Error: Expected Name, found '}'.", (1, 37)),
    "{ __typename }{ }": ("Syntax Error: Expected Name, found '}'.", (1, 17)),
    "{ store(storeId: 123) { " + "id " * 2001 + "} }": (
        "Syntax Error: Document contains more than 2000 tokens. Parsing aborted.",
        (1, 6001),  # the 2,001st token
    ),
}


def _refused(document: str) -> dict:
    message, (line, column) = DOCUMENTS[document]
    error = {"message": message, "locations": [{"line": line, "column": column}]}
    return {"data": None, "errors": [{**error, "extensions": {"code": "GRAPHQL_PARSE_FAILED"}}]}


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("document", DOCUMENTS)
async def test_a_document_that_does_not_parse_is_graphql_parse_failed(api: Api, document: str, method: str) -> None:
    before = await api.snapshot()
    if method == "POST":
        response = await api.client.post("/graphql", json={"query": document}, headers=api.auth())
    else:
        query = urllib.parse.urlencode({"query": document})
        response = await api.client.get(f"/graphql?{query}", headers=api.auth())
    assert (response.status_code, response.json()) == (200, _refused(document))
    assert await api.snapshot() == before
