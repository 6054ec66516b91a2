"""Every money sum of the dashboards is exact at any size (README "Order summaries"): storeStats'
revenue, a contact's spent, recoveryFunnel's revenue and storeTimeseries' revenue. Each order
is valid alone (99,999,999,999,999 VND), ten of them pass SQLite's 64-bit SUM (2^63
ten-thousandths, about 9.2 x 10^14): storeStats and a contact's totals answered "Internal server
error" there (`integer overflow`), and the dashboard's period query with them."""

from __future__ import annotations

from datetime import UTC, datetime

from app.automations.recovery import fire_due_recoveries
from app.services import stores
from tests.api.graphql.documents import gql
from tests.conftest import STORE_ID, Api, cart_body, order_body

LARGEST = "99999999999999"
ORDERS = 10
TOTAL = str(int(LARGEST) * ORDERS)  # 999,999,999,999,990 VND: past 2^63 ten-thousandths
REVENUE = [{"currency": "VND", "amount": TOTAL, "orders": ORDERS, "average": LARGEST}]
PHONE = "+33612345678"
_READS = """{
  storeStats(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") {
    orderCount revenue { currency amount orders average } }
  storeTimeseries(storeId: 123, from: "2026-04-30T22:00:00Z", to: "2026-05-31T22:00:00Z", interval: MONTH) {
    revenue { currency amount orders average } }
  contact(storeId: 123, phone: "+33612345678") { totals { ordersCount spent { currency amount } } }
}"""


def _order(n: int, phone: str = PHONE) -> dict:
    placed_at = f"2026-05-{10 + n:02d}T10:00:00Z"
    body = order_body(external_id=f"BIG-{n}", placed_at=placed_at, total_price=LARGEST, currency="VND", line_items=[])
    return {**body, "customer": {"phone": phone}}


async def test_store_stats_timeseries_and_a_contacts_totals(api: Api) -> None:
    for n in range(ORDERS):
        assert (await api.post("/orders", _order(n))).status_code == 201
    answer = await gql(api, _READS)
    assert "errors" not in answer, answer
    data = answer["data"]
    assert data["storeStats"] == {"orderCount": ORDERS, "revenue": REVENUE}
    assert [bucket["revenue"] for bucket in data["storeTimeseries"]] == [REVENUE]
    assert data["contact"]["totals"] == {"ordersCount": ORDERS, "spent": [{"currency": "VND", "amount": TOTAL}]}


async def test_the_recovery_funnels_revenue(api: Api) -> None:
    await stores.set_recovery_delay(api.db, STORE_ID, 60)
    phones = [f"+336123450{n:02d}" for n in range(ORDERS)]
    for n, phone in enumerate(phones):
        customer = {"phone": phone, "whatsapp_consent": {"marketing": "subscribed"}}
        cart = cart_body(external_id=f"C-{n}", abandoned_at="2026-05-02T10:00:00Z", customer=customer)
        assert (await api.post("/carts", cart)).status_code == 201
    assert (await api.db.write(fire_due_recoveries, datetime(2026, 5, 5, tzinfo=UTC))).fired == ORDERS
    for n, phone in enumerate(phones):
        assert (await api.post("/orders", _order(n, phone))).status_code == 201
    query = """{ recoveryFunnel(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") {
      cartsRecovered ordersAfterRecovery revenue { currency amount orders average } } }"""
    answer = await gql(api, query)
    assert "errors" not in answer, answer
    assert answer["data"]["recoveryFunnel"] == {
        "cartsRecovered": ORDERS,
        "ordersAfterRecovery": ORDERS,
        "revenue": REVENUE,
    }
