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
    # a spread of a fragment the document does not define (spec §5.5.2.1), at any depth
    "{ ...Nope }": "Unknown fragment 'Nope'.",
    "mutation { ...Missing }": "Unknown fragment 'Missing'.",
    "{ store(storeId: 123) { ...Nope } }": "Unknown fragment 'Nope'.",
    "{ ... on Query { ...Nope } }": "Unknown fragment 'Nope'.",
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


# an ID literal -> the store's name, or the refusal's message (README: a literal follows the spec)
ID_LITERALS = {
    "123": "Demo shop",
    '"123"': "Demo shop",
    "123.0": "ID cannot represent a non-string and non-integer value: 123.0",
    "1.23e2": "ID cannot represent a non-string and non-integer value: 1.23e2",
}


@pytest.mark.parametrize("literal", ID_LITERALS)
async def test_an_id_literal_is_a_string_or_an_int(api: Api, literal: str) -> None:
    """GraphQL spec §3.5.5, ID input coercion: a String or an Int literal, never a Float one,
    however whole its value (as a variable, JSON's `123.0` is the store "123": JSON has one
    kind of number, test_built_in_scalars_read_json_numbers_as_graphql_js_does.py)."""
    response = await api.client.post(
        "/graphql", json={"query": f"{{ store(storeId: {literal}) {{ name }} }}"}, headers=api.auth()
    )
    body = response.json()
    if "errors" in body:
        [error] = body["errors"]
        assert (body["data"], error["message"], error["extensions"]) == (
            None,
            ID_LITERALS[literal],
            {"code": "GRAPHQL_VALIDATION_FAILED"},
        )
    else:
        assert body["data"] == {"store": {"name": ID_LITERALS[literal]}}
