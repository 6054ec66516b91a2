"""GraphQL spec §6.1 (GetOperation): a request runs the operation its `operationName` names, or
the document's only one. Without a name, several operations are a request error (the first
one ran); a name no operation has, no operation at all, or an `operationName` that is not a
string are request errors too — over POST and GET alike, 400 `BAD_REQUEST`, nothing run."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest

from graphql_schema.schema import schema as graphql_schema
from tests.conftest import Api

ERASE = 'mutation Erase { deleteCustomer(storeId: 123, externalId: "CUST-42") { erasedContacts } }'
READ = "query Read { store(storeId: 123) { id } }"
MULTIPLE = "Must provide operation name if query contains multiple operations."
NO_OPERATION = "Must provide an operation."

# case -> (document, operationName (absent when None), message)
REFUSED: dict[str, tuple[str, Any, str]] = {
    "two queries, no name": (f"query Other {{ __typename }} {READ}", None, MULTIPLE),
    "a mutation first, no name": (f"{ERASE} {READ}", None, MULTIPLE),
    "a query first, no name": (f"{READ} {ERASE}", None, MULTIPLE),
    "an anonymous and a named one": (f"{{ __typename }} {ERASE}", None, MULTIPLE),
    "an unknown name among several": (f"{ERASE} {READ}", "Missing", 'Unknown operation named "Missing".'),
    "an unknown name, one operation": (ERASE, "Missing", 'Unknown operation named "Missing".'),
    "a name, one anonymous operation": ("{ __typename }", "Read", 'Unknown operation named "Read".'),
    "an empty name": (ERASE, "", 'Unknown operation named "".'),
    "a fragment's name": (f"fragment F on Query {{ __typename }} {ERASE}", "F", 'Unknown operation named "F".'),
    "no operation": ("fragment F on Query { __typename }", None, NO_OPERATION),
}
NOT_A_STRING = "The GraphQL operation's `operationName` must be a string or null, if provided."
# operationName values a JSON body can give and a query string cannot
NOT_STRINGS = [5, True, ["Erase"], {"name": "Erase"}]


async def _post(api: Api, payload: dict[str, Any]):
    headers = {**api.auth(), "Content-Type": "application/json"}
    return await api.client.post("/graphql", content=json.dumps(payload), headers=headers)


async def _get(api: Api, payload: dict[str, Any]):
    return await api.client.get(f"/graphql?{urllib.parse.urlencode(payload)}", headers=api.auth())


SEND = {"POST": _post, "GET": _get}


async def _customer(api: Api) -> None:
    assert (await api.post("/customers", {"external_id": "CUST-42", "phone": "+33612345678"})).status_code == 201


@pytest.mark.parametrize("method", list(SEND))
@pytest.mark.parametrize("case", list(REFUSED))
async def test_no_single_operation_is_a_request_error(api: Api, case: str, method: str) -> None:
    await _customer(api)
    before = await api.snapshot()
    document, name, message = REFUSED[case]
    payload = {"query": document} if name is None else {"query": document, "operationName": name}
    response = await SEND[method](api, payload)
    assert (response.status_code, response.json()) == (
        400,
        {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]},
    )
    assert await api.snapshot() == before


@pytest.mark.parametrize("name", NOT_STRINGS, ids=[json.dumps(n) for n in NOT_STRINGS])
async def test_an_operation_name_is_a_string(api: Api, name: Any) -> None:
    await _customer(api)
    before = await api.snapshot()
    response = await _post(api, {"query": f"{ERASE} {READ}", "operationName": name})
    assert (response.status_code, response.json()) == (
        400,
        {"errors": [{"message": NOT_A_STRING, "extensions": {"code": "BAD_REQUEST"}}]},
    )
    assert await api.snapshot() == before


@pytest.mark.parametrize("method", list(SEND))
async def test_the_named_operation_runs_alone(api: Api, method: str) -> None:
    await _customer(api)
    before = await api.snapshot()
    response = await SEND[method](api, {"query": f"{ERASE} {READ}", "operationName": "Read"})
    assert (response.status_code, response.json()) == (200, {"data": {"store": {"id": "123"}}})
    assert await api.snapshot() == before  # the mutation beside it did not run


async def test_a_named_mutation_runs_over_post(api: Api) -> None:
    await _customer(api)
    response = await _post(api, {"query": f"{READ} {ERASE}", "operationName": "Erase"})
    assert response.json() == {"data": {"deleteCustomer": {"erasedContacts": 1}}}


WATCH = "subscription {name} {{ storeEvents(storeId: 123) {{ type }} }}"
# over a websocket (the subscription made in-process, as the socket makes it): document, name, message
OVER_A_WEBSOCKET = {
    "two subscriptions, no name": (WATCH.format(name="A") + WATCH.format(name="B"), None, MULTIPLE),
    "an unknown name": (WATCH.format(name="A"), "Missing", 'Unknown operation named "Missing".'),
    "no operation": ("fragment F on Subscription { storeEvents(storeId: 123) { type } }", None, NO_OPERATION),
}


@pytest.mark.parametrize("case", list(OVER_A_WEBSOCKET))
async def test_over_a_websocket_it_is_the_one_error_unmasked(case: str) -> None:
    document, name, message = OVER_A_WEBSOCKET[case]
    result = await graphql_schema.subscribe(document, operation_name=name)
    if not hasattr(result, "errors"):
        result = await anext(aiter(result))  # type: ignore[arg-type]
    assert [error.formatted for error in result.errors] == [  # type: ignore[union-attr]
        {"message": message, "extensions": {"code": "BAD_REQUEST"}}
    ]
