"""A document that does not validate (GraphQL spec §5: an unknown field, a literal its type
refuses) is refused before anything runs, each error with `extensions.code`
GRAPHQL_VALIDATION_FAILED, as Apollo Server has it (README, "GraphQL and GraphiQL"; it had no
code), its message graphql-core's, the literal shown in GraphQL syntax. A variable's refused
value is BAD_USER_INPUT instead: test_refused_variables_show_their_json.py."""

from __future__ import annotations

import pytest

from tests.conftest import Api

# A literal the document writes -> graphql-core's message, in GraphQL syntax (GraphQL spec §5.6.1)
LITERALS = {
    # an ID literal is a String or an Int (spec, ID input coercion): 123.0 is a Float literal
    "{ store(storeId: 123.0) { name } }": "ID cannot represent a non-string and non-integer value: 123.0",
    "{ store(storeId: true) { name } }": "ID cannot represent a non-string and non-integer value: true",
    '{ orders(storeId: 123, first: "x") { totalCount } }': 'Int cannot represent non-integer value: "x"',
    "{ orders(storeId: 123, first: 1e3) { totalCount } }": "Int cannot represent non-integer value: 1e3",
    "{ order(storeId: 123, externalId: 7) { externalId } }": "String cannot represent a non string value: 7",
    "{ orders(storeId: null) { totalCount } }": "Expected value of non-null type 'ID!' not to be null.",
    'mutation { updateOrder(storeId: 123, externalId: "V-1", input: {tags: ["a", null]}) { userErrors { code } } }': (
        "Expected value of non-null type 'String!' not to be null."
    ),
    "{ nothing }": "Cannot query field 'nothing' on type 'Query'.",
}


@pytest.mark.parametrize("document", LITERALS)
async def test_a_document_that_does_not_validate_is_graphql_validation_failed(api: Api, document: str) -> None:
    """The document's own mistakes, literals included, are validation errors (Apollo Server's
    code); a refused literal is no variable and keeps graphql-core's message."""
    response = await api.client.post("/graphql", json={"query": document}, headers=api.auth())
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None, body
    assert [(error["message"], error["extensions"]) for error in body["errors"]] == [
        (LITERALS[document], {"code": "GRAPHQL_VALIDATION_FAILED"})
    ]
