"""Every 405 carries `Allow`, listing the methods its path takes (RFC 9110 §15.5.6;
`app/rest/methods.py`): on every path the app serves, for every method the path does not take,
gathered from every route the path matches (`…/orders/{external_id}` is a PATCH route and a GET
route). REST answers `{"error": "Method not allowed"}`; /graphql its request-error shape with
code METHOD_NOT_ALLOWED. HEAD /graphql is answered as GET /graphql is, without the body."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.routing import Mount, Route

from tests.conftest import Api

STORE = "/api/v1/stores/123"
TEMPLATE = "/api/v1/stores/{store_id}"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
REST_BODY = {"error": "Method not allowed"}

# resource -> the exact `Allow` of its collection, of its batch (which `{external_id}` also
# matches) and of one record
RESOURCES = {
    "orders": ("POST", "GET, HEAD, PATCH, POST", "GET, HEAD, PATCH"),
    "shipments": ("POST", "GET, HEAD, POST", "GET, HEAD"),
    "carts": ("POST", "GET, HEAD, PATCH, POST", "GET, HEAD, PATCH"),
    "checkouts": ("POST", "GET, HEAD, PATCH, POST", "GET, HEAD, PATCH"),
    "customers": ("DELETE, GET, HEAD, POST", "DELETE, GET, HEAD, POST", "DELETE, GET, HEAD"),
}
# a resource's route templates, each with a concrete path
SUFFIXES = (("", ""), ("/batch", "/batch"), ("/{external_id:path}", "/X"))
# route template -> (a concrete path, its exact `Allow`)
PATHS: dict[str, tuple[str, str]] = {
    **{
        TEMPLATE + f"/{resource}{tail}": (STORE + f"/{resource}{concrete}", allow)
        for resource, allows in RESOURCES.items()
        for (tail, concrete), allow in zip(SUFFIXES, allows, strict=True)
    },
    "/healthz": ("/healthz", "GET, HEAD"),
    "/metrics": ("/metrics", "GET, HEAD"),
    "/graphql": ("/graphql", "GET, HEAD, POST"),
    "/graphql/ide/{name}": ("/graphql/ide/graphiql.min.js", "GET, HEAD"),
    "/openapi.json": ("/openapi.json", "GET, HEAD"),
    "/docs": ("/docs", "GET, HEAD"),
    "/docs/assets/{name}": ("/docs/assets/swagger-ui.css", "GET, HEAD"),
    "/dashboard": ("/dashboard", "GET, HEAD"),
    "/dashboard/assets/{name}": ("/dashboard/assets/dashboard.js", "GET, HEAD"),
}


def _graphql_refusal(method: str) -> dict[str, Any]:
    message = f"GraphQL requests are sent with POST (a query also with GET), not {method}."
    return {"errors": [{"message": message, "extensions": {"code": "METHOD_NOT_ALLOWED"}}]}


def _refused() -> list[Any]:
    return [
        pytest.param(method, path, allow, id=f"{method} {template}")
        for template, (path, allow) in PATHS.items()
        for method in METHODS
        if method not in allow.split(", ")
    ]


@pytest.mark.parametrize(("method", "path", "allow"), _refused())
async def test_a_method_the_path_does_not_take_is_405_with_allow(api: Api, method: str, path: str, allow: str) -> None:
    response = await api.client.request(method, path, headers=api.auth())
    assert (response.status_code, response.headers.get_list("allow")) == (405, [allow])
    assert response.headers["content-type"] == "application/json"
    if method != "HEAD":
        assert response.json() == (_graphql_refusal(method) if path == "/graphql" else REST_BODY)


@pytest.mark.parametrize("path", ["/graphql", "/graphql/", STORE + "/orders/", STORE + "/customers/X/"])
async def test_a_trailing_slash_names_the_same_methods(api: Api, path: str) -> None:
    response = await api.client.put(path, headers=api.auth())
    assert (response.status_code, response.headers["allow"]) == (405, PATHS[_template(path.rstrip("/"))][1])


def _template(path: str) -> str:
    return next(template for template, (concrete, _allow) in PATHS.items() if concrete == path)


async def test_the_table_is_every_path_the_app_serves(api: Api) -> None:
    served = {route.path for route in api.app.routes if isinstance(route, (Route, Mount))}
    assert set(PATHS) == served
    allows = {path: (await api.client.options(path)).headers.get("allow") for path, _allow in PATHS.values()}
    assert allows == {path: allow for path, allow in PATHS.values()}


# GET /graphql case -> (query string, Accept, status of GET and HEAD alike)
GRAPHQL_GETS: dict[str, tuple[str, str, int]] = {
    "GraphiQL": ("", "text/html", 200),
    "a query": ("?query=%7B__typename%7D", "application/json", 200),
    "no query": ("", "application/json", 400),
    "a mutation": ("?query=mutation%7B__typename%7D", "application/json", 405),
}


@pytest.mark.parametrize("case", list(GRAPHQL_GETS))
async def test_head_graphql_answers_as_get_without_the_body(api: Api, case: str) -> None:
    query, accept, status = GRAPHQL_GETS[case]
    get = await api.client.get("/graphql" + query, headers={"Accept": accept})
    head = await api.client.head("/graphql" + query, headers={"Accept": accept})
    assert (head.status_code, get.status_code) == (status, status)
    assert _without_request_id(head.headers) == _without_request_id(get.headers)
    assert (head.content, int(head.headers["content-length"])) == (b"", len(get.content))


def _without_request_id(headers: Any) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers.multi_items() if name != "x-request-id"]
