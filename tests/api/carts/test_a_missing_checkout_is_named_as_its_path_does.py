"""SPEC §3: /checkouts is the same resource as /carts, and its 404 names it as its path does:
`{"error": "Checkout not found"}` (`routes._cart_routes`), where it said "Cart not found"; under
/carts it stays "Cart not found". Every route of an alias that can 404 (the ones naming a record)
is in the table, found by walking the app's routes; each id names nothing: unknown, another
case of a stored one, one no engine could store (NUL), a stored one with a line break."""

from __future__ import annotations

import pytest
from starlette.routing import Route

from tests.conftest import Api, cart_body

TEMPLATE = "/api/v1/stores/{store_id}"
# resource path -> the record's name in its 404
NAMES = {"/checkouts": "Checkout", "/carts": "Cart"}
# method -> its body (None: no body)
METHODS = {"GET": None, "HEAD": None, "PATCH": {"status": "expired"}}
IDS = {"unknown": "NOPE", "another case": "cart-7700", "NUL": "%00", "line break after": "CART-7700%0D%0A"}


def test_the_table_names_every_route_of_a_record_under_both_paths(api: Api):
    found = {
        (path, method)
        for route in api.app.routes
        if isinstance(route, Route)
        for path in NAMES
        if route.path == TEMPLATE + path + "/{external_id:path}"
        for method in route.methods or ()
    }
    assert found == {(path, method) for path in NAMES for method in METHODS}


@pytest.mark.parametrize("id_kind", sorted(IDS))
@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("path", sorted(NAMES))
async def test_a_missing_record_is_named_as_its_path_does(api: Api, path: str, method: str, id_kind: str):
    assert (await api.post("/carts", cart_body())).status_code == 201
    before = await api.snapshot()
    body = METHODS[method]
    response = await api.client.request(
        method,
        f"/api/v1/stores/123{path}/{IDS[id_kind]}",
        headers=api.auth(),
        **({} if body is None else {"json": body}),
    )
    expected = b"" if method == "HEAD" else b'{"error":"%s not found"}' % NAMES[path].encode()
    assert (response.status_code, response.content) == (404, expected)
    assert await api.snapshot() == before
