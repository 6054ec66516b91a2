"""Issue 13: `store(storeId:)`, as every other field names a store; `store(id:)` still answers
and is marked deprecated in the schema; giving both, or neither, is BAD_USER_INPUT."""

from __future__ import annotations

import pytest

from graphql_schema.schema import schema as graphql_schema
from tests.api.calls import gql

STORE = {"id": "123", "name": "Demo shop", "region": "FR"}


@pytest.mark.parametrize("argument", ["storeId", "id"])
async def test_either_spelling_reads_the_store(api, argument):
    body = await gql(api, f'{{ store({argument}: "123") {{ id name region }} }}')
    assert body == {"data": {"store": STORE}}


def test_id_is_deprecated_for_store_id():
    arguments = graphql_schema._schema.query_type.fields["store"].args
    assert arguments["id"].deprecation_reason == "Use storeId, as every other field does."
    assert arguments["storeId"].deprecation_reason is None


@pytest.mark.parametrize("arguments", ['storeId: "123", id: "123"', ""], ids=["both", "neither"])
async def test_both_or_neither_is_bad_user_input(api, arguments):
    call = f"store({arguments})" if arguments else "store"
    body = await gql(api, f"{{ {call} {{ id }} }}")
    (error,) = body["errors"]
    assert error["message"] == "Give the store as storeId (id is its deprecated spelling), exactly once."
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": ["storeId"]}
    assert body["data"] == {"store": None}
