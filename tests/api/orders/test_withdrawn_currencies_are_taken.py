"""README "Money": a currency is an ISO 4217 code, current or withdrawn (`app/domain/currency.py`):
a shop's history in a currency since replaced (HRK until 2023, LTL until 2015, FRF and DEM until
2002) is taken, on orders and carts, single, batch and GraphQL alike, where it was refused
`invalid_currency` and an import of the shop's past lost those orders. A withdrawn code has no
minor unit here: up to 4 decimals, rendered with two. Codes that are no currency stay refused."""

from __future__ import annotations

import pytest

from app.domain.currency import CURRENT_CODES, WITHDRAWN_CODES
from tests.conftest import cart_body, order_body

# Each code a shop's past may hold, sent lower case as some platforms write it.
WITHDRAWN = sorted(WITHDRAWN_CODES)
NOT_CURRENCIES = ["ABC", "EUX", "ZZZ", "EURO", "FR", "BTC"]


def test_the_withdrawn_codes_are_those_of_list_three() -> None:
    assert {"HRK", "LTL", "LVL", "EEK", "FRF", "DEM", "ITL", "ESP", "NLG", "VEF", "BYR", "CUC"} <= WITHDRAWN_CODES
    assert not WITHDRAWN_CODES & CURRENT_CODES
    assert not WITHDRAWN_CODES & set(NOT_CURRENCIES)


async def test_every_withdrawn_code_is_taken_in_a_batch(api) -> None:
    items = [
        order_body(external_id=f"W-{code}", currency=code.lower(), total_price="12.3456", line_items=[])
        for code in WITHDRAWN
    ]
    response = await api.post("/orders/batch", {"items": items})
    assert response.status_code == 200
    assert [(r["external_id"], r["status"]) for r in response.json()["results"]] == [
        (f"W-{code}", 201) for code in WITHDRAWN
    ]
    stored = {row["external_id"]: row["currency"] for row in await api.rows("orders")}
    assert stored == {f"W-{code}": code for code in WITHDRAWN}


@pytest.mark.parametrize("code", ["HRK", "LTL", "FRF", "DEM", "ITL", "VEF"])
@pytest.mark.parametrize("resource", ["orders", "carts", "checkouts"])
async def test_a_withdrawn_code_takes_four_decimals_and_renders_two(api, code: str, resource: str) -> None:
    body = order_body if resource == "orders" else cart_body
    response = await api.post(f"/{resource}", body(currency=code, total_price="1500.5"))
    assert response.status_code == 201, response.text
    assert (response.json()["currency"], response.json()["total_price"]) == (code, "1500.50")

    precise = await api.post(f"/{resource}", body(external_id="P-1", currency=code, total_price="0.1234"))
    assert (precise.status_code, precise.json()["total_price"]) == (201, "0.1234")
    too_precise = await api.post(f"/{resource}", body(external_id="P-2", currency=code, total_price="0.12345"))
    assert (too_precise.status_code, too_precise.json()["codes"]) == (422, {"total_price": ["too_precise"]})


async def test_graphql_takes_a_withdrawn_code(api) -> None:
    mutation = """mutation { upsertOrder(storeId: 123, input: {externalId: "G-1", placedAt: "2022-12-30T10:00:00Z",
      totalPrice: "99.90", currency: "hrk", customer: {phone: "+385912345678"}}) {
      order { currency totalPrice } userErrors { code } } }"""
    response = await api.client.post("/graphql", json={"query": mutation}, headers=api.auth())
    assert response.json() == {
        "data": {"upsertOrder": {"order": {"currency": "HRK", "totalPrice": "99.90"}, "userErrors": []}}
    }


@pytest.mark.parametrize("code", NOT_CURRENCIES)
async def test_a_code_of_no_currency_is_still_refused(api, code: str) -> None:
    before = await api.snapshot()
    response = await api.post("/orders", order_body(currency=code))
    assert (response.status_code, response.json()["codes"]) == (422, {"currency": ["invalid_currency"]})
    assert await api.snapshot() == before
