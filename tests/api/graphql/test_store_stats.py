"""SPEC §5: store(storeId) and storeStats(storeId, from, to)."""

from tests.api.graphql.documents import gql, seed_orders
from tests.conftest import cart_body, order_body


async def test_store_and_store_stats(api):
    await seed_orders(api, 10)
    await api.post("/carts", cart_body(abandoned_at="2026-05-03T00:00:00Z"))
    await api.post("/carts", cart_body(external_id="CART-2", abandoned_at="2026-05-04T00:00:00Z"))
    await api.patch("/carts/CART-2", {"status": "recovered"})
    query = """{ store(storeId: 123) { name region }
      storeStats(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") {
        orderCount revenue { currency amount average orders }
        byFinancialStatus { status count } cartsAbandoned cartsRecovered recoveryRate } }"""
    data = (await gql(api, query))["data"]
    assert data["store"] == {"name": "Demo shop", "region": "FR"}
    stats = data["storeStats"]
    assert stats["orderCount"] == 10
    assert stats["revenue"] == [{"currency": "EUR", "amount": "499.00", "average": "49.90", "orders": 10}]
    assert sorted((s["status"], s["count"]) for s in stats["byFinancialStatus"]) == [("paid", 5), ("pending", 5)]
    assert (stats["cartsAbandoned"], stats["cartsRecovered"], stats["recoveryRate"]) == (2, 1, 0.5)


async def test_status_counts_go_by_count_then_status_the_orders_without_one_last(api):
    """README, "Per-currency lists": most first; a tie by status, no status last, on both engines."""
    statuses = ["pending", None, "refunded", "paid", "paid", "cancelled", None, "authorized"]
    for n, status in enumerate(statuses):
        body = order_body(external_id=f"S-{n}", placed_at="2026-05-02T00:00:00Z", financial_status=status)
        assert (await api.post("/orders", body)).status_code == 201
    query = """{ storeStats(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") {
        byFinancialStatus { status count } byFulfillmentStatus { status count } } }"""
    stats = (await gql(api, query))["data"]["storeStats"]
    assert [(s["status"], s["count"]) for s in stats["byFinancialStatus"]] == [
        ("paid", 2), (None, 2), ("authorized", 1), ("cancelled", 1), ("pending", 1), ("refunded", 1),
    ]  # fmt: skip
    assert [(s["status"], s["count"]) for s in stats["byFulfillmentStatus"]] == [("unfulfilled", 8)]
