"""SPEC §5: query depth, alias count and token count are limited."""

import pytest

from tests.api.graphql.documents import gql


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        (
            "{ orders(storeId: 123) { edges { node { contact { orders { contact { orders { contact { orders { contact"
            " { orders { contact { phone } } } } } } } } } } } } }",
            "depth",
        ),
        ("{ " + " ".join(f"a{i}: store(storeId: 123) {{ id }}" for i in range(40)) + " }", "aliases"),
        ("{ store(storeId: 123) { " + "id " * 3000 + "} }", "token"),
        (
            "mutation { "
            + " ".join(f'd{i}: deleteCustomer(storeId: 123, externalId: "x") {{ erasedContacts }}' for i in range(11))
            + " }",
            "mutations",
        ),
    ],
)
async def test_abusive_documents_get_a_fast_error(api, query, fragment):
    body = await gql(api, query)
    assert body.get("data") is None
    assert fragment in body["errors"][0]["message"].lower()
