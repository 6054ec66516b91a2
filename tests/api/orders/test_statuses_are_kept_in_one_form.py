"""Order statuses are kept in one form (issue 11; README, "Order statuses"): a financial or
fulfilment status is trimmed and lower-cased when written, and a dashboard's filter is read the
same way, so filtering `paid` finds an order sent as `PAID` or ` paid`, `storeStats` counts them
as one status, and a POST that only changes the spelling changes nothing and records no event."""

from __future__ import annotations

import pytest

from tests.api.calls import gql
from tests.conftest import Api, order_body

FORMS = ["paid", "PAID", " paid", "Paid ", "\tPaId\n", "paid\u00a0", "ＰＡＩＤ", "ｐａｉｄ\u3000", "PAI\uff24"]
FILTERS = ["paid", "PAID", " Paid ", "ＰＡＩＤ"]

_ORDERS = """query($financial: String, $fulfillment: String) {
  orders(storeId: 123, filter: {financialStatus: $financial, fulfillmentStatus: $fulfillment}) {
    totalCount edges { node { externalId financialStatus fulfillmentStatus } } } }"""
_STATS = """{ storeStats(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") {
  byFinancialStatus { status count } byFulfillmentStatus { status count } } }"""


async def _post(api: Api, external_id: str, phone: str, financial: str, fulfillment: str) -> dict:
    body = order_body(external_id=external_id, financial_status=financial, fulfillment_status=fulfillment)
    body["customer"] = {"phone": phone}
    response = await api.post("/orders", body)
    assert response.status_code == 201, response.text[:300]
    return response.json()


@pytest.mark.parametrize("form", FORMS, ids=repr)
async def test_a_status_is_stored_trimmed_and_lower_cased(api: Api, form: str) -> None:
    written = await _post(api, "O-1", "+33612345678", form, form.upper())
    assert (written["financial_status"], written["fulfillment_status"]) == ("paid", "paid")
    read = (await api.get("/orders/O-1")).json()
    assert (read["financial_status"], read["fulfillment_status"]) == ("paid", "paid")


@pytest.mark.parametrize("wanted", FILTERS, ids=repr)
@pytest.mark.parametrize("form", FORMS, ids=repr)
async def test_a_filter_finds_every_form_of_its_status(api: Api, form: str, wanted: str) -> None:
    await _post(api, "O-SENT", "+33612345678", form, form)
    await _post(api, "O-OTHER", "+33612345679", "refunded", "Fulfilled")  # neither filter's
    for variables in ({"financial": wanted}, {"fulfillment": wanted}):
        found = (await gql(api, _ORDERS, variables))["data"]["orders"]
        assert found == {
            "totalCount": 1,
            "edges": [{"node": {"externalId": "O-SENT", "financialStatus": "paid", "fulfillmentStatus": "paid"}}],
        }


async def test_store_stats_count_every_form_as_one_status(api: Api) -> None:
    for number, form in enumerate(FORMS):
        await _post(api, f"O-{number}", f"+336123456{number:02d}", form, " Unfulfilled")
    await _post(api, "O-R", "+33612345699", "REFUNDED", "unfulfilled")
    stats = (await gql(api, _STATS))["data"]["storeStats"]
    assert sorted(stats["byFinancialStatus"], key=lambda row: row["status"]) == [
        {"status": "paid", "count": len(FORMS)},
        {"status": "refunded", "count": 1},
    ]
    assert stats["byFulfillmentStatus"] == [{"status": "unfulfilled", "count": len(FORMS) + 1}]


@pytest.mark.parametrize("form", FORMS[1:], ids=repr)
async def test_a_post_that_only_respells_a_status_changes_nothing(api: Api, form: str) -> None:
    await _post(api, "O-1", "+33612345678", "paid", "unfulfilled")
    before = await api.rows("events")
    body = order_body(external_id="O-1", financial_status=form, fulfillment_status="UNFULFILLED")
    body["customer"] = {"phone": "+33612345678"}
    response = await api.post("/orders", body)
    assert (response.status_code, response.json()["financial_status"]) == (200, "paid")
    assert await api.rows("events") == before


async def test_a_patch_and_the_graphql_mutation_keep_the_same_form(api: Api) -> None:
    await _post(api, "O-1", "+33612345678", "pending", "unfulfilled")
    patched = await api.patch("/orders/O-1", {"financial_status": " PAID", "fulfillment_status": "Fulfilled"})
    assert (patched.json()["financial_status"], patched.json()["fulfillment_status"]) == ("paid", "fulfilled")
    mutation = """mutation { updateOrder(storeId: 123, externalId: "O-1", input: {financialStatus: " REFUNDED "}) {
      order { financialStatus } userErrors { code } } }"""
    payload = (await gql(api, mutation))["data"]["updateOrder"]
    assert payload == {"order": {"financialStatus": "refunded"}, "userErrors": []}
