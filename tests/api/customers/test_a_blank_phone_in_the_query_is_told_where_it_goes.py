"""README "Customers by phone": a phone left out, blank or unreadable is 422 at `phone`, the
`required` message saying it goes in the query string. A blank one (`?phone=`, `?phone`) got
the bare "The phone field is required." and one of spaces (`?phone=+`: a bare `+` reads as a
space) no word of how to write the `+`. Every blank form now gets where the phone goes, one of
whitespace how a `+` is written too; nothing is read or erased."""

from __future__ import annotations

import pytest

from tests.conftest import Api

WHERE = "The phone field is required: give it in the query string, ?phone=%2B33612345678."
PLUS = "The phone field is required: give it in the query string, ?phone=%2B33612345678; a + in a query string is written %2B (a bare + reads as a space)."  # noqa: E501
# the query string -> the message of its 422 `required`
BLANK = {
    "": WHERE,
    "?phone": WHERE,
    "?phone=": WHERE,
    "?phone=+": PLUS,
    "?phone=++": PLUS,
    "?phone=%20": PLUS,
    "?phone=%09": PLUS,
    "?phone=%C2%A0": PLUS,
    "?other=1": WHERE,
}


@pytest.mark.parametrize("method", ["GET", "DELETE"])
@pytest.mark.parametrize("query", BLANK, ids=[repr(query) for query in BLANK])
async def test_a_blank_phone_is_told_where_it_goes(api: Api, method: str, query: str) -> None:
    assert (await api.post("/customers", {"phone": "+33612132400", "first_name": "Guest"})).status_code == 201
    before = await api.snapshot()
    response = await api.client.request(method, f"/api/v1/stores/123/customers{query}", headers=api.auth())
    assert (response.status_code, response.json()["codes"], response.json()["errors"]) == (
        422,
        {"phone": ["required"]},
        {"phone": [BLANK[query]]},
    )
    assert await api.snapshot() == before
