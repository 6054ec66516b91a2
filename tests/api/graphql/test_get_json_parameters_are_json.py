"""GraphQL over HTTP, GET: `variables` and `extensions` are URL-encoded JSON. One that is not
JSON is a request error naming it (400 `BAD_REQUEST`, "The `variables` query parameter is not
valid JSON: …"), where a GET answered "Unable to parse request body as JSON" (it has no body);
JSON of another shape than an object or null is refused as a POST's is, and `null` is no
value, as in a POST. Nothing changes either way. Any request parameter given twice is refused
naming it, where the last one was taken."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from graphql_schema.app import REQUEST_PARAMETERS
from tests.conftest import Api

QUERY = "query($id: ID!) { store(storeId: $id) { id } }"
PARAMETERS = ("variables", "extensions")
# value sent -> the message's end after "The `<name>` query parameter is not valid JSON"
NOT_JSON = {
    "[1": ": Expecting ',' delimiter at character 2.",
    "{": ": Expecting property name enclosed in double quotes at character 1.",
    "": ": Expecting value at character 0.",
    "nul": ": Expecting value at character 0.",
    "{'id': 1}": ": Expecting property name enclosed in double quotes at character 1.",
    '{"id": 1} x': ": Extra data at character 10.",
    "NaN": ".",  # JSON (RFC 8259) has no NaN, which Python's json reads
    '{"a": Infinity}': ".",
}
NOT_AN_OBJECT = ["[1]", "1", '"x"', "true"]


def _error(message: str) -> dict:
    return {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}


async def _get(api: Api, parameter: str, value: str):
    given = {"variables": '{"id": "123"}', parameter: value}
    query = urllib.parse.urlencode({"query": QUERY, **given})
    return await api.client.get(f"/graphql?{query}", headers=api.auth())


@pytest.mark.parametrize("value", list(NOT_JSON), ids=[repr(v) for v in NOT_JSON])
@pytest.mark.parametrize("parameter", PARAMETERS)
async def test_a_parameter_that_is_not_json_is_named(api: Api, parameter: str, value: str) -> None:
    before = await api.snapshot()
    response = await _get(api, parameter, value)
    message = f"The `{parameter}` query parameter is not valid JSON{NOT_JSON[value]}"
    assert (response.status_code, response.json()) == (400, _error(message))
    assert await api.snapshot() == before


@pytest.mark.parametrize("value", NOT_AN_OBJECT)
@pytest.mark.parametrize("parameter", PARAMETERS)
async def test_json_that_is_not_an_object_is_refused_as_in_a_post(api: Api, parameter: str, value: str) -> None:
    response = await _get(api, parameter, value)
    message = f"The GraphQL operation's `{parameter}` must be an object or null, if provided."
    assert (response.status_code, response.json()) == (400, _error(message))


async def test_an_object_or_null_is_read(api: Api) -> None:
    assert (await _get(api, "extensions", "null")).json() == {"data": {"store": {"id": "123"}}}
    assert (await _get(api, "extensions", "{}")).json() == {"data": {"store": {"id": "123"}}}
    query = urllib.parse.urlencode({"query": "{ __typename }", "variables": "null"})
    assert (await api.client.get(f"/graphql?{query}", headers=api.auth())).json() == {"data": {"__typename": "Query"}}


async def test_a_post_body_with_nan_is_not_json(api: Api) -> None:
    body = json.dumps({"query": QUERY, "variables": {"id": "123", "x": float("nan")}})
    headers = {**api.auth(), "Content-Type": "application/json"}
    response = await api.client.post("/graphql", content=body, headers=headers)
    assert (response.status_code, response.json()) == (400, _error("Unable to parse request body as JSON"))


# a parameter's values when given twice: the same twice, or two that differ
TWICE = {
    "query": [QUERY, "{ __typename }"],
    "operationName": ["A", "B"],
    "variables": ['{"id": "123"}', '{"id": "124"}'],
    "extensions": ["{}", "{}"],
}


@pytest.mark.parametrize("parameter", REQUEST_PARAMETERS)
async def test_a_parameter_given_twice_is_named(api: Api, parameter: str) -> None:
    given = {"query": [QUERY], "variables": ['{"id": "123"}'], parameter: TWICE[parameter]}
    query = urllib.parse.urlencode(given, doseq=True)
    response = await api.client.get(f"/graphql?{query}", headers=api.auth())
    message = f"The `{parameter}` query parameter is given 2 times; give it once."
    assert (response.status_code, response.json()) == (400, _error(message))
